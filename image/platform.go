package image

import (
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// NormalizePlatform returns p with its OS, architecture and variant in
// canonical form, so that platforms written differently by different
// tools compare equal. The rules are containerd's normalization rules,
// without its "can run on" fallbacks (DESIGN.md, "platform matching"):
//
//	input                      normalized
//	any case                   lower case (OS, architecture, variant)
//	os macos                   darwin
//	i386                       386 (variant dropped)
//	x86_64, x86-64, amd64      amd64; variant v1 dropped, v2, v3, v4 kept
//	aarch64, arm64             arm64; variant v8 or 8 dropped
//	armhf                      arm/v7
//	armel                      arm/v6
//	arm with no variant        arm/v7
//
// Other values are only lower-cased. OSVersion and OSFeatures are kept as
// they are.
func NormalizePlatform(p ocispec.Platform) ocispec.Platform {
	p.OS = strings.ToLower(p.OS)
	if p.OS == "macos" {
		p.OS = "darwin"
	}
	p.Architecture, p.Variant = normalizeArch(strings.ToLower(p.Architecture), strings.ToLower(p.Variant))
	return p
}

func normalizeArch(arch, variant string) (string, string) {
	switch arch {
	case "i386":
		return "386", ""
	case "x86_64", "x86-64", "amd64":
		if variant == "v1" {
			variant = ""
		}
		return "amd64", variant
	case "aarch64", "arm64":
		if variant == "v8" || variant == "8" {
			variant = ""
		}
		return "arm64", variant
	case "armhf":
		return "arm", "v7"
	case "armel":
		return "arm", "v6"
	case "arm":
		if variant == "" {
			variant = "v7"
		}
		return "arm", variant
	}
	return arch, variant
}

// PlatformMatches reports whether got is exactly the platform want names,
// after both are normalized: same OS and architecture, and the same
// variant when want has one. There is no "can run on" fallback: arm64
// does not match arm, nor amd64 386. Note that "arm" alone normalizes to
// arm/v7, so it does not match arm/v6.
func PlatformMatches(want, got ocispec.Platform) bool {
	w, g := NormalizePlatform(want), NormalizePlatform(got)
	return w.OS == g.OS && w.Architecture == g.Architecture && (w.Variant == "" || w.Variant == g.Variant)
}

// SelectManifest picks the child of a manifest list that a Legacy import
// uses (SEMANTICS §8.4, steps 1-3) and returns its index:
//
//  1. the first child whose OS and architecture are preferOS and
//     preferArch;
//  2. else the first linux/amd64 child;
//  3. else the first child.
//
// A list with no children is [ErrEmptyManifestList]. The caller resolves
// the preference: in OpenShift it is the target spec tag's prefer-os and
// prefer-arch annotations, defaulting to the API server's GOOS and GOARCH;
// if either is empty here, step 1 is skipped.
//
// QUIRK (SEMANTICS §14.13): the variant is ignored, so arm/v6 may be picked
// for an arm/v7 preference. Unlike OpenShift, which compares the raw
// strings, both sides are normalized first ([NormalizePlatform]), so a
// child written "x86_64" or "Linux" is found; a child without a platform
// matches nothing before step 3.
func SelectManifest(children []ocispec.Descriptor, preferOS, preferArch string) (int, error) {
	if len(children) == 0 {
		return -1, ErrEmptyManifestList
	}
	if preferOS != "" && preferArch != "" {
		want := NormalizePlatform(ocispec.Platform{OS: preferOS, Architecture: preferArch})
		if i := indexOfPlatform(children, want.OS, want.Architecture); i >= 0 {
			return i, nil
		}
	}
	if i := indexOfPlatform(children, "linux", "amd64"); i >= 0 {
		return i, nil
	}
	return 0, nil
}

// indexOfPlatform returns the index of the first child with the given
// normalized OS and architecture, or -1.
func indexOfPlatform(children []ocispec.Descriptor, os, arch string) int {
	for i, c := range children {
		if c.Platform == nil {
			continue
		}
		p := NormalizePlatform(ocispec.Platform{OS: c.Platform.OS, Architecture: c.Platform.Architecture, Variant: c.Platform.Variant})
		if p.OS == os && p.Architecture == arch {
			return i
		}
	}
	return -1
}

package image_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
)

// mfPlatform is a short way to write os/arch[/variant].
func mfPlatform(os, arch, variant string) ocispec.Platform {
	return ocispec.Platform{OS: os, Architecture: arch, Variant: variant}
}

func TestNormalizePlatform(t *testing.T) {
	tests := []struct {
		name string
		in   ocispec.Platform
		want ocispec.Platform
	}{
		{name: "already normal", in: mfPlatform("linux", "amd64", ""), want: mfPlatform("linux", "amd64", "")},
		{name: "upper case", in: mfPlatform("Linux", "AMD64", "V2"), want: mfPlatform("linux", "amd64", "v2")},
		{name: "macos is darwin", in: mfPlatform("MacOS", "arm64", ""), want: mfPlatform("darwin", "arm64", "")},
		{name: "x86_64", in: mfPlatform("linux", "x86_64", ""), want: mfPlatform("linux", "amd64", "")},
		{name: "x86-64", in: mfPlatform("linux", "x86-64", ""), want: mfPlatform("linux", "amd64", "")},
		{name: "amd64 v1 dropped", in: mfPlatform("linux", "amd64", "v1"), want: mfPlatform("linux", "amd64", "")},
		{name: "x86_64 v1 dropped", in: mfPlatform("linux", "x86_64", "v1"), want: mfPlatform("linux", "amd64", "")},
		{name: "amd64 v2 kept", in: mfPlatform("linux", "amd64", "v2"), want: mfPlatform("linux", "amd64", "v2")},
		{name: "amd64 v3 kept", in: mfPlatform("linux", "amd64", "v3"), want: mfPlatform("linux", "amd64", "v3")},
		{name: "amd64 v4 kept", in: mfPlatform("linux", "amd64", "v4"), want: mfPlatform("linux", "amd64", "v4")},
		{name: "aarch64", in: mfPlatform("linux", "aarch64", ""), want: mfPlatform("linux", "arm64", "")},
		{name: "arm64 v8 dropped", in: mfPlatform("linux", "arm64", "v8"), want: mfPlatform("linux", "arm64", "")},
		{name: "aarch64 8 dropped", in: mfPlatform("linux", "aarch64", "8"), want: mfPlatform("linux", "arm64", "")},
		{name: "arm64 v9 kept", in: mfPlatform("linux", "arm64", "v9"), want: mfPlatform("linux", "arm64", "v9")},
		{name: "armhf", in: mfPlatform("linux", "armhf", ""), want: mfPlatform("linux", "arm", "v7")},
		{name: "armel", in: mfPlatform("linux", "armel", ""), want: mfPlatform("linux", "arm", "v6")},
		{name: "arm without variant is v7", in: mfPlatform("linux", "arm", ""), want: mfPlatform("linux", "arm", "v7")},
		{name: "arm v6 kept", in: mfPlatform("linux", "arm", "v6"), want: mfPlatform("linux", "arm", "v6")},
		{name: "i386", in: mfPlatform("linux", "i386", ""), want: mfPlatform("linux", "386", "")},
		{name: "other architectures only lower-cased", in: mfPlatform("linux", "PPC64LE", ""), want: mfPlatform("linux", "ppc64le", "")},
		{
			name: "os version and features kept",
			in:   ocispec.Platform{OS: "Windows", Architecture: "x86_64", OSVersion: "10.0.17763.1817", OSFeatures: []string{"win32k"}},
			want: ocispec.Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.1817", OSFeatures: []string{"win32k"}},
		},
		{name: "empty", in: ocispec.Platform{}, want: ocispec.Platform{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := image.NormalizePlatform(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("NormalizePlatform (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(got, image.NormalizePlatform(got)); diff != "" {
				t.Errorf("NormalizePlatform is not idempotent (-once +twice):\n%s", diff)
			}
		})
	}
}

func TestPlatformMatches(t *testing.T) {
	tests := []struct {
		name      string
		want, got ocispec.Platform
		match     bool
	}{
		{name: "same", want: mfPlatform("linux", "amd64", ""), got: mfPlatform("linux", "amd64", ""), match: true},
		{name: "normalized spellings", want: mfPlatform("linux", "amd64", ""), got: mfPlatform("Linux", "x86_64", "v1"), match: true},
		{name: "want without variant accepts any", want: mfPlatform("linux", "amd64", ""), got: mfPlatform("linux", "amd64", "v3"), match: true},
		{name: "variant must match when wanted", want: mfPlatform("linux", "amd64", "v3"), got: mfPlatform("linux", "amd64", "v2"), match: false},
		{name: "arm64 v8 is arm64", want: mfPlatform("linux", "arm64", "v8"), got: mfPlatform("linux", "aarch64", ""), match: true},
		{name: "arm means arm/v7", want: mfPlatform("linux", "arm", ""), got: mfPlatform("linux", "armhf", ""), match: true},
		{name: "arm does not run arm/v6", want: mfPlatform("linux", "arm", ""), got: mfPlatform("linux", "arm", "v6"), match: false},
		// No "can run on" fallbacks (DESIGN.md).
		{name: "arm64 does not take arm", want: mfPlatform("linux", "arm64", ""), got: mfPlatform("linux", "arm", "v7"), match: false},
		{name: "amd64 does not take 386", want: mfPlatform("linux", "amd64", ""), got: mfPlatform("linux", "386", ""), match: false},
		{name: "other os", want: mfPlatform("linux", "amd64", ""), got: mfPlatform("windows", "amd64", ""), match: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := image.PlatformMatches(tc.want, tc.got); got != tc.match {
				t.Errorf("PlatformMatches(%v, %v) = %v, want %v", tc.want, tc.got, got, tc.match)
			}
		})
	}
}

// TestSelectManifest covers each step of the Legacy selection order
// (SEMANTICS §8.4) and the QUIRK that variants are ignored (§14.13).
func TestSelectManifest(t *testing.T) {
	child := func(os, arch, variant string) ocispec.Descriptor {
		p := mfPlatform(os, arch, variant)
		return ocispec.Descriptor{MediaType: image.MediaTypeOCIManifest, Digest: mfDigest(os + arch + variant), Size: 1, Platform: &p}
	}
	noPlatform := ocispec.Descriptor{MediaType: image.MediaTypeOCIManifest, Digest: mfDigest("none"), Size: 1}
	multi := []ocispec.Descriptor{
		child("linux", "arm", "v6"), child("linux", "amd64", ""), child("linux", "arm64", "v8"),
		child("linux", "arm", "v7"), child("linux", "ppc64le", ""), child("linux", "amd64", "v3"),
	}
	tests := []struct {
		name                 string
		children             []ocispec.Descriptor
		preferOS, preferArch string
		want                 int
		wantErr              error
	}{
		{name: "step 1: preferred platform", children: multi, preferOS: "linux", preferArch: "ppc64le", want: 4},
		{name: "step 1: first of several matches", children: multi, preferOS: "linux", preferArch: "amd64", want: 1},
		{name: "step 1: variant ignored, first arm wins", children: multi, preferOS: "linux", preferArch: "arm", want: 0},
		{name: "step 1: preference normalized", children: multi, preferOS: "Linux", preferArch: "aarch64", want: 2},
		{
			name:     "step 1: children normalized",
			children: []ocispec.Descriptor{child("linux", "amd64", ""), child("Linux", "AArch64", "8")},
			preferOS: "linux", preferArch: "arm64", want: 1,
		},
		{name: "step 2: linux/amd64 when the preference is absent", children: multi, preferOS: "linux", preferArch: "s390x", want: 1},
		{name: "step 2: windows preference falls back to linux/amd64", children: multi, preferOS: "windows", preferArch: "amd64", want: 1},
		{
			name:     "step 2: x86_64 child counts as amd64",
			children: []ocispec.Descriptor{child("linux", "ppc64le", ""), child("linux", "x86_64", "")},
			preferOS: "linux", preferArch: "s390x", want: 1,
		},
		{name: "step 2: empty preference skips step 1", children: []ocispec.Descriptor{noPlatform, child("linux", "amd64", "")}, want: 1},
		{
			name:     "step 3: first child",
			children: []ocispec.Descriptor{child("linux", "ppc64le", ""), child("linux", "s390x", "")},
			preferOS: "linux", preferArch: "arm64", want: 0,
		},
		{
			name:     "step 3: children without platform match nothing earlier",
			children: []ocispec.Descriptor{noPlatform, child("windows", "amd64", "")},
			preferOS: "linux", preferArch: "amd64", want: 0,
		},
		{name: "empty list", children: nil, preferOS: "linux", preferArch: "amd64", want: -1, wantErr: image.ErrEmptyManifestList},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := image.SelectManifest(tc.children, tc.preferOS, tc.preferArch)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("SelectManifest = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestErrEmptyManifestListText(t *testing.T) {
	if got, want := image.ErrEmptyManifestList.Error(), "no manifests in manifest list"; got != want {
		t.Errorf("ErrEmptyManifestList = %q, want OpenShift's %q", got, want)
	}
}

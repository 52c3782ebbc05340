package image_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
)

var mfSentinels = []error{
	image.ErrInvalidManifest, image.ErrUnsupportedManifest, image.ErrMissingConfig,
	image.ErrInvalidConfig, image.ErrDigestMismatch,
}

// FuzzFromManifest checks that any bytes either fail with one of the
// package's sentinels or give an Image named after the manifest's digest
// whose manifest verifies against it (SEMANTICS §8.6, §10.1).
func FuzzFromManifest(f *testing.F) {
	for _, tc := range mfGoldenCases(f) {
		f.Add(tc.manifest, tc.mediaType, tc.config)
		f.Add(tc.manifest, "", tc.config)
	}
	f.Add([]byte(`{"schemaVersion":2,"manifests":[{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":-1}]}`), "", []byte(nil))
	f.Add([]byte(`{"schemaVersion":1,"fsLayers":[],"history":[],"signatures":[{"protected":"eyJmb3JtYXRMZW5ndGgiOjEsImZvcm1hdFRhaWwiOiJmUSJ9"}]}`), "", []byte(nil))
	f.Add([]byte(`{"schemaVersion":3}`), image.MediaTypeOCIManifest, []byte("{}"))
	f.Fuzz(func(t *testing.T, manifest []byte, mediaType string, config []byte) {
		img, err := image.FromManifest(image.ManifestInput{Manifest: manifest, MediaType: mediaType, Config: config, Now: mfNow})
		if err != nil {
			if img != nil {
				t.Fatalf("Image and error %v together", err)
			}
			for _, s := range mfSentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the package's sentinels", err)
		}
		m, err := image.ParseManifest(mediaType, manifest)
		if err != nil {
			t.Fatalf("FromManifest succeeded but ParseManifest failed: %v", err)
		}
		if img.Name != m.Digest.String() || img.Name != digest.FromBytes(m.Canonical).String() {
			t.Fatalf("name %s, canonical digest %s", img.Name, m.Digest)
		}
		if m.MediaType != image.MediaTypeDockerSchema1SignedManifest && img.Name != digest.FromBytes(manifest).String() {
			t.Fatalf("name %s is not the digest of the manifest", img.Name)
		}
		if m.IsList() {
			if img.DockerImageManifest != "" || len(img.DockerImageLayers) != 0 || len(img.DockerImageManifests) != len(m.Index.Manifests) {
				t.Fatalf("list Image has manifest %t, %d layers, %d children", img.DockerImageManifest != "", len(img.DockerImageLayers), len(img.DockerImageManifests))
			}
		} else {
			if ok, err := image.ManifestMatchesImage(img, manifest); !ok || err != nil {
				t.Fatalf("ManifestMatchesImage = %v, %v for the Image's own manifest", ok, err)
			}
			if img.Annotations[image.DockerImageLayersOrderAnnotation] != image.DockerImageLayersOrderAscending {
				t.Fatalf("annotations %v lack ascending layer order", img.Annotations)
			}
		}
		again, err := image.FromManifest(image.ManifestInput{Manifest: manifest, MediaType: mediaType, Config: config, Now: mfNow, Digest: m.Digest})
		if err != nil {
			t.Fatalf("FromManifest with its own digest: %v", err)
		}
		if diff := cmp.Diff(img, again); diff != "" {
			t.Fatalf("FromManifest with its own digest differs:\n%s", diff)
		}
	})
}

// FuzzImageWithMetadata checks that deriving metadata from any stored
// manifest and config never panics, leaves an Image without manifest
// unchanged and, when it succeeds, keeps the Image's name, fills the
// layers and size as SEMANTICS §10.2 says (checkLayersAndSize) and is
// idempotent, as repeated Image updates rely on (SEMANTICS §10.1, §10.2).
func FuzzImageWithMetadata(f *testing.F) {
	for _, tc := range mfGoldenCases(f) {
		f.Add(string(tc.manifest), tc.mediaType, string(tc.config), "")
		f.Add(string(tc.manifest), "", string(tc.config), image.DockerImageLayersOrderDescending)
	}
	f.Add(`{"schemaVersion":1,"fsLayers":[{"blobSum":"x"}],"history":[{"v1Compatibility":"{\"size\":-5}"}]}`, "", "", "")
	f.Add(`{"schemaVersion":2,"config":{"digest":"sha256:c"},"layers":[{"digest":"sha256:c","size":9},{"digest":"sha256:a","size":2},{"digest":"sha256:b","size":4},{"digest":"sha256:a","size":8}]}`, "", "{}", image.DockerImageLayersOrderDescending)
	f.Fuzz(func(t *testing.T, manifest, mediaType, config, order string) {
		img := image.Image{
			ObjectMeta:                   image.ObjectMeta{Name: "sha256:fuzz"},
			DockerImageManifest:          manifest,
			DockerImageManifestMediaType: mediaType,
			DockerImageConfig:            config,
		}
		if order != "" {
			img.Annotations = map[string]string{image.DockerImageLayersOrderAnnotation: order}
		}
		before := img
		before.Annotations = maps.Clone(img.Annotations)
		if err := image.ImageWithMetadata(&img, mfNow); err != nil {
			return
		}
		if manifest == "" {
			// No manifest: nothing to do, whatever the other fields hold.
			if diff := cmp.Diff(before, img); diff != "" {
				t.Fatalf("ImageWithMetadata changed an Image without manifest (-before +after):\n%s", diff)
			}
			return
		}
		if img.Name != "sha256:fuzz" {
			t.Fatalf("ImageWithMetadata changed the name to %q", img.Name)
		}
		checkLayersAndSize(t, &img, manifest, config)
		once := img
		once.DockerImageLayers = slices.Clone(img.DockerImageLayers)
		once.Annotations = maps.Clone(img.Annotations)
		if err := image.ImageWithMetadata(&img, mfNow); err != nil {
			t.Fatalf("second ImageWithMetadata failed: %v", err)
		}
		if diff := cmp.Diff(once, img); diff != "" {
			t.Fatalf("ImageWithMetadata is not idempotent (-once +twice):\n%s", diff)
		}
	})
}

// FuzzNormalizePlatform checks that normalization is idempotent, that a
// platform matches itself, and that SelectManifest picks a valid index.
func FuzzNormalizePlatform(f *testing.F) {
	for _, s := range [][3]string{{"linux", "amd64", ""}, {"Linux", "x86_64", "v1"}, {"linux", "arm", ""}, {"macos", "aarch64", "8"}, {"linux", "armhf", "v5"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, os, arch, variant string) {
		p := ocispec.Platform{OS: os, Architecture: arch, Variant: variant}
		n := image.NormalizePlatform(p)
		if diff := cmp.Diff(n, image.NormalizePlatform(n)); diff != "" {
			t.Fatalf("not idempotent for %v:\n%s", p, diff)
		}
		if !image.PlatformMatches(p, p) || !image.PlatformMatches(p, n) || !image.PlatformMatches(n, p) {
			t.Fatalf("%v does not match itself or its normal form %v", p, n)
		}
		children := []ocispec.Descriptor{{Platform: &ocispec.Platform{OS: "linux", Architecture: "s390x"}}, {Platform: &p}}
		i, err := image.SelectManifest(children, os, arch)
		if err != nil || i < 0 || i >= len(children) {
			t.Fatalf("SelectManifest = %d, %v", i, err)
		}
		if os != "" && arch != "" && i != 1 && !(n.OS == "linux" && n.Architecture == "s390x") {
			t.Fatalf("SelectManifest(%q, %q) = %d, want the matching child 1", os, arch, i)
		}
	})
}

// checkLayersAndSize checks, against an independent decoding of the
// manifest, that ImageWithMetadata filled the layers base-first in the
// manifest's order (schema 1 fsLayers reversed, schema 2 as listed) and
// that Size is the sum over distinct layer digests, plus the config
// length for schema 2 where a layer equal to the config digest is
// skipped (SEMANTICS §10.2). A schema 1 history size that does not
// decode counts as 0.
func checkLayersAndSize(t *testing.T, img *image.Image, manifest, config string) {
	t.Helper()
	var m struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		FSLayers      []struct {
			BlobSum string `json:"blobSum"`
		} `json:"fsLayers"`
		History []struct {
			V1Compatibility string `json:"v1Compatibility"`
		} `json:"history"`
		Layers []struct {
			MediaType string `json:"mediaType"`
			Size      int64  `json:"size"`
			Digest    string `json:"digest"`
		} `json:"layers"`
		Config struct {
			Digest string `json:"digest"`
		} `json:"config"`
	}
	if err := json.Unmarshal([]byte(manifest), &m); err != nil {
		t.Fatalf("ImageWithMetadata accepted a manifest that does not decode: %v", err)
	}
	if m.MediaType == image.MediaTypeDockerSchema2ManifestList || m.MediaType == image.MediaTypeOCIIndex {
		if len(img.DockerImageLayers) != 0 || img.DockerImageMetadata.Size != 0 {
			t.Fatalf("list Image has %d layers, size %d", len(img.DockerImageLayers), img.DockerImageMetadata.Size)
		}
		return
	}
	var want []image.ImageLayer
	var size int64
	seen := map[string]bool{}
	switch m.SchemaVersion {
	case 1:
		for i := len(m.FSLayers) - 1; i >= 0; i-- {
			var s struct {
				Size int64 `json:"size"`
			}
			if err := json.Unmarshal([]byte(m.History[i].V1Compatibility), &s); err != nil {
				s.Size = 0
			}
			want = append(want, image.ImageLayer{Name: m.FSLayers[i].BlobSum, LayerSize: s.Size, MediaType: image.MediaTypeDockerSchema1Layer})
		}
	case 2:
		size = int64(len(config))
		if m.Config.Digest != "" {
			seen[m.Config.Digest] = true
		}
		for _, l := range m.Layers {
			want = append(want, image.ImageLayer{Name: l.Digest, LayerSize: l.Size, MediaType: l.MediaType})
		}
	default:
		t.Fatalf("ImageWithMetadata accepted schema %d", m.SchemaVersion)
	}
	for _, l := range want {
		if !seen[l.Name] {
			seen[l.Name] = true
			size += l.LayerSize
		}
	}
	if len(want) == 0 {
		want = []image.ImageLayer{}
	}
	got := img.DockerImageLayers
	if got == nil {
		got = []image.ImageLayer{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("layers do not follow the manifest (-want +got):\n%s", diff)
	}
	if img.DockerImageMetadata.Size != size {
		t.Fatalf("size %d, want %d", img.DockerImageMetadata.Size, size)
	}
}

package image_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
)

// mfBenchSchema2 returns a Docker schema 2 manifest with n layers and its
// config.
func mfBenchSchema2(tb testing.TB, n int) (manifest, config []byte) {
	tb.Helper()
	config = mfFixture(tb, "schema2-config.json")
	m := ocispec.Manifest{
		MediaType: image.MediaTypeDockerSchema2Manifest,
		Config:    ocispec.Descriptor{MediaType: image.MediaTypeDockerSchema2Config, Digest: digest.FromBytes(config), Size: int64(len(config))},
	}
	m.SchemaVersion = 2
	for i := range n {
		m.Layers = append(m.Layers, ocispec.Descriptor{MediaType: image.MediaTypeDockerSchema2Layer, Digest: mfDigest(fmt.Sprint("layer", i)), Size: int64(1000 * (i + 1))})
	}
	return mfJSON(tb, m), config
}

// mfBenchIndex returns an OCI index with n children.
func mfBenchIndex(tb testing.TB, n int) []byte {
	tb.Helper()
	archs := []string{"amd64", "arm64", "arm", "ppc64le", "s390x"}
	ix := ocispec.Index{MediaType: image.MediaTypeOCIIndex}
	ix.SchemaVersion = 2
	for i := range n {
		ix.Manifests = append(ix.Manifests, ocispec.Descriptor{
			MediaType: image.MediaTypeOCIManifest, Digest: mfDigest(fmt.Sprint("child", i)), Size: 1589,
			Platform: &ocispec.Platform{OS: "linux", Architecture: archs[i%len(archs)]},
		})
	}
	return mfJSON(tb, ix)
}

func BenchmarkFromManifest(b *testing.B) {
	s2, s2cfg := mfBenchSchema2(b, 20)
	signed := mfSign(b, mfFixture(b, "schema1-unsigned.json"), 1)
	benches := []struct {
		name string
		in   image.ManifestInput
	}{
		{"schema2-20-layers", image.ManifestInput{Manifest: s2, MediaType: image.MediaTypeDockerSchema2Manifest, Config: s2cfg, Digest: digest.FromBytes(s2)}},
		{"schema1-signed", image.ManifestInput{Manifest: signed, MediaType: image.MediaTypeDockerSchema1SignedManifest}},
		{"oci-index-100", image.ManifestInput{Manifest: mfBenchIndex(b, 100), MediaType: image.MediaTypeOCIIndex}},
		// Adversarial sizes: a 10k-entry index and a 1 MiB v1Compatibility.
		{"oci-index-10000", image.ManifestInput{Manifest: mfBenchIndex(b, 10000), MediaType: image.MediaTypeOCIIndex}},
		{"schema1-1MiB-history", image.ManifestInput{Manifest: []byte(fmt.Sprintf(`{"schemaVersion":1,"fsLayers":[{"blobSum":%q}],"history":[{"v1Compatibility":"{\"comment\":\"%s\"}"}]}`,
			mfDigest("x"), strings.Repeat("x", 1<<20)))}},
	}
	for _, bc := range benches {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := image.FromManifest(bc.in); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(bc.in.Manifest)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := image.FromManifest(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkImageWithMetadata(b *testing.B) {
	s2, s2cfg := mfBenchSchema2(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		img := image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:x"}, DockerImageManifest: string(s2), DockerImageConfig: string(s2cfg)}
		if err := image.ImageWithMetadata(&img, mfNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelectManifest(b *testing.B) {
	m, err := image.ParseManifest(image.MediaTypeOCIIndex, mfBenchIndex(b, 100))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	// No child is windows/amd64 and none linux/amd64 after the first 100
	// would be: this walks the list for step 1, then stops in step 2.
	for b.Loop() {
		if _, err := image.SelectManifest(m.Index.Manifests, "windows", "x86_64"); err != nil {
			b.Fatal(err)
		}
	}
}

package image_test

import (
	"crypto/sha512"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
)

// mfNow is the clock reading the tests hand to FromManifest.
var mfNow = time.Date(2026, 11, 22, 10, 30, 15, 987654321, time.UTC)

// mfGoldenCase is one fixture with its golden Image.
type mfGoldenCase struct {
	name      string // golden file base name
	manifest  []byte
	mediaType string // as served
	config    []byte
}

func mfGoldenCases(tb testing.TB) []mfGoldenCase {
	unsigned := mfFixture(tb, "schema1-unsigned.json")
	return []mfGoldenCase{
		{"oci-manifest", mfFixture(tb, "oci-manifest.json"), image.MediaTypeOCIManifest, mfFixture(tb, "oci-config.json")},
		{"schema2-manifest", mfFixture(tb, "schema2-manifest.json"), image.MediaTypeDockerSchema2Manifest, mfFixture(tb, "schema2-config.json")},
		{"schema1-unsigned", unsigned, image.MediaTypeDockerSchema1Manifest, nil},
		{"schema1-signed", mfSign(tb, unsigned, 1), image.MediaTypeDockerSchema1SignedManifest, nil},
		{"oci-index", mfFixture(tb, "oci-index.json"), image.MediaTypeOCIIndex, nil},
		{"docker-list", mfFixture(tb, "docker-list.json"), image.MediaTypeDockerSchema2ManifestList, nil},
	}
}

// TestFromManifestGolden builds an Image from every fixture (SEMANTICS
// §8.4, §8.6, §10.2) and compares it with its golden file. The result must
// not depend on how the media type was served, and the name must be the
// digest the manifest was requested by.
func TestFromManifestGolden(t *testing.T) {
	for _, tc := range mfGoldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			m, err := image.ParseManifest(tc.mediaType, tc.manifest)
			if err != nil {
				t.Fatalf("ParseManifest: %v", err)
			}
			img, err := image.FromManifest(image.ManifestInput{
				Manifest: tc.manifest, MediaType: tc.mediaType, Config: tc.config, Digest: m.Digest, Now: mfNow,
			})
			if err != nil {
				t.Fatalf("FromManifest: %v", err)
			}
			mfGolden(t, tc.name, img)
			if img.Name != m.Digest.String() {
				t.Errorf("name %s, want the canonical digest %s", img.Name, m.Digest)
			}
			for _, served := range []string{"", "application/json", "text/plain; charset=utf-8", tc.mediaType + "; charset=utf-8", "APPLICATION/" + tc.mediaType[len("application/"):]} {
				other, err := image.FromManifest(image.ManifestInput{Manifest: tc.manifest, MediaType: served, Config: tc.config, Now: mfNow})
				if err != nil {
					t.Errorf("served as %q: %v", served, err)
					continue
				}
				if diff := cmp.Diff(img, other); diff != "" {
					t.Errorf("served as %q: Image differs (-as %s +as %q):\n%s", served, tc.mediaType, served, diff)
				}
			}
		})
	}
}

// TestSchema1SignedAndUnsignedShareName: the digest of a signed schema 1
// manifest covers only the signed JSON, so signing does not change the
// name, and neither does the number of signatures.
func TestSchema1SignedAndUnsignedShareName(t *testing.T) {
	unsigned := mfFixture(t, "schema1-unsigned.json")
	want := digest.FromBytes(unsigned).String()
	for _, count := range []int{1, 2, 3} {
		img, err := image.FromManifest(image.ManifestInput{Manifest: mfSign(t, unsigned, count)})
		if err != nil {
			t.Fatalf("%d signatures: %v", count, err)
		}
		if img.Name != want {
			t.Errorf("%d signatures: name %s, want %s", count, img.Name, want)
		}
	}
}

// mfSummary is the part of an Image the table tests compare.
type mfSummary struct {
	Name        string
	MediaType   string
	ID          string
	Size        int64
	Created     time.Time
	Layers      []image.ImageLayer
	Manifests   []image.ImageManifest
	Annotations map[string]string
	HasManifest bool
	HasConfig   bool
}

func mfSummarize(img *image.Image) mfSummary {
	return mfSummary{
		Name:        img.Name,
		MediaType:   img.DockerImageManifestMediaType,
		ID:          img.DockerImageMetadata.ID,
		Size:        img.DockerImageMetadata.Size,
		Created:     img.DockerImageMetadata.Created.Time,
		Layers:      img.DockerImageLayers,
		Manifests:   img.DockerImageManifests,
		Annotations: img.Annotations,
		HasManifest: img.DockerImageManifest != "",
		HasConfig:   img.DockerImageConfig != "",
	}
}

func TestFromManifest(t *testing.T) {
	ascending := map[string]string{image.DockerImageLayersOrderAnnotation: image.DockerImageLayersOrderAscending}
	config := []byte(`{"architecture":"amd64","os":"linux","created":"2025-01-02T03:04:05.678Z","size":42}`)
	cd := digest.FromBytes(config)
	layer := func(s string, size int64) string {
		return fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d}`, image.MediaTypeOCILayer, mfDigest(s), size)
	}
	ociManifest := func(layers ...string) []byte {
		b := fmt.Sprintf(`{"schemaVersion":2,"config":{"mediaType":%q,"digest":%q,"size":%d},"layers":[`, image.MediaTypeOCIConfig, cd, len(config))
		for i, l := range layers {
			if i > 0 {
				b += ","
			}
			b += l
		}
		return []byte(b + "]}")
	}
	dup := ociManifest(layer("a", 100), layer("b", 20), layer("a", 100),
		fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d}`, image.MediaTypeOCILayer, cd, len(config)))
	noLayers := ociManifest()
	index := []byte(fmt.Sprintf(`{"schemaVersion":2,"manifests":[{"mediaType":%q,"digest":%q,"size":7},{"mediaType":%q,"digest":%q,"size":9,"platform":{"architecture":"x86_64","os":"Linux","variant":"v1"}}]}`,
		image.MediaTypeOCIManifest, mfDigest("no-platform"), image.MediaTypeOCIManifest, mfDigest("raw-platform")))
	emptyList := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}`)
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

	tests := []struct {
		name string
		in   image.ManifestInput
		want mfSummary
	}{
		{
			// SEMANTICS §10.2: Size = len(config) + distinct layers, and a
			// layer that is the config blob is not counted twice.
			name: "size skips duplicate layers and the config digest",
			in:   image.ManifestInput{Manifest: dup, Config: config},
			want: mfSummary{
				Name: digest.FromBytes(dup).String(), MediaType: image.MediaTypeOCIManifest, ID: cd.String(),
				Size: int64(len(config)) + 100 + 20, Created: created,
				Layers: []image.ImageLayer{
					{Name: mfDigest("a").String(), LayerSize: 100, MediaType: image.MediaTypeOCILayer},
					{Name: mfDigest("b").String(), LayerSize: 20, MediaType: image.MediaTypeOCILayer},
					{Name: mfDigest("a").String(), LayerSize: 100, MediaType: image.MediaTypeOCILayer},
					{Name: cd.String(), LayerSize: int64(len(config)), MediaType: image.MediaTypeOCILayer},
				},
				Annotations: ascending, HasManifest: true, HasConfig: true,
			},
		},
		{
			// SEMANTICS §10.2: Size = len(config) + distinct layers holds
			// without layers too; the config's own "size" (42) is ignored.
			name: "no layers: size is the config's length, not its size key",
			in:   image.ManifestInput{Manifest: noLayers, MediaType: image.MediaTypeOCIManifest, Config: config},
			want: mfSummary{
				Name: digest.FromBytes(noLayers).String(), MediaType: image.MediaTypeOCIManifest, ID: cd.String(),
				Size: int64(len(config)), Created: created, Layers: []image.ImageLayer{}, Annotations: ascending, HasManifest: true, HasConfig: true,
			},
		},
		{
			name: "sha512 digest verifies, name stays sha256",
			in: image.ManifestInput{Manifest: noLayers, Config: config,
				Digest: digest.NewDigestFromBytes(digest.SHA512, func() []byte { s := sha512.Sum512(noLayers); return s[:] }())},
			want: mfSummary{
				Name: digest.FromBytes(noLayers).String(), MediaType: image.MediaTypeOCIManifest, ID: cd.String(),
				Size: int64(len(config)), Created: created, Layers: []image.ImageLayer{}, Annotations: ascending, HasManifest: true, HasConfig: true,
			},
		},
		{
			// SEMANTICS §8.4: list children keep their platform as written;
			// metadata is {Id: digest, Created: now}.
			name: "sniffed OCI index keeps raw platforms",
			in:   image.ManifestInput{Manifest: index, Now: mfNow},
			want: mfSummary{
				Name: digest.FromBytes(index).String(), MediaType: image.MediaTypeOCIIndex, ID: digest.FromBytes(index).String(),
				Created: mfNow.Truncate(time.Second),
				Manifests: []image.ImageManifest{
					{Digest: mfDigest("no-platform").String(), MediaType: image.MediaTypeOCIManifest, ManifestSize: 7},
					{Digest: mfDigest("raw-platform").String(), MediaType: image.MediaTypeOCIManifest, ManifestSize: 9, Architecture: "x86_64", OS: "Linux", Variant: "v1"},
				},
			},
		},
		{
			name: "empty manifest list",
			in:   image.ManifestInput{Manifest: emptyList, MediaType: image.MediaTypeDockerSchema2ManifestList},
			want: mfSummary{Name: digest.FromBytes(emptyList).String(), MediaType: image.MediaTypeDockerSchema2ManifestList, ID: digest.FromBytes(emptyList).String()},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := image.FromManifest(tc.in)
			if err != nil {
				t.Fatalf("FromManifest: %v", err)
			}
			if diff := cmp.Diff(tc.want, mfSummarize(img)); diff != "" {
				t.Errorf("Image (-want +got):\n%s", diff)
			}
			if img.DockerImageMetadataVersion != "1.0" || img.DockerImageMetadata.Kind != "DockerImage" || img.DockerImageMetadata.APIVersion != "image.openshift.io/1.0" {
				t.Errorf("metadata version/kind/apiVersion = %q/%q/%q", img.DockerImageMetadataVersion, img.DockerImageMetadata.Kind, img.DockerImageMetadata.APIVersion)
			}
		})
	}
}

func TestFromManifestErrors(t *testing.T) {
	s2 := mfFixture(t, "schema2-manifest.json")
	s2cfg := mfFixture(t, "schema2-config.json")
	s1 := mfFixture(t, "schema1-unsigned.json")
	list := mfFixture(t, "docker-list.json")
	other := mfDigest("other")
	n, tail := mfSplit(t, s1)
	sig := func(protected string) []mfSignature { return []mfSignature{{Protected: protected}} }
	s1NoHistory := []byte(`{"schemaVersion":1,"fsLayers":[],"history":[]}`)
	s1Mismatch := []byte(fmt.Sprintf(`{"schemaVersion":1,"fsLayers":[{"blobSum":%q},{"blobSum":%q}],"history":[{"v1Compatibility":"{}"}]}`, mfDigest("x"), mfDigest("y")))

	tests := []struct {
		name    string
		in      image.ManifestInput
		wantIs  error
		wantMsg string // exact message; "" skips the check
	}{
		{
			name:    "schema2 digest mismatch",
			in:      image.ManifestInput{Manifest: s2, Config: s2cfg, Digest: other},
			wantIs:  image.ErrDigestMismatch,
			wantMsg: fmt.Sprintf("content integrity error: the manifest retrieved (media type: application/vnd.docker.distribution.manifest.v2+json) with digest %s does not match the digest calculated from the content %s", other, digest.FromBytes(s2)),
		},
		{
			name:    "schema1 digest mismatch",
			in:      image.ManifestInput{Manifest: mfSign(t, s1, 1), Digest: other},
			wantIs:  image.ErrDigestMismatch,
			wantMsg: fmt.Sprintf("content integrity error: the schema 1 manifest retrieved with digest %s does not match the digest calculated from the content %s", other, digest.FromBytes(s1)),
		},
		{
			name:    "manifest list digest mismatch",
			in:      image.ManifestInput{Manifest: list, Digest: other},
			wantIs:  image.ErrDigestMismatch,
			wantMsg: fmt.Sprintf("content integrity error: the manifest list retrieved with digest %s does not match the digest calculated from the content %s", other, digest.FromBytes(list)),
		},
		{
			name:    "config is not the manifest's config",
			in:      image.ManifestInput{Manifest: s2, Config: []byte(`{}`)},
			wantIs:  image.ErrDigestMismatch,
			wantMsg: fmt.Sprintf("content integrity error: the image config retrieved with digest %s does not match the digest calculated from the content %s", digest.FromBytes(s2cfg), digest.FromString("{}")),
		},
		{
			name:   "malformed expected digest",
			in:     image.ManifestInput{Manifest: list, Digest: "sha256:zzz"},
			wantIs: image.ErrDigestMismatch,
		},
		{
			name:    "schema2 without config",
			in:      image.ManifestInput{Manifest: s2},
			wantIs:  image.ErrMissingConfig,
			wantMsg: `dockerImageConfig must not be empty for manifest type "application/vnd.docker.distribution.manifest.v2+json"`,
		},
		{
			name:   "config is not JSON",
			in:     image.ManifestInput{Manifest: s2, Config: []byte("not json")},
			wantIs: image.ErrInvalidConfig,
		},
		{
			name:   "config created is not a time",
			in:     image.ManifestInput{Manifest: s2, Config: []byte(`{"created":5}`)},
			wantIs: image.ErrInvalidConfig,
		},
		{
			name:    "unknown schema version",
			in:      image.ManifestInput{Manifest: []byte(`{"schemaVersion":3,"layers":[]}`)},
			wantIs:  image.ErrUnsupportedManifest,
			wantMsg: "unrecognized container image manifest schema 3",
		},
		{
			name:   "unknown payload media type",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.artifact.manifest.v1+json","blobs":[]}`)},
			wantIs: image.ErrUnsupportedManifest,
		},
		{
			name:   "schema 2 object with nothing to tell its kind",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":2}`)},
			wantIs: image.ErrUnsupportedManifest,
		},
		{name: "empty body", in: image.ManifestInput{}, wantIs: image.ErrInvalidManifest},
		{name: "not JSON", in: image.ManifestInput{Manifest: []byte("<html>")}, wantIs: image.ErrInvalidManifest},
		{name: "JSON array", in: image.ManifestInput{Manifest: []byte("[]")}, wantIs: image.ErrInvalidManifest},
		{
			name:   "schemaVersion disagrees with the served type",
			in:     image.ManifestInput{Manifest: s1, MediaType: image.MediaTypeOCIManifest},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "mediaType disagrees with the served type",
			in:     image.ManifestInput{Manifest: s2, MediaType: image.MediaTypeOCIManifest, Config: s2cfg},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "layers of the wrong type",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":{}}`)},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "negative layer size",
			in:     image.ManifestInput{Manifest: mfReplace(t, s2, `"size": 1024`, `"size": -1`), Config: s2cfg},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "layer digest is not a digest",
			in:     image.ManifestInput{Manifest: mfReplace(t, s2, mfDigest("foreign-layer").String(), "sha256:nothex"), Config: s2cfg},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "missing config descriptor",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}`), Config: s2cfg},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "negative manifest list entry size",
			in:     image.ManifestInput{Manifest: mfReplace(t, list, `"size": 1125`, `"size": -1125`)},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "manifest list entry without digest",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":2,"manifests":[{"mediaType":"x/y","size":1}]}`)},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:    "schema1 without history",
			in:      image.ManifestInput{Manifest: s1NoHistory},
			wantIs:  image.ErrInvalidManifest,
			wantMsg: "image has no v1Compatibility history and cannot be used",
		},
		{
			name:    "schema1 history and fsLayers disagree",
			in:      image.ManifestInput{Manifest: s1Mismatch},
			wantIs:  image.ErrInvalidManifest,
			wantMsg: fmt.Sprintf("the image %s () has mismatched history and fslayer cardinality (1 != 2)", digest.FromBytes(s1Mismatch)),
		},
		{
			name:   "schema1 v1Compatibility is not JSON",
			in:     image.ManifestInput{Manifest: []byte(fmt.Sprintf(`{"schemaVersion":1,"fsLayers":[{"blobSum":%q}],"history":[{"v1Compatibility":"nope"}]}`, mfDigest("x")))},
			wantIs: image.ErrInvalidConfig,
		},
		{
			name:   "schema1 blobSum is not a digest",
			in:     image.ManifestInput{Manifest: []byte(`{"schemaVersion":1,"fsLayers":[{"blobSum":"abc"}],"history":[{"v1Compatibility":"{}"}]}`)},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 with an empty signature list",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, []mfSignature{}), MediaType: image.MediaTypeDockerSchema1SignedManifest},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 protected header is not base64url",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig("!!!"))},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 protected header is not JSON",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig("bm90IGpzb24"))},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 protected header without formatTail",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig("eyJmb3JtYXRMZW5ndGgiOjF9"))},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 formatLength past the end",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig(mfProtected(1<<20, tail)))},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 negative formatLength",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig(mfProtected(-1, tail)))},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 signatures disagree",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, []mfSignature{{Protected: mfProtected(n, tail)}, {Protected: mfProtected(n-1, tail)}})},
			wantIs: image.ErrInvalidManifest,
		},
		{
			name:   "schema1 canonical bytes are not a manifest",
			in:     image.ManifestInput{Manifest: mfSignWith(t, s1, sig(mfProtected(10, "")))},
			wantIs: image.ErrInvalidManifest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := image.FromManifest(tc.in)
			if err == nil {
				t.Fatalf("FromManifest succeeded with %s, want an error", img.Name)
			}
			if img != nil {
				t.Errorf("FromManifest returned an Image with an error")
			}
			if !errors.Is(err, tc.wantIs) {
				t.Errorf("error %q is not %q", err, tc.wantIs)
			}
			if tc.wantMsg != "" {
				if diff := cmp.Diff(tc.wantMsg, err.Error()); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestDigestMismatchErrorAs shows that callers recover both digests.
func TestDigestMismatchErrorAs(t *testing.T) {
	list := mfFixture(t, "oci-index.json")
	_, err := image.FromManifest(image.ManifestInput{Manifest: list, Digest: mfDigest("other")})
	mismatch, ok := errors.AsType[*image.DigestMismatchError](err)
	if !ok {
		t.Fatalf("error %v is not a *DigestMismatchError", err)
	}
	want := &image.DigestMismatchError{Content: "list", MediaType: image.MediaTypeOCIIndex, Expected: mfDigest("other"), Actual: digest.FromBytes(list)}
	if diff := cmp.Diff(want, mismatch); diff != "" {
		t.Errorf("DigestMismatchError (-want +got):\n%s", diff)
	}
}

func TestManifestImageManifests(t *testing.T) {
	tests := []struct {
		name      string
		manifest  []byte
		mediaType string
		want      []image.ImageManifest
	}{
		{
			name:     "docker list, features and os.version dropped",
			manifest: mfFixture(t, "docker-list.json"),
			want: []image.ImageManifest{
				{Digest: mfDigest("list-amd64").String(), MediaType: image.MediaTypeDockerSchema2Manifest, ManifestSize: 528, Architecture: "amd64", OS: "linux"},
				{Digest: mfDigest("list-ppc64le").String(), MediaType: image.MediaTypeDockerSchema2Manifest, ManifestSize: 528, Architecture: "ppc64le", OS: "linux"},
				{Digest: mfDigest("list-windows").String(), MediaType: image.MediaTypeDockerSchema2Manifest, ManifestSize: 1125, Architecture: "amd64", OS: "windows"},
			},
		},
		{name: "image manifest has none", manifest: mfFixture(t, "oci-manifest.json")},
		{name: "schema1 has none", manifest: mfFixture(t, "schema1-unsigned.json")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := image.ParseManifest(tc.mediaType, tc.manifest)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, m.ImageManifests()); diff != "" {
				t.Errorf("ImageManifests (-want +got):\n%s", diff)
			}
			if got, want := m.IsList(), tc.want != nil; got != want {
				t.Errorf("IsList = %v, want %v", got, want)
			}
		})
	}
}

func TestBuildImageOnZeroManifest(t *testing.T) {
	_, err := new(image.Manifest).BuildImage(nil, "", time.Time{})
	if !errors.Is(err, image.ErrInvalidManifest) {
		t.Errorf("BuildImage on a zero Manifest: %v, want ErrInvalidManifest", err)
	}
}

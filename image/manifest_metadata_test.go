package image_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
)

func mfLayers(names ...string) []image.ImageLayer {
	out := make([]image.ImageLayer, len(names))
	for i, n := range names {
		out[i] = image.ImageLayer{Name: mfDigest(n).String(), LayerSize: int64(10 * (i + 1)), MediaType: image.MediaTypeOCILayer}
	}
	return out
}

// mfMeta is dockerImageMetadata as OpenShift writes it, with the given Id
// and size.
func mfMeta(id string, size int64) image.DockerImage {
	return image.DockerImage{
		TypeMeta: image.TypeMeta{Kind: image.DockerImageMetadataKind, APIVersion: image.DockerImageMetadataAPIVersion},
		ID:       id,
		Size:     size,
	}
}

func TestImageWithMetadata(t *testing.T) {
	order := func(v string) map[string]string { return map[string]string{image.DockerImageLayersOrderAnnotation: v} }
	asc := order(image.DockerImageLayersOrderAscending)
	filled := image.DockerImage{ID: "kept", Size: 5}
	index := string(mfFixture(t, "oci-index.json"))
	ref := "registry.example.com/ns/app@sha256:abc"
	// The config's own "size" never counts (SEMANTICS §10.2).
	config := `{"architecture":"s390x","created":"2020-02-03T04:05:06Z","comment":"from config","size":777}`
	cd := digest.FromString(config)
	s2 := func(mediaType string, layers ...string) string {
		mt := ""
		if mediaType != "" {
			mt = fmt.Sprintf(`"mediaType":%q,`, mediaType)
		}
		m := fmt.Sprintf(`{"schemaVersion":2,%s"config":{"digest":%q,"size":%d},"layers":[`, mt, cd, len(config))
		for i, l := range layers {
			if i > 0 {
				m += ","
			}
			m += fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d}`, image.MediaTypeOCILayer, mfDigest(l), 10*(i+1))
		}
		return m + "]}"
	}
	s1 := func(history ...string) string {
		m := `{"schemaVersion":1,"fsLayers":[`
		for i := range history {
			if i > 0 {
				m += ","
			}
			m += fmt.Sprintf(`{"blobSum":%q}`, mfDigest(fmt.Sprint("s1-", i)))
		}
		m += `],"history":[`
		for i, h := range history {
			if i > 0 {
				m += ","
			}
			m += fmt.Sprintf(`{"v1Compatibility":%q}`, h)
		}
		return m + "]}"
	}
	created := image.Date(2020, 2, 3, 4, 5, 6)

	tests := []struct {
		name    string
		in      image.Image
		want    image.Image // compared when wantIs is nil
		wantIs  error
		wantMsg string // exact message; "" skips the check
	}{
		{
			name: "no manifest: untouched, even layers that would be reordered",
			in:   image.Image{DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b")},
			want: image.Image{DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b")},
		},
		{
			// QUIRK (SEMANTICS §14.18): schema 2 layers without the
			// annotation are taken to be top first and reversed.
			name: "schema2 layers without annotation are reversed",
			in:   image.Image{DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest, DockerImageLayers: mfLayers("base", "top"), DockerImageMetadata: filled},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest,
				DockerImageLayers: []image.ImageLayer{mfLayers("base", "top")[1], mfLayers("base", "top")[0]}, DockerImageMetadata: filled},
		},
		{
			name: "descending annotation is reversed whatever the media type",
			in:   image.Image{ObjectMeta: image.ObjectMeta{Annotations: order("descending")}, DockerImageManifest: "{}", DockerImageManifestMediaType: "application/x-other", DockerImageLayers: mfLayers("b", "a"), DockerImageMetadata: filled},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: "application/x-other",
				DockerImageLayers: []image.ImageLayer{mfLayers("b", "a")[1], mfLayers("b", "a")[0]}, DockerImageMetadata: filled},
		},
		{
			name: "ascending annotation keeps schema2 order",
			in:   image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
		},
		{
			name: "unknown annotation value: not reversed, now ascending",
			in:   image.Image{ObjectMeta: image.ObjectMeta{Annotations: order("sideways")}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
		},
		{
			name: "schema1 layers without annotation are ascending",
			in:   image.Image{DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeDockerSchema1SignedManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: "{}", DockerImageManifestMediaType: image.MediaTypeDockerSchema1SignedManifest, DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
		},
		{
			name: "other media type without annotation: untouched",
			in:   image.Image{DockerImageManifest: "{}", DockerImageManifestMediaType: "application/x-other", DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
			want: image.Image{DockerImageManifest: "{}", DockerImageManifestMediaType: "application/x-other", DockerImageLayers: mfLayers("a", "b"), DockerImageMetadata: filled},
		},
		{
			// SEMANTICS §10.2: a list gets Id = name and Created = now.
			name: "manifest list",
			in:   image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:list"}, DockerImageManifest: index, DockerImageManifestMediaType: image.MediaTypeOCIIndex},
			want: image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:list"}, DockerImageManifest: index, DockerImageManifestMediaType: image.MediaTypeOCIIndex,
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: "sha256:list", Created: image.NewTime(mfNow)}},
		},
		{
			// Lists are recognised by the manifest's own mediaType only, so
			// an OCI index without one is taken for a schema 2 image.
			name:    "OCI index without mediaType field",
			in:      image.Image{DockerImageManifest: `{"schemaVersion":2,"manifests":[]}`, DockerImageManifestMediaType: image.MediaTypeOCIIndex},
			wantIs:  image.ErrMissingConfig,
			wantMsg: `dockerImageConfig must not be empty for manifest type "application/vnd.oci.image.index.v1+json"`,
		},
		{
			name: "schema2 filled from manifest and config",
			in:   image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:m"}, DockerImageManifest: s2(image.MediaTypeOCIManifest, "a", "b", "a"), DockerImageConfig: config},
			want: image.Image{
				ObjectMeta:          image.ObjectMeta{Name: "sha256:m", Annotations: asc},
				DockerImageManifest: s2(image.MediaTypeOCIManifest, "a", "b", "a"), DockerImageConfig: config,
				DockerImageManifestMediaType: image.MediaTypeOCIManifest,
				DockerImageLayers: []image.ImageLayer{
					{Name: mfDigest("a").String(), LayerSize: 10, MediaType: image.MediaTypeOCILayer},
					{Name: mfDigest("b").String(), LayerSize: 20, MediaType: image.MediaTypeOCILayer},
					{Name: mfDigest("a").String(), LayerSize: 30, MediaType: image.MediaTypeOCILayer},
				},
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: cd.String(), Comment: "from config", Created: created,
					Architecture: "s390x", Size: int64(len(config)) + 10 + 20},
			},
		},
		{
			name: "schema2 without mediaType keeps the stored one",
			in:   image.Image{DockerImageManifest: s2(""), DockerImageConfig: config, DockerImageManifestMediaType: image.MediaTypeOCIManifest},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: s2(""), DockerImageConfig: config, DockerImageManifestMediaType: image.MediaTypeOCIManifest,
				DockerImageLayers:   []image.ImageLayer{},
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: cd.String(), Comment: "from config", Created: created, Architecture: "s390x", Size: int64(len(config))}},
		},
		{
			name: "schema2 without any media type defaults to Docker schema 2",
			in:   image.Image{DockerImageManifest: s2(""), DockerImageConfig: config},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: s2(""), DockerImageConfig: config, DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest,
				DockerImageLayers:   []image.ImageLayer{},
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: cd.String(), Comment: "from config", Created: created, Architecture: "s390x", Size: int64(len(config))}},
		},
		{
			// SEMANTICS §10.2: a schema 2 size is len(config) + distinct
			// layers, so without layers it is len(config), never the
			// "size" key the config blob carries.
			name: "schema2 without layers: size is the config's length",
			in:   image.Image{DockerImageManifest: s2(image.MediaTypeOCIManifest), DockerImageConfig: config},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: s2(image.MediaTypeOCIManifest), DockerImageConfig: config,
				DockerImageManifestMediaType: image.MediaTypeOCIManifest, DockerImageLayers: []image.ImageLayer{},
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: cd.String(), Comment: "from config", Created: created,
					Architecture: "s390x", Size: int64(len(config))}},
		},
		{
			name: "layers present but size 0: layers kept, size computed",
			in: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: s2(image.MediaTypeDockerSchema2Manifest, "x"), DockerImageConfig: config,
				DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest, DockerImageLayers: mfLayers("kept")},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc}, DockerImageManifest: s2(image.MediaTypeDockerSchema2Manifest, "x"), DockerImageConfig: config,
				DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest, DockerImageLayers: mfLayers("kept"),
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: cd.String(), Comment: "from config", Created: created, Architecture: "s390x", Size: int64(len(config)) + 10}},
		},
		{
			name: "schema1 filled from history, comment not copied",
			in:   image.Image{DockerImageManifest: s1(`{"id":"top","parent":"base","comment":"ignored","created":"2020-02-03T04:05:06Z","size":7}`, `{"id":"base","size":"not a number"}`)},
			want: image.Image{ObjectMeta: image.ObjectMeta{Annotations: asc},
				DockerImageManifest:          s1(`{"id":"top","parent":"base","comment":"ignored","created":"2020-02-03T04:05:06Z","size":7}`, `{"id":"base","size":"not a number"}`),
				DockerImageManifestMediaType: image.MediaTypeDockerSchema1Manifest,
				DockerImageLayers: []image.ImageLayer{
					{Name: mfDigest("s1-1").String(), LayerSize: 0, MediaType: image.MediaTypeDockerSchema1Layer},
					{Name: mfDigest("s1-0").String(), LayerSize: 7, MediaType: image.MediaTypeDockerSchema1Layer},
				},
				DockerImageMetadata: image.DockerImage{TypeMeta: mfMeta("", 0).TypeMeta, ID: "top", Parent: "base", Created: created, Size: 7}},
		},
		{
			name:    "schema2 without config",
			in:      image.Image{DockerImageManifest: s2(image.MediaTypeDockerSchema2Manifest)},
			wantIs:  image.ErrMissingConfig,
			wantMsg: `dockerImageConfig must not be empty for manifest type "application/vnd.docker.distribution.manifest.v2+json"`,
		},
		{
			name:   "config is not JSON",
			in:     image.Image{DockerImageManifest: s2(image.MediaTypeDockerSchema2Manifest), DockerImageConfig: "{"},
			wantIs: image.ErrInvalidConfig,
		},
		{
			name:    "unknown schema version",
			in:      image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:abc"}, DockerImageReference: ref, DockerImageManifest: `{"schemaVersion":3}`},
			wantIs:  image.ErrUnsupportedManifest,
			wantMsg: `unrecognized container image manifest schema 3 for "sha256:abc" (registry.example.com/ns/app@sha256:abc)`,
		},
		{
			name: "unknown schema version with layers already there",
			in: image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:abc", Annotations: asc}, DockerImageReference: ref, DockerImageManifest: `{"schemaVersion":0}`,
				DockerImageLayers: mfLayers("a")},
			wantIs:  image.ErrUnsupportedManifest,
			wantMsg: `unrecognized container image manifest schema 0 for "sha256:abc" (registry.example.com/ns/app@sha256:abc)`,
		},
		{
			name:    "schema1 history and fsLayers disagree",
			in:      image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:abc"}, DockerImageReference: ref, DockerImageManifest: `{"schemaVersion":1,"fsLayers":[{"blobSum":"x"}]}`},
			wantIs:  image.ErrInvalidManifest,
			wantMsg: "the image sha256:abc (registry.example.com/ns/app@sha256:abc) has mismatched history and fslayer cardinality (0 != 1)",
		},
		{
			name:    "schema1 without history",
			in:      image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:abc"}, DockerImageReference: ref, DockerImageManifest: `{"schemaVersion":1}`},
			wantIs:  image.ErrInvalidManifest,
			wantMsg: "the image sha256:abc (registry.example.com/ns/app@sha256:abc) has a schema 1 manifest, but it doesn't have history",
		},
		{
			name:   "schema1 history[0] is not JSON",
			in:     image.Image{DockerImageManifest: s1("nope")},
			wantIs: image.ErrInvalidConfig,
		},
		{
			name:   "manifest is not JSON",
			in:     image.Image{DockerImageManifest: "not json"},
			wantIs: image.ErrInvalidManifest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			err := image.ImageWithMetadata(&got, mfNow)
			if tc.wantIs != nil {
				if !errors.Is(err, tc.wantIs) {
					t.Fatalf("error %v, want %v", err, tc.wantIs)
				}
				if tc.wantMsg != "" {
					if diff := cmp.Diff(tc.wantMsg, err.Error()); diff != "" {
						t.Errorf("message (-want +got):\n%s", diff)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ImageWithMetadata: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Image (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImageWithMetadataAgreesWithFromManifest: an Image created with only
// its name, manifest and config (as the registry pushes it) gets the same
// derived fields on create as the importer builds (SEMANTICS §8.6, §10.1).
// Schema 1 differs only in Comment, which only the importer decodes.
func TestImageWithMetadataAgreesWithFromManifest(t *testing.T) {
	for _, tc := range mfGoldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			imported, err := image.FromManifest(image.ManifestInput{Manifest: tc.manifest, MediaType: tc.mediaType, Config: tc.config, Now: mfNow})
			if err != nil {
				t.Fatal(err)
			}
			if imported.DockerImageManifest == "" {
				t.Skip("imported manifest lists keep no manifest to derive from")
			}
			pushed := image.Image{
				ObjectMeta:                   image.ObjectMeta{Name: imported.Name},
				DockerImageManifest:          imported.DockerImageManifest,
				DockerImageConfig:            imported.DockerImageConfig,
				DockerImageManifestMediaType: tc.mediaType,
				DockerImageMetadataVersion:   imported.DockerImageMetadataVersion,
			}
			if err := image.ImageWithMetadata(&pushed, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if pushed.DockerImageManifestMediaType == image.MediaTypeDockerSchema1Manifest && imported.DockerImageMetadata.Comment == "" {
				t.Errorf("schema 1 fixture should carry a comment, so that the difference is exercised")
			}
			pushed.DockerImageMetadata.Comment = imported.DockerImageMetadata.Comment
			if diff := cmp.Diff(imported, &pushed); diff != "" {
				t.Errorf("pushed Image differs from imported (-imported +pushed):\n%s", diff)
			}
		})
	}
}

func TestReorderImageLayersNoLayers(t *testing.T) {
	img := image.Image{DockerImageManifestMediaType: image.MediaTypeOCIManifest}
	image.ReorderImageLayers(&img)
	if img.Annotations != nil {
		t.Errorf("annotations %v, want none for an Image without layers", img.Annotations)
	}
}

// TestImageWithMetadataSchema1LayerSize checks that a schema 1 history
// entry whose size does not decode counts as 0, as OpenShift resets it
// on any json.Unmarshal error (SEMANTICS §10.2), even when a duplicate
// key decoded a number before or after the error.
func TestImageWithMetadataSchema1LayerSize(t *testing.T) {
	for _, tc := range []struct {
		v1   string
		want int64
	}{
		{`{"size":5}`, 5},
		{`{}`, 0},
		{`{"size":-5}`, -5},
		{`{"size":"x"}`, 0},
		{`{"size":"x","size":5}`, 0},
		{`{"size":5,"size":"x"}`, 0},
		{`{"size":5,"other":{"a":1}`, 0},
		{`{"size":5,"id":3}`, 5},
		{`{"size":5,"size":1e400}`, 0},
	} {
		manifest := fmt.Sprintf(`{"schemaVersion":1,"fsLayers":[{"blobSum":"a"}],"history":[{"v1Compatibility":%q}]}`, tc.v1)
		img := image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:x"}, DockerImageManifest: manifest}
		// history[0] is also the metadata; only the layer size is checked.
		_ = image.ImageWithMetadata(&img, time.Time{})
		if len(img.DockerImageLayers) != 1 || img.DockerImageLayers[0].LayerSize != tc.want {
			t.Errorf("v1Compatibility %s: layers %+v, want one of size %d", tc.v1, img.DockerImageLayers, tc.want)
		}
	}
}

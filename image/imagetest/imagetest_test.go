package imagetest_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func TestImageContentIsDeterministic(t *testing.T) {
	a := imagetest.ImageContent("ruby", imagetest.Options{Layers: 3})
	b := imagetest.ImageContent("ruby", imagetest.Options{Layers: 3})
	if !bytes.Equal(a.Manifest, b.Manifest) || a.ManifestDigest != b.ManifestDigest {
		t.Errorf("same seed gave different manifests")
	}
	c := imagetest.ImageContent("python", imagetest.Options{Layers: 3})
	if c.ManifestDigest == a.ManifestDigest {
		t.Errorf("different seeds gave the same digest")
	}
	if len(a.Layers) != 3 {
		t.Errorf("layers = %d, want 3", len(a.Layers))
	}
}

// TestLayersDiffer: every layer is its own blob, and different seeds and
// platforms give different layers, also when the seed is longer than a
// layer or a layer is small (the label cut to LayerSize used to lose the
// index and platform).
func TestLayersDiffer(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		name string
		a, b imagetest.Content // their layers must all differ
	}{
		{"short seeds", imagetest.ImageContent("ruby", imagetest.Options{Layers: 3}), imagetest.ImageContent("python", imagetest.Options{Layers: 3})},
		{"long seeds with a common prefix", imagetest.ImageContent(long+"-ruby", imagetest.Options{Layers: 3}), imagetest.ImageContent(long+"-python", imagetest.Options{Layers: 3})},
		{"small layers", imagetest.ImageContent("ruby", imagetest.Options{Layers: 3, LayerSize: 16}), imagetest.ImageContent("python", imagetest.Options{Layers: 3, LayerSize: 16})},
		{"platforms, long seed",
			imagetest.ImageContent(long, imagetest.Options{Platform: ocispec.Platform{OS: "linux", Architecture: "amd64"}}),
			imagetest.ImageContent(long, imagetest.Options{Platform: ocispec.Platform{OS: "linux", Architecture: "arm64"}})},
		{"index children, long seed", imagetest.Index(long, imagetest.Options{}, "linux/amd64", "linux/arm64").Children[0], imagetest.Index(long, imagetest.Options{}, "linux/amd64", "linux/arm64").Children[1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			for i, l := range append(slices.Clone(tt.a.Layers), tt.b.Layers...) {
				if j, ok := seen[string(l)]; ok {
					t.Errorf("layers %d and %d are the same blob %q", j, i, l)
				}
				seen[string(l)] = i
			}
		})
	}
	// A label that fits is kept as it was, so existing digests stay.
	if got, want := string(imagetest.ImageContent("ruby", imagetest.Options{}).Layers[1]), "ruby/linux/amd64/layer-1;ruby/linux/amd64/layer-1;ruby/linux/amd"; got != want {
		t.Errorf("layer 1 = %q, want %q", got, want)
	}
}

func TestFixturesValidate(t *testing.T) {
	for _, schema2 := range []bool{false, true} {
		img := imagetest.Image("ruby", imagetest.Options{Schema2: schema2})
		if err := image.ValidateImage(img); err != nil {
			t.Errorf("Image (schema2=%v) does not validate: %v", schema2, err)
		}
		if img.DockerImageMetadata.Config == nil || img.DockerImageMetadata.Config.User != "1001" || len(img.DockerImageLayers) != 2 {
			t.Errorf("Image metadata not filled: %+v", img.DockerImageMetadata)
		}
	}
	list, children := imagetest.ListImage("multi", imagetest.Options{}, "linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/ppc64le", "linux/s390x")
	if err := image.ValidateImage(list); err != nil {
		t.Errorf("list does not validate: %v", err)
	}
	if len(children) != 5 || len(list.DockerImageManifests) != 5 {
		t.Fatalf("children = %d, manifests = %d", len(children), len(list.DockerImageManifests))
	}
	for i, c := range children {
		if list.DockerImageManifests[i].Digest != c.Name {
			t.Errorf("child %d: list names %s, image is %s", i, list.DockerImageManifests[i].Digest, c.Name)
		}
	}
	if got := list.DockerImageManifests[1]; got.Architecture != "arm64" || got.Variant != "v8" {
		t.Errorf("platform of child 1 = %+v", got)
	}
	img := imagetest.Image("ruby", imagetest.Options{})
	is := imagetest.Stream("ns", "ruby", imagetest.Tag{Name: "latest", From: "quay.io/acme/ruby:latest", History: []*image.Image{img, children[0]}})
	if err := image.ValidateImageStream(is); err != nil {
		t.Errorf("Stream does not validate: %v", err)
	}
	if err := image.ValidateImageStreamMapping(imagetest.Mapping("ns", "ruby", "latest", img)); err != nil {
		t.Errorf("Mapping does not validate: %v", err)
	}
}

// TestLongSeedsValidate checks the package doc's "every object
// validates" for seeds of any length: a repository name may have at most
// 255 characters, so a long seed must not end up whole in
// dockerImageReference.
func TestLongSeedsValidate(t *testing.T) {
	tests := []struct {
		name string
		seed string
	}{
		{"short", "ruby"},
		{"just fits", strings.Repeat("a", 200)},
		{"long", strings.Repeat("a", 300)},
		{"long with separators", strings.Repeat("Web/App ", 40)},
		{"long and not ASCII", strings.Repeat("é", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := imagetest.Image(tt.seed, imagetest.Options{})
			list, children := imagetest.ListImage(tt.seed, imagetest.Options{}, "linux/amd64", "linux/arm64")
			for _, img := range append([]*image.Image{img, list}, children...) {
				if err := image.ValidateImage(img); err != nil {
					t.Errorf("%s: %v", img.DockerImageReference, err)
				}
			}
		})
	}
	// Seeds with a long common prefix still name different repositories.
	repo := func(seed string) string {
		ref := imagetest.Image(seed, imagetest.Options{}).DockerImageReference
		return ref[:strings.LastIndex(ref, "@")]
	}
	long := strings.Repeat("a", 300)
	if a, b := repo(long+"1"), repo(long+"2"); a == b {
		t.Errorf("two long seeds share the repository %s", a)
	}
}

// TestIndexChildren checks the Index doc: each child is ImageContent
// with the same seed and options, its platform set from the list.
func TestIndexChildren(t *testing.T) {
	platforms := []string{"linux/amd64", "linux/arm64/v8", "linux/s390x"}
	for _, opts := range []imagetest.Options{{}, {Schema2: true, Layers: 3}} {
		t.Run(fmt.Sprintf("schema2=%v", opts.Schema2), func(t *testing.T) {
			ic := imagetest.Index("web", opts, platforms...)
			var got, want []digest.Digest
			for i, p := range platforms {
				o := opts
				o.Platform = imagetest.ParsePlatform(p)
				got = append(got, ic.Children[i].ManifestDigest)
				want = append(want, imagetest.ImageContent("web", o).ManifestDigest)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("child digests (-ImageContent +Index):\n%s", diff)
			}
		})
	}
}

// TestStreamTagNames checks that Stream's output is normalized as the
// server stores it: tags sorted by name, and a name given twice keeping
// only its last Tag (SEMANTICS §2.3).
func TestStreamTagNames(t *testing.T) {
	a, b := imagetest.Image("a", imagetest.Options{}), imagetest.Image("b", imagetest.Options{})
	// tag is what a stream says about one tag name.
	type tag struct{ Name, From, Image string }
	tests := []struct {
		name string
		tags []imagetest.Tag
		spec []tag // spec tags: name and from
		stat []tag // status tags: name and newest image
	}{
		{
			name: "distinct names are sorted",
			tags: []imagetest.Tag{{Name: "v2", From: "quay.io/x/b:2", History: []*image.Image{b}}, {Name: "v1", History: []*image.Image{a}}},
			spec: []tag{{Name: "v2", From: "quay.io/x/b:2"}},
			stat: []tag{{Name: "v1", Image: a.Name}, {Name: "v2", Image: b.Name}},
		},
		{
			name: "last of a name wins",
			tags: []imagetest.Tag{
				{Name: "latest", From: "quay.io/x/a:1", History: []*image.Image{a}},
				{Name: "old", History: []*image.Image{a}},
				{Name: "latest", From: "quay.io/x/b:1", History: []*image.Image{b}},
			},
			spec: []tag{{Name: "latest", From: "quay.io/x/b:1"}},
			stat: []tag{{Name: "latest", Image: b.Name}, {Name: "old", Image: a.Name}},
		},
		{
			name: "the last Tag wins whole",
			tags: []imagetest.Tag{{Name: "latest", From: "quay.io/x/a:1", History: []*image.Image{a}}, {Name: "latest", History: []*image.Image{b}}},
			stat: []tag{{Name: "latest", Image: b.Name}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := imagetest.Stream("ns", "s", tt.tags...)
			var spec, stat []tag
			for _, r := range is.Spec.Tags {
				spec = append(spec, tag{Name: r.Name, From: r.From.Name})
			}
			for _, l := range is.Status.Tags {
				stat = append(stat, tag{Name: l.Tag, Image: l.Items[0].Image})
			}
			if diff := cmp.Diff(tt.spec, spec); diff != "" {
				t.Errorf("spec tags (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stat, stat); diff != "" {
				t.Errorf("status tags (-want +got):\n%s", diff)
			}
			normalized := is.DeepCopy()
			imagestream.Normalize(normalized)
			if diff := cmp.Diff(normalized, is); diff != "" {
				t.Errorf("stream is not normalized (-normalized +got):\n%s", diff)
			}
		})
	}
}

// TestIndexRejectsMalformedPlatforms checks the Index doc: a platform
// without an OS or an architecture would give a list entry that fails
// validation (dockerImageManifests[i].architecture is required), against
// the package doc's "every object validates", so Index panics instead.
func TestIndexRejectsMalformedPlatforms(t *testing.T) {
	for _, p := range []string{"linux", "", "linux/", "/amd64", "linux/arm/v7/extra"} {
		t.Run(p, func(t *testing.T) {
			defer func() {
				got := fmt.Sprint(recover())
				if want := fmt.Sprintf("imagetest: Index: platform %q is not os/arch[/variant]", p); got != want {
					t.Errorf("ListImage with platform %q: panic %q, want %q", p, got, want)
				}
			}()
			list, _ := imagetest.ListImage("web", imagetest.Options{}, "linux/amd64", p)
			t.Errorf("ListImage with platform %q returned a list; it validates with: %v", p, image.ValidateImage(list))
		})
	}
}

// TestMapping checks that Mapping carries the annotations the integrated
// registry sends (SEMANTICS §6), and that the service therefore keeps
// neither manifest nor config of the pushed image (§10.1 step 3) but
// keeps what it read from them.
func TestMapping(t *testing.T) {
	for _, schema2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("schema2=%v", schema2), func(t *testing.T) {
			img := imagetest.Image("ruby", imagetest.Options{Schema2: schema2})
			m := imagetest.Mapping("ns", "ruby", "latest", img)
			want := map[string]string{
				image.ManagedByOpenShiftAnnotation:      "true",
				image.ImageManifestBlobStoredAnnotation: "true",
				image.DockerImageLayersOrderAnnotation:  image.DockerImageLayersOrderAscending,
			}
			if diff := cmp.Diff(want, m.Image.Annotations); diff != "" {
				t.Errorf("mapping image annotations (-want +got):\n%s", diff)
			}

			ctx := context.Background()
			store := memory.New()
			defer store.Close()
			svc := imagestream.NewService(store)
			if _, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
				t.Fatal(err)
			}
			stored, err := svc.Images().Get(ctx, img.Name)
			if err != nil {
				t.Fatal(err)
			}
			type content struct{ Manifest, Config string }
			if diff := cmp.Diff(content{}, content{stored.DockerImageManifest, stored.DockerImageConfig}); diff != "" {
				t.Errorf("stored image keeps its content (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(img.DockerImageMetadata, stored.DockerImageMetadata); diff != "" {
				t.Errorf("stored image metadata (-fixture +stored):\n%s", diff)
			}
		})
	}
}

func TestRandomSnapshot(t *testing.T) {
	opts := imagetest.SnapshotOptions{Images: 200, Streams: 30}
	a := imagetest.RandomSnapshot(7, opts)
	b := imagetest.RandomSnapshot(7, opts)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different snapshots:\n%s", diff)
	}
	if c := imagetest.RandomSnapshot(8, opts); cmp.Equal(a, c) {
		t.Errorf("different seeds gave the same snapshot")
	}
	names := map[string]bool{}
	for _, img := range a.Images {
		names[img.Name] = true
		if err := image.ValidateImage(img); err != nil {
			t.Errorf("image %s: %v", img.Name, err)
		}
		for _, m := range img.DockerImageManifests {
			if !names[m.Digest] && !contains(a.Images, m.Digest) {
				t.Errorf("list %s names unknown child %s", img.Name, m.Digest)
			}
		}
	}
	if len(a.Images) != 200+10 || len(a.Streams) != 30 {
		t.Errorf("sizes: %d images, %d streams", len(a.Images), len(a.Streams))
	}
	for _, is := range a.Streams {
		if err := image.ValidateImageStream(is); err != nil {
			t.Errorf("stream %s/%s: %v", is.Namespace, is.Name, err)
		}
		for _, tag := range is.Status.Tags {
			for _, e := range tag.Items {
				if !names[e.Image] {
					t.Errorf("stream %s names unknown image %s", is.Name, e.Image)
				}
			}
		}
	}
}

func contains(images []*image.Image, name string) bool {
	for _, img := range images {
		if img.Name == name {
			return true
		}
	}
	return false
}

func BenchmarkRandomSnapshot(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("images=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				imagetest.RandomSnapshot(1, imagetest.SnapshotOptions{Images: n, Streams: n / 5})
			}
		})
	}
}

func ExampleStream() {
	img := imagetest.Image("ruby", imagetest.Options{Layers: 3})
	is := imagetest.Stream("demo", "ruby", imagetest.Tag{Name: "latest", History: []*image.Image{img}})
	fmt.Println(is.Status.Tags[0].Tag, len(img.DockerImageLayers), is.Status.Tags[0].Items[0].Image == img.Name)
	// Output: latest 3 true
}

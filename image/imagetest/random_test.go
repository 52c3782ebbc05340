package imagetest_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestRandomSnapshotOptions checks that every knob of SnapshotOptions
// bounds what it names.
func TestRandomSnapshotOptions(t *testing.T) {
	tests := []struct {
		name string
		opts imagetest.SnapshotOptions
	}{
		{"defaults", imagetest.SnapshotOptions{}},
		{"few shared layers, deep history", imagetest.SnapshotOptions{Images: 150, Streams: 20, SharedLayers: 5, HistoryDepth: 12, TagsPerStream: 3, LayersPerImage: 6, ManifestLists: 7}},
		{"no manifest lists", imagetest.SnapshotOptions{Images: 60, Streams: 5, Namespaces: 1, ManifestLists: -1}},
		// A pool far larger than the layers drawn from it costs nothing.
		{"huge layer pool", imagetest.SnapshotOptions{Images: 10, Streams: 2, SharedLayers: math.MaxInt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			def := func(v, d int) int {
				if v == 0 {
					return d
				}
				return v
			}
			images, streams := def(o.Images, 100), def(o.Streams, 10)
			lists := max(def(o.ManifestLists, images/20), 0)
			s := imagetest.RandomSnapshot(3, o)

			layers := map[string]bool{}
			gotLists := 0
			for _, img := range s.Images {
				if len(img.DockerImageManifests) > 0 {
					gotLists++
				}
				if n := len(img.DockerImageLayers); n > def(o.LayersPerImage, 4) {
					t.Errorf("image %s has %d layers", img.Name, n)
				}
				for _, l := range img.DockerImageLayers {
					layers[l.Name] = true
				}
			}
			if len(layers) > def(o.SharedLayers, 4*images) {
				t.Errorf("%d distinct layers, want at most %d", len(layers), def(o.SharedLayers, 4*images))
			}
			if gotLists != lists || len(s.Images) != images+lists {
				t.Errorf("%d images of which %d lists, want %d + %d", len(s.Images), gotLists, images, lists)
			}
			if len(s.Streams) != streams {
				t.Errorf("%d streams, want %d", len(s.Streams), streams)
			}
			namespaces := map[string]bool{}
			deepest := 0
			for _, is := range s.Streams {
				namespaces[is.Namespace] = true
				if n := len(is.Status.Tags); n < 1 || n > def(o.TagsPerStream, 5) {
					t.Errorf("stream %s has %d tags", is.Name, n)
				}
				for _, l := range is.Status.Tags {
					deepest = max(deepest, len(l.Items))
				}
			}
			if deepest > def(o.HistoryDepth, 5) {
				t.Errorf("history %d deep, want at most %d", deepest, def(o.HistoryDepth, 5))
			}
			if len(namespaces) > def(o.Namespaces, 3) {
				t.Errorf("%d namespaces, want at most %d", len(namespaces), def(o.Namespaces, 3))
			}
		})
	}
}

// TestRandomSnapshotLayerSizes checks that a shared layer has one size: a
// blob digest names one content, and prune sums blob sizes per digest
// (SEMANTICS §7, PRUNE.md).
func TestRandomSnapshotLayerSizes(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		opts imagetest.SnapshotOptions
	}{
		{"defaults", 7, imagetest.SnapshotOptions{}},
		{"small pool", 3, imagetest.SnapshotOptions{Images: 50, SharedLayers: 3, LayersPerImage: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := imagetest.RandomSnapshot(tt.seed, tt.opts)
			sizes := map[string]int64{}
			for _, img := range s.Images {
				for _, l := range img.DockerImageLayers {
					if prev, ok := sizes[l.Name]; ok {
						if diff := cmp.Diff(prev, l.LayerSize); diff != "" {
							t.Errorf("image %s, layer %s: size differs from an earlier use (-earlier +here):\n%s", img.Name, l.Name, diff)
						}
						continue
					}
					sizes[l.Name] = l.LayerSize
				}
			}
		})
	}
}

// TestRandomSnapshotListChildren checks that a manifest list names
// distinct children and that each entry's architecture is its child's: an
// entry describes the manifest it names (SEMANTICS §8.4).
func TestRandomSnapshotListChildren(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		opts imagetest.SnapshotOptions
	}{
		{"defaults", 7, imagetest.SnapshotOptions{}},
		{"many lists over few images", 3, imagetest.SnapshotOptions{Images: 6, ManifestLists: 10}},
		{"fewer images than a list wants", 1, imagetest.SnapshotOptions{Images: 1, ManifestLists: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := imagetest.RandomSnapshot(tt.seed, tt.opts)
			byName := map[string]*image.Image{}
			for _, img := range s.Images {
				byName[img.Name] = img
			}
			for _, list := range s.Images {
				named := map[string]bool{}
				for _, m := range list.DockerImageManifests {
					if named[m.Digest] {
						t.Errorf("list %s names child %s twice", list.Name, m.Digest)
					}
					named[m.Digest] = true
					child := byName[m.Digest]
					if child == nil {
						t.Fatalf("list %s names unknown child %s", list.Name, m.Digest)
					}
					if diff := cmp.Diff(child.DockerImageMetadata.Architecture, m.Architecture); diff != "" {
						t.Errorf("list %s, child %s: entry architecture differs from the child's (-child +entry):\n%s", list.Name, m.Digest, diff)
					}
				}
			}
		})
	}
}

// TestRandomSnapshotHistoryIsReachable checks that every history is one
// OpenShift can produce: history grows only through AddTagEvent, which
// collapses an event equal to the newest one (SEMANTICS §5.1), so
// replaying a history oldest first must keep every event.
func TestRandomSnapshotHistoryIsReachable(t *testing.T) {
	tests := []struct {
		name string
		opts imagetest.SnapshotOptions
	}{
		{"few images", imagetest.SnapshotOptions{Images: 5, Streams: 5, ManifestLists: -1}},
		{"one image", imagetest.SnapshotOptions{Images: 1, Streams: 3, HistoryDepth: 8, ManifestLists: -1}},
		{"defaults", imagetest.SnapshotOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(20) {
				s := imagetest.RandomSnapshot(seed, tt.opts)
				for _, is := range s.Streams {
					for _, tag := range is.Status.Tags {
						replay := &image.ImageStream{}
						for i := len(tag.Items) - 1; i >= 0; i-- {
							imagestream.AddTagEvent(replay, tag.Tag, tag.Items[i])
						}
						if diff := cmp.Diff(tag.Items, imagestream.StatusTag(replay, tag.Tag).Items); diff != "" {
							t.Errorf("seed %d, %s/%s:%s: AddTagEvent does not rebuild the history (-fixture +replayed):\n%s", seed, is.Namespace, is.Name, tag.Tag, diff)
						}
					}
				}
			}
		})
	}
}

// TestRandomSnapshotNegativeOptions checks the SnapshotOptions doc: a
// negative field takes its default, as a zero one does (ManifestLists,
// where negative means none, is covered by TestRandomSnapshotOptions).
func TestRandomSnapshotNegativeOptions(t *testing.T) {
	tests := []struct {
		name string
		opts imagetest.SnapshotOptions
		same imagetest.SnapshotOptions // the defaults spelled out
	}{
		{"Images", imagetest.SnapshotOptions{Images: -1}, imagetest.SnapshotOptions{Images: 100}},
		{"Streams", imagetest.SnapshotOptions{Streams: -3}, imagetest.SnapshotOptions{Streams: 10}},
		{"Namespaces", imagetest.SnapshotOptions{Namespaces: -1}, imagetest.SnapshotOptions{Namespaces: 3}},
		{"TagsPerStream", imagetest.SnapshotOptions{TagsPerStream: -1}, imagetest.SnapshotOptions{TagsPerStream: 5}},
		{"HistoryDepth", imagetest.SnapshotOptions{HistoryDepth: -1}, imagetest.SnapshotOptions{HistoryDepth: 5}},
		{"LayersPerImage", imagetest.SnapshotOptions{LayersPerImage: -1}, imagetest.SnapshotOptions{LayersPerImage: 4}},
		{"SharedLayers", imagetest.SnapshotOptions{SharedLayers: -1}, imagetest.SnapshotOptions{SharedLayers: 400}},
		{"SharedLayers follows Images", imagetest.SnapshotOptions{Images: -5, SharedLayers: -5}, imagetest.SnapshotOptions{Images: 100, SharedLayers: 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := imagetest.RandomSnapshot(1, tt.same)
			if diff := cmp.Diff(want, imagetest.RandomSnapshot(1, tt.opts)); diff != "" {
				t.Errorf("RandomSnapshot(%+v) differs from RandomSnapshot(%+v) (-default +got):\n%s", tt.opts, tt.same, diff)
			}
		})
	}
}

package prune_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestBytesFreed covers the bytes of PRUNE.md §6.13: the sizes of the
// blobs the plan deletes, each counted once. Layers give their sizes;
// a config or a manifest the length of the raw config or manifest its
// Image keeps, or a list entry's size; else 0.
func TestBytesFreed(t *testing.T) {
	tests := []struct {
		name      string
		build     func(f *fx)
		wantSizes map[string]int64 // deleted blob label → size
	}{
		{
			name: "raw manifest and config give their blobs' sizes",
			build: func(f *fx) {
				a := f.image("a", "l1", "l2")
				a.DockerImageManifest, a.DockerImageConfig = strings.Repeat("m", 700), strings.Repeat("c", 300)
			},
			wantSizes: map[string]int64{"a": 700, "a-config": 300, "l1": 10, "l2": 10},
		},
		{
			name:      "without them, configs and manifests count 0",
			build:     func(f *fx) { f.image("a", "l1") },
			wantSizes: map[string]int64{"a": 0, "a-config": 0, "l1": 10},
		},
		{
			name: "a list entry gives its child's manifest size",
			build: func(f *fx) {
				f.list("idx", f.image("c", "l1"))
			},
			wantSizes: map[string]int64{"idx": 0, "c": 500, "c-config": 0, "l1": 10},
		},
		{
			name: "a blob a kept image uses is not freed, a shared deleted one counts once",
			build: func(f *fx) {
				f.image("a", "shared", "l1")
				f.image("b", "shared", "l2")
				kept := f.image("k", "l2")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{kept}})
			},
			wantSizes: map[string]int64{"a": 0, "a-config": 0, "b": 0, "b-config": 0, "shared": 10, "l1": 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			tt.build(f)
			d, err := prune.Plan(&f.snap, prune.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got, sum := map[string]int64{}, int64(0)
			for _, b := range d.Blobs {
				got[f.labels[b.Digest]] = b.Size
				sum += b.Size
			}
			if diff := cmp.Diff(tt.wantSizes, got); diff != "" {
				t.Errorf("deleted blobs' sizes (-want +got):\n%s", diff)
			}
			if d.Stats.BytesFreed != sum {
				t.Errorf("BytesFreed = %d, the deleted blobs' sizes sum to %d", d.Stats.BytesFreed, sum)
			}
		})
	}
}

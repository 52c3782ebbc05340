package prune_test

import (
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestAgeAndSize covers the combined age and size rule of PRUNE.md
// §6.10: an image over its namespace's limit loses only the protection
// of keep-tag-revisions.
func TestAgeAndSize(t *testing.T) {
	sized := func(f *fx, label string, size int64, created time.Time) *image.Image {
		img := f.image(label)
		img.DockerImageMetadata.Size = size
		img.CreationTimestamp = image.NewTime(created)
		return img
	}
	ageAndSize := func(o *prune.Options) {
		o.PruneOverSizeLimit, o.AgeAndSize, o.ImageSizeLimits = true, true, map[string]int64{"ns": 500}
		o.KeepTagRevisions = ptr(2)
	}
	runRules(t, []ruleCase{
		{
			name: "an old revision over the limit goes even among the newest keep-tag-revisions",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{sized(f, "big", 1000, old), sized(f, "small", 10, old), sized(f, "small2", 10, old)}})
			},
			opts: ageAndSize,
			wantEvents: map[string]string{
				"ns/s:t#0": "delete over-size-limit", "ns/s:t#1": "keep within-revisions", "ns/s:t#2": "delete unused",
			},
			wantImages:     map[string]string{"big": "delete unused", "small": "keep tagged", "small2": "delete unused"},
			wantLayerLinks: []string{"ns/s@big-config", "ns/s@small2-config"}, wantManifestLinks: []string{"ns/s@big", "ns/s@small2"},
			wantBlobs: []string{"big", "big-config", "small2", "small2-config"},
		},
		{
			name: "a young revision over the limit is kept, and so is its young image",
			build: func(f *fx) {
				young := now.Add(-time.Minute)
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{sized(f, "big", 1000, young)}, created: []time.Time{young}})
			},
			opts:       ageAndSize,
			wantEvents: map[string]string{"ns/s:t#0": "keep young"},
			wantImages: map[string]string{"big": "keep tagged"},
		},
		{
			name: "a revision over the limit referenced by tag or digest is kept",
			build: func(f *fx) {
				b1, b2 := sized(f, "b1", 1000, old), sized(f, "b2", 1000, old)
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{b1, b2}})
				f.ref("r.io/ns/s:t")
				f.ref("r.io/ns/s@" + b2.Name)
			},
			opts:       ageAndSize,
			wantEvents: map[string]string{"ns/s:t#0": "keep tag-referenced", "ns/s:t#1": "keep digest-referenced"},
		},
		{
			name: "a namespace without a limit follows the age and revision rules alone",
			build: func(f *fx) {
				f.stream("free", "s", tag{name: "t", history: []*image.Image{sized(f, "b1", 1000, old), sized(f, "b2", 1000, old), sized(f, "b3", 1000, old)}})
			},
			opts: ageAndSize,
			wantEvents: map[string]string{
				"free/s:t#0": "keep within-revisions", "free/s:t#1": "keep within-revisions", "free/s:t#2": "delete unused",
			},
			wantImages:     map[string]string{"b3": "delete unused"},
			wantLayerLinks: []string{"free/s@b3-config"}, wantManifestLinks: []string{"free/s@b3"},
			wantBlobs: []string{"b3", "b3-config"},
		},
		{
			name: "a never-prune override keeps a revision over the limit",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{sized(f, "big", 1000, old)}})
			},
			opts: func(o *prune.Options) {
				ageAndSize(o)
				o.Overrides = []prune.Override{{Namespace: "ns", Stream: "s", Never: true}}
			},
			wantEvents: map[string]string{"ns/s:t#0": "keep never-prune"},
		},
	})
}

package prune_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// ruleCase is one rule of PRUNE.md §1. Maps are checked for the listed
// keys only; link and blob lists are checked whole.
type ruleCase struct {
	name  string
	build func(f *fx)
	opts  func(o *prune.Options)
	// wantEvents maps "ns/is:tag#rev" to "action reason".
	wantEvents map[string]string
	// wantImages maps an image label to "action reason".
	wantImages        map[string]string
	wantLayerLinks    []string
	wantManifestLinks []string
	wantBlobs         []string
	wantRemoved       []string
}

func runRules(t *testing.T, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFx()
			tt.build(f)
			opts := prune.Options{Now: now}
			if tt.opts != nil {
				tt.opts(&opts)
			}
			d, err := prune.Plan(&f.snap, opts)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			got := f.outcome(d)
			if diff := cmp.Diff(tt.wantEvents, subset(got.Events, tt.wantEvents)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantImages, subset(got.Images, tt.wantImages)); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLayerLinks, got.LayerLinks); diff != "" {
				t.Errorf("layer links (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantManifestLinks, got.ManifestLinks); diff != "" {
				t.Errorf("manifest links (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBlobs, got.Blobs); diff != "" {
				t.Errorf("blobs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRemoved, got.Removed); diff != "" {
				t.Errorf("removed tags (-want +got):\n%s", diff)
			}
		})
	}
}

func subset(got, want map[string]string) map[string]string {
	if want == nil {
		return nil
	}
	out := map[string]string{}
	for k := range want {
		if v, ok := got[k]; ok {
			out[k] = v
		} else {
			out[k] = "<absent>"
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// TestStage1Rows covers PRUNE.md §1.3: step 1 and rows 1–6 of the table,
// in oc's order, first match wins.
func TestStage1Rows(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name: "step1 young stream keeps every event",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				is := f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, a, b, f.missing("gone")}})
				is.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"ns/s:t#0": "keep young-stream", "ns/s:t#3": "keep young-stream", "ns/s:t#4": "keep young-stream"},
		},
		{
			name: "row1 young event kept beyond keep-tag-revisions",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}, created: []time.Time{old, now.Add(-30 * time.Minute)}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:t#0": "delete unused", "ns/s:t#1": "keep young"},
			wantImages:     map[string]string{"a": "delete unused", "b": "keep tagged"},
			wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config"},
		},
		{
			name: "row1 keep-younger-than=0 keeps nothing for age",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}, created: []time.Time{now.Add(-time.Second)}})
			},
			opts:        func(o *prune.Options) { o.KeepTagRevisions, o.KeepYoungerThan = ptr(0), ptr(time.Duration(0)) },
			wantEvents:  map[string]string{"ns/s:t#0": "delete unused"},
			wantRemoved: []string{"ns/s:t"}, wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config"},
		},
		{
			name: "row2 tag reference keeps revision 0 only",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
				f.ref("image-registry.svc:5000/ns/s:t")
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep tag-referenced", "ns/s:t#1": "delete unused"},
			wantLayerLinks: []string{"ns/s@b-config"}, wantManifestLinks: []string{"ns/s@b"},
			wantBlobs: []string{"b", "b-config"},
		},
		{
			name: "row2 a tag listed twice in the status: the reference keeps both newest revisions",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}}, tag{name: "t", history: []*image.Image{b}})
				f.ref("image-registry.svc:5000/ns/s:t")
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"ns/s:t#0": "keep tag-referenced"},
			wantImages: map[string]string{"a": "keep tagged", "b": "keep tagged"},
		},
		{
			name: "row2 a reference without tag means latest, any registry host",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "latest", history: []*image.Image{a}})
				f.ref("quay.io/ns/s")
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"ns/s:latest#0": "keep tag-referenced"},
		},
		{
			name: "row2 references without registry, without namespace or with a deep path name no stream",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "latest", history: []*image.Image{a}})
				f.ref("ns/s:latest")
				f.ref("registry.example.com/s:latest")
				f.ref("registry.example.com/ns/s/deeper:latest")
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:latest#0": "delete unused"},
			wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config"}, wantRemoved: []string{"ns/s:latest"},
		},
		{
			name: "row3 dangling event deleted inside the keep-N window without registry work",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.missing("gone"), a}})
			},
			wantEvents: map[string]string{"ns/s:t#0": "delete dangling", "ns/s:t#1": "keep within-revisions"},
			wantImages: map[string]string{"a": "keep tagged"},
		},
		{
			name: "row3 dangling but young or newest-referenced event kept",
			build: func(f *fx) {
				f.stream("ns", "s",
					tag{name: "young", history: []*image.Image{f.missing("g1")}, created: []time.Time{now.Add(-time.Minute)}},
					tag{name: "used", history: []*image.Image{f.missing("g2"), f.missing("g3")}})
				f.ref("r.io/ns/s:used")
			},
			wantEvents: map[string]string{"ns/s:young#0": "keep young", "ns/s:used#0": "keep tag-referenced", "ns/s:used#1": "delete dangling"},
		},
		{
			name: "row4b newest keep-tag-revisions kept",
			build: func(f *fx) {
				a, b, c := f.image("a"), f.image("b"), f.image("c")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, c}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(2) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep within-revisions", "ns/s:t#1": "keep within-revisions", "ns/s:t#2": "delete unused"},
			wantLayerLinks: []string{"ns/s@c-config"}, wantManifestLinks: []string{"ns/s@c"},
			wantBlobs: []string{"c", "c-config"},
		},
		{
			name: "row5 digest reference keeps the event in that repository only",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
				f.stream("ns", "other", tag{name: "t", history: []*image.Image{a}})
				f.ref("any.host/ns/s@" + a.Name)
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep digest-referenced", "ns/other:t#0": "delete unused"},
			wantImages:     map[string]string{"a": "keep tagged"},
			wantLayerLinks: []string{"ns/other@a-config"}, wantManifestLinks: []string{"ns/other@a"},
			wantRemoved: []string{"ns/other:t"},
		},
		{
			name: "row6 newest revision is not always kept: keep-tag-revisions=0 removes the tag",
			build: func(f *fx) {
				a := f.image("a", "l1")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			},
			opts:        func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:  map[string]string{"ns/s:t#0": "delete unused"},
			wantImages:  map[string]string{"a": "delete unused"},
			wantRemoved: []string{"ns/s:t"}, wantLayerLinks: []string{"ns/s@a-config", "ns/s@l1"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config", "l1"},
		},
		{
			name: "inactive old owner ignored, inactive young owner protects",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "x", history: []*image.Image{a}}, tag{name: "y", history: []*image.Image{b}})
				r := f.ref("r.io/ns/s:x")
				r.Inactive = true
				r = f.ref("r.io/ns/s:y")
				r.Inactive, r.Created = true, now.Add(-time.Minute)
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:x#0": "delete unused", "ns/s:y#0": "keep tag-referenced"},
			wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config"}, wantRemoved: []string{"ns/s:x"},
		},
		{
			// A Reference built by hand with only its spec is active, so
			// a forgotten field cannot leave an image unprotected.
			name: "the zero Reference counts: no Inactive, no creation time",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "x", history: []*image.Image{a}})
				f.snap.References = append(f.snap.References, prune.Reference{Spec: "r.io/ns/s:x"})
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"ns/s:x#0": "keep tag-referenced"},
		},
		{
			// oc skips a finished pod "at least as old as" the threshold
			// (!CreationTimestamp.After(threshold)).
			name: "inactive owner created exactly at the threshold ignored, a nanosecond later protects",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "x", history: []*image.Image{a}}, tag{name: "y", history: []*image.Image{b}})
				r := f.ref("r.io/ns/s:x")
				r.Inactive, r.Created = true, now.Add(-prune.DefaultKeepYoungerThan)
				r = f.ref("r.io/ns/s:y")
				r.Inactive, r.Created = true, now.Add(-prune.DefaultKeepYoungerThan+time.Nanosecond)
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:x#0": "delete unused", "ns/s:y#0": "keep tag-referenced"},
			wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config"}, wantRemoved: []string{"ns/s:x"},
		},
		{
			name: "build inputs: ImageStreamTag and ImageStreamImage default to the owner's namespace",
			build: func(f *fx) {
				a, b, c := f.image("a"), f.image("b"), f.image("c")
				f.stream("app", "s", tag{name: "x", history: []*image.Image{a}}, tag{name: "y", history: []*image.Image{c, b}})
				f.snap.References = append(f.snap.References,
					prune.Reference{Owner: prune.Owner{Kind: "BuildConfig", Namespace: "app", Name: "bc"}, Kind: image.KindImageStreamTag, Spec: "s:x"},
					prune.Reference{Owner: prune.Owner{Kind: "Build", Namespace: "app", Name: "b-1"}, Kind: image.KindImageStreamImage, Spec: "s@" + b.Name},
					prune.Reference{Owner: prune.Owner{Kind: "Build", Namespace: "other", Name: "b-2"}, Kind: image.KindImageStreamImage, Namespace: "app", Spec: "s@" + c.Name})
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"app/s:x#0": "keep tag-referenced", "app/s:y#0": "keep digest-referenced", "app/s:y#1": "keep digest-referenced"},
		},
	})
}

// TestLinkCounts covers the per-repository counts of PRUNE.md §1.3.
func TestLinkCounts(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name: "a layer still used by a kept revision of the same stream keeps its link",
			build: func(f *fx) {
				a, b := f.image("a", "shared", "only-b"), f.image("b", "shared", "only-b2")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep within-revisions", "ns/s:t#1": "delete unused"},
			wantLayerLinks: []string{"ns/s@b-config", "ns/s@only-b2"}, wantManifestLinks: []string{"ns/s@b"},
			wantBlobs: []string{"b", "b-config", "only-b2"},
		},
		{
			name: "an image kept under another tag of the stream keeps its manifest link",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}}, tag{name: "u", history: []*image.Image{b}})
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents: map[string]string{"ns/s:t#1": "delete unused", "ns/s:u#0": "keep within-revisions"},
			wantImages: map[string]string{"b": "keep tagged"},
		},
		{
			name: "links are per repository: another stream's use does not keep them",
			build: func(f *fx) {
				a, b := f.image("a", "la"), f.image("b", "l")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
				f.stream("ns", "o", tag{name: "t", history: []*image.Image{b}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents:     map[string]string{"ns/s:t#1": "delete unused", "ns/o:t#0": "keep within-revisions"},
			wantImages:     map[string]string{"b": "keep tagged"},
			wantLayerLinks: []string{"ns/s@b-config", "ns/s@l"}, wantManifestLinks: []string{"ns/s@b"},
		},
		{
			name: "prune-registry=false plans no registry work",
			build: func(f *fx) {
				a := f.image("a", "l")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			},
			opts:        func(o *prune.Options) { o.KeepTagRevisions, o.SkipRegistry = ptr(0), true },
			wantImages:  map[string]string{"a": "delete unused"},
			wantRemoved: []string{"ns/s:t"},
		},
	})
}

// TestStage2 covers PRUNE.md §1.4 and §1.5.
func TestStage2(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name: "an image named by any remaining event is kept",
			build: func(f *fx) {
				a := f.image("a")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			},
			wantImages: map[string]string{"a": "keep tagged"},
		},
		{
			name: "only-managed keeps images without exactly managed=true",
			build: func(f *fx) {
				f.image("plain")
				f.image("upper").Annotations = map[string]string{image.ManagedByOpenShiftAnnotation: "True"}
				f.image("managed").Annotations = map[string]string{image.ManagedByOpenShiftAnnotation: "true"}
			},
			opts:       func(o *prune.Options) { o.OnlyManaged = true },
			wantImages: map[string]string{"plain": "keep unmanaged", "upper": "keep unmanaged", "managed": "delete unused"},
			wantBlobs:  []string{"managed", "managed-config"},
		},
		{
			name: "young image kept; blobs shared with a kept image stay",
			build: func(f *fx) {
				f.image("young", "shared").CreationTimestamp = image.NewTime(now.Add(-time.Minute))
				f.image("old", "shared", "own")
			},
			wantImages: map[string]string{"young": "keep young", "old": "delete unused"},
			wantBlobs:  []string{"old", "old-config", "own"},
		},
		{
			name: "duplicate layers in one image are released once",
			build: func(f *fx) {
				f.image("dup", "l", "l")
			},
			wantImages: map[string]string{"dup": "delete unused"},
			wantBlobs:  []string{"dup", "dup-config", "l"},
		},
		{
			name: "schema1 images and lists have no config blob",
			build: func(f *fx) {
				s1 := f.image("s1", "l")
				s1.DockerImageManifestMediaType = image.MediaTypeDockerSchema1SignedManifest
				f.list("idx")
			},
			wantImages: map[string]string{"s1": "delete unused", "idx": "delete unused"},
			wantBlobs:  []string{"idx", "l", "s1"},
		},
		{
			name: "workloads do not protect images directly in stage 2 (oc)",
			build: func(f *fx) {
				a := f.image("a")
				f.ref("r.io/elsewhere/app@" + a.Name)
			},
			wantImages: map[string]string{"a": "delete unused"},
			wantBlobs:  []string{"a", "a-config"},
		},
		{
			name: "KeepReferencedImages: a digest reference in any repository keeps the image",
			build: func(f *fx) {
				a := f.image("a")
				f.ref("r.io/elsewhere/app@" + a.Name)
			},
			opts:       func(o *prune.Options) { o.KeepReferencedImages = true },
			wantImages: map[string]string{"a": "keep digest-referenced"},
		},
		{
			name: "KeepReferencedImages: a digest reference in a repository oc ignores keeps the image",
			build: func(f *fx) {
				a, b, c := f.image("a"), f.image("b"), f.image("c")
				f.ref("quay.io/org/team/app@" + a.Name) // a deeper path
				f.ref("docker.io/app@" + b.Name)        // no namespace
				f.ref("app@" + c.Name)                  // no registry
			},
			opts:       func(o *prune.Options) { o.KeepReferencedImages = true },
			wantImages: map[string]string{"a": "keep digest-referenced", "b": "keep digest-referenced", "c": "keep digest-referenced"},
		},
		{
			name: "a digest reference in a repository oc ignores keeps nothing by default (oc)",
			build: func(f *fx) {
				a := f.image("a")
				f.ref("quay.io/org/team/app@" + a.Name)
			},
			wantImages: map[string]string{"a": "delete unused"},
			wantBlobs:  []string{"a", "a-config"},
		},
		{
			name: "namespace mode prunes that namespace's history and no image",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
				f.stream("other", "s", tag{name: "t", history: []*image.Image{b}})
			},
			opts:           func(o *prune.Options) { o.Namespace, o.KeepTagRevisions = "ns", ptr(0) },
			wantEvents:     map[string]string{"ns/s:t#0": "delete unused", "other/s:t#0": "keep out-of-scope"},
			wantImages:     map[string]string{"a": "keep out-of-scope", "b": "keep out-of-scope"},
			wantLayerLinks: []string{"ns/s@a-config"}, wantManifestLinks: []string{"ns/s@a"},
			wantRemoved: []string{"ns/s:t"},
		},
		{
			name: "a malformed image is kept, and its events still pruned without links",
			build: func(f *fx) {
				bad := f.image("bad", "l")
				bad.DockerImageLayers[0].Name = "not-a-digest"
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{bad}})
			},
			opts:        func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:  map[string]string{"ns/s:t#0": "delete unused"},
			wantImages:  map[string]string{"bad": "keep malformed"},
			wantRemoved: []string{"ns/s:t"},
		},
	})
}

// TestSizeMode covers PRUNE.md §1.7.
func TestSizeMode(t *testing.T) {
	big := func(f *fx, label string) *image.Image {
		img := f.image(label)
		img.DockerImageMetadata.Size = 1000
		img.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
		return img
	}
	runRules(t, []ruleCase{
		{
			name: "young image exceeding limits is pruned, even the newest revision of a young stream",
			build: func(f *fx) {
				b, s := big(f, "big"), f.image("small")
				is := f.stream("ns", "s", tag{name: "t", history: []*image.Image{b, s}, created: []time.Time{now.Add(-time.Minute), old}})
				is.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			},
			opts: func(o *prune.Options) {
				o.PruneOverSizeLimit, o.ImageSizeLimits = true, map[string]int64{"ns": 500}
			},
			wantEvents:     map[string]string{"ns/s:t#0": "delete over-size-limit", "ns/s:t#1": "keep within-size-limit"},
			wantImages:     map[string]string{"big": "delete unused", "small": "keep tagged"},
			wantLayerLinks: []string{"ns/s@big-config"}, wantManifestLinks: []string{"ns/s@big"},
			wantBlobs: []string{"big", "big-config"},
		},
		{
			name: "a namespace without limit keeps everything; size equal to the limit does not exceed",
			build: func(f *fx) {
				f.stream("free", "s", tag{name: "t", history: []*image.Image{big(f, "b1")}})
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{big(f, "b2")}})
			},
			opts: func(o *prune.Options) {
				o.PruneOverSizeLimit, o.ImageSizeLimits = true, map[string]int64{"ns": 1000}
			},
			wantEvents: map[string]string{"free/s:t#0": "keep within-size-limit", "ns/s:t#0": "keep within-size-limit"},
		},
		{
			name: "an over-limit event still referenced by digest is kept",
			build: func(f *fx) {
				b := big(f, "b")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{b}})
				f.ref("r.io/ns/s@" + b.Name)
			},
			opts: func(o *prune.Options) {
				o.PruneOverSizeLimit, o.ImageSizeLimits = true, map[string]int64{"ns": 1}
			},
			wantEvents: map[string]string{"ns/s:t#0": "keep digest-referenced"},
		},
	})
}

// TestTaggedBy: an image's TaggedBy lists each tag whose remaining events
// name it once, in stream order, up to MaxReferrers; a history that names
// the image twice does not take two places.
func TestTaggedBy(t *testing.T) {
	f := newFx()
	a, b := f.image("a"), f.image("b")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, a}}, tag{name: "u", history: []*image.Image{b, a}})
	f.stream("ns", "z", tag{name: "v", history: []*image.Image{a}})
	for _, tt := range []struct {
		max  int
		want []string
	}{
		{max: 2, want: []string{"ns/s:t", "ns/s:u"}},
		{max: 5, want: []string{"ns/s:t", "ns/s:u", "ns/z:v"}},
	} {
		d, err := prune.Plan(&f.snap, prune.Options{Now: now, MaxReferrers: tt.max})
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range d.Images {
			if img.Name == a.Name {
				if diff := cmp.Diff(tt.want, img.TaggedBy); diff != "" {
					t.Errorf("MaxReferrers %d: TaggedBy of a (-want +got):\n%s", tt.max, diff)
				}
			}
		}
	}
}

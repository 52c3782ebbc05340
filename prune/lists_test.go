package prune_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestManifestLists covers PRUNE.md §1.6 under Options.OCCompatible and
// the default list handling of §6.9: children of any kept list are kept,
// and list children count in a repository's links.
func TestManifestLists(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name: "children of a tagged list are kept (f5d8dce)",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"), f.image("c2", "l2"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{l}})
			},
			opts:       func(o *prune.Options) { o.OCCompatible = true },
			wantImages: map[string]string{"idx": "keep tagged", "c1": "keep list-child", "c2": "keep list-child"},
		},
		{
			// oc adds children to the map it ranges over, so whether it
			// reaches a grandchild is up to map iteration (stage2.go).
			name: "OCCompatible: the children of a tagged list's child list are kept too",
			build: func(f *fx) {
				inner := f.list("inner", f.image("gc", "lg"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.list("outer", inner)}})
			},
			opts:       func(o *prune.Options) { o.OCCompatible = true },
			wantImages: map[string]string{"outer": "keep tagged", "inner": "keep list-child", "gc": "keep list-child"},
		},
		{
			name: "children of an untagged list are not protected",
			build: func(f *fx) {
				f.list("idx", f.image("c1", "l1"))
			},
			wantImages: map[string]string{"idx": "delete unused", "c1": "delete unused"},
			wantBlobs:  []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			name: "OCCompatible: children of an untagged list are not protected",
			build: func(f *fx) {
				f.list("idx", f.image("c1", "l1"))
			},
			opts:       func(o *prune.Options) { o.OCCompatible = true },
			wantImages: map[string]string{"idx": "delete unused", "c1": "delete unused"},
			wantBlobs:  []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			name: "OCCompatible: children of a young list are deleted, as oc does",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1"))
				l.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			},
			opts:       func(o *prune.Options) { o.OCCompatible = true },
			wantImages: map[string]string{"idx": "keep young", "c1": "delete unused"},
			wantBlobs:  []string{"c1", "c1-config"},
		},
		{
			name: "children of a young or unmanaged list are kept by default",
			build: func(f *fx) {
				managed := map[string]string{image.ManagedByOpenShiftAnnotation: "true"}
				c1, c2 := f.image("c1"), f.image("c2")
				c1.Annotations, c2.Annotations = managed, managed
				l := f.list("young", c1)
				l.CreationTimestamp, l.Annotations = image.NewTime(now.Add(-time.Minute)), managed
				f.list("unmanaged", c2)
			},
			opts:       func(o *prune.Options) { o.OnlyManaged = true },
			wantImages: map[string]string{"young": "keep young", "c1": "keep list-child", "unmanaged": "keep unmanaged", "c2": "keep list-child"},
		},
		{
			name: "children of a list kept by a digest reference are kept by default",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
				f.ref("r.io/ns/s@" + l.Name)
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents: map[string]string{"ns/s:t#0": "keep within-revisions", "ns/s:t#1": "keep digest-referenced"},
			wantImages: map[string]string{"new": "keep tagged", "idx": "keep tagged", "c1": "keep list-child"},
		},
		{
			name: "OCCompatible with KeepReferencedImages: a list a workload runs keeps its children",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
				f.ref("r.io/other/app@" + l.Name)
			},
			opts: func(o *prune.Options) {
				o.KeepTagRevisions, o.OCCompatible, o.KeepReferencedImages = ptr(1), true, true
			},
			wantEvents:        map[string]string{"ns/s:t#1": "delete unused"},
			wantImages:        map[string]string{"idx": "keep digest-referenced", "c1": "keep list-child"},
			wantManifestLinks: []string{"ns/s@idx"},
		},
		{
			name: "OCCompatible with KeepReferencedImages: nested lists a workload runs keep theirs, young or not",
			build: func(f *fx) {
				inner := f.list("inner", f.image("c1"))
				inner.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
				f.list("outer", inner, f.image("c2"))
				f.ref("r.io/other/app@" + dg("outer"))
			},
			opts:       func(o *prune.Options) { o.OCCompatible, o.KeepReferencedImages = true, true },
			wantImages: map[string]string{"outer": "keep digest-referenced", "inner": "keep young", "c1": "keep list-child", "c2": "keep list-child"},
		},
		{
			name: "OCCompatible: a list leaving a repository unlinks only its own manifest, as oc does",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions, o.OCCompatible = ptr(1), true },
			wantEvents:        map[string]string{"ns/s:t#1": "delete unused"},
			wantImages:        map[string]string{"idx": "delete unused", "c1": "delete unused"},
			wantManifestLinks: []string{"ns/s@idx"},
			wantBlobs:         []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			name: "a list leaving a repository also unlinks its children by default",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantLayerLinks:    []string{"ns/s@c1-config", "ns/s@l1"},
			wantManifestLinks: []string{"ns/s@c1", "ns/s@idx"},
			wantBlobs:         []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			// A pod pulls the child its platform resolved the list to, by
			// digest, from this repository.
			name: "a child a workload pulls by digest from the repository keeps its links there by default",
			build: func(f *fx) {
				c1 := f.image("c1", "l1")
				l := f.list("idx", c1)
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
				f.ref("r.io/ns/s@" + c1.Name)
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantImages:        map[string]string{"new": "keep tagged", "idx": "delete unused", "c1": "delete unused"},
			wantManifestLinks: []string{"ns/s@idx"},
			wantBlobs:         []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			name: "a list leaving a repository unlinks its children with no Image object by default",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"), f.missing("absent"))
				l.DockerImageManifests = append(l.DockerImageManifests, image.ImageManifest{Digest: "not-a-digest"})
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantLayerLinks:    []string{"ns/s@c1-config", "ns/s@l1"},
			wantManifestLinks: []string{"ns/s@absent", "ns/s@c1", "ns/s@idx"},
			wantBlobs:         []string{"c1", "c1-config", "idx", "l1"},
		},
		{
			name: "OCCompatible: a list leaving a repository leaves its absent children's links, as oc does",
			build: func(f *fx) {
				l := f.list("idx", f.missing("absent"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions, o.OCCompatible = ptr(1), true },
			wantManifestLinks: []string{"ns/s@idx"},
			wantBlobs:         []string{"idx"},
		},
		{
			name: "a kept event naming no image keeps the link of a list's absent child",
			build: func(f *fx) {
				absent := f.missing("absent")
				l := f.list("idx", absent)
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("new"), l}}, tag{name: "u", history: []*image.Image{absent}, created: []time.Time{now.Add(-time.Minute)}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents:        map[string]string{"ns/s:t#1": "delete unused", "ns/s:u#0": "keep young"},
			wantManifestLinks: []string{"ns/s@idx"},
			wantBlobs:         []string{"idx"},
		},
		{
			name: "a child shared with a kept list keeps its links by default",
			build: func(f *fx) {
				shared := f.image("shared", "l1")
				l1 := f.list("idx1", shared, f.image("own", "l2"))
				l2 := f.list("idx2", shared)
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{l2, l1}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantImages:        map[string]string{"shared": "keep list-child", "own": "delete unused", "idx1": "delete unused"},
			wantLayerLinks:    []string{"ns/s@l2", "ns/s@own-config"},
			wantManifestLinks: []string{"ns/s@idx1", "ns/s@own"},
			wantBlobs:         []string{"idx1", "l2", "own", "own-config"},
		},
		{
			name: "OCCompatible: a child event pruned while its list stays: oc unlinks the child the list needs",
			build: func(f *fx) {
				c := f.image("c1")
				l := f.list("idx", c)
				f.stream("ns", "s", tag{name: "list", history: []*image.Image{l}}, tag{name: "child", history: []*image.Image{f.image("new"), c}})
			},
			opts:              func(o *prune.Options) { o.KeepTagRevisions, o.OCCompatible = ptr(1), true },
			wantImages:        map[string]string{"c1": "keep list-child"},
			wantLayerLinks:    []string{"ns/s@c1-config"},
			wantManifestLinks: []string{"ns/s@c1"},
		},
		{
			name: "the kept list keeps its child's links by default",
			build: func(f *fx) {
				c := f.image("c1")
				l := f.list("idx", c)
				f.stream("ns", "s", tag{name: "list", history: []*image.Image{l}}, tag{name: "child", history: []*image.Image{f.image("new"), c}})
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents: map[string]string{"ns/s:child#1": "delete unused"},
			wantImages: map[string]string{"c1": "keep list-child"},
		},
	})
}

// TestPlanRecordsListChildren checks which lists' children a plan
// records: a deleted list's, and a kept list's when the plan deletes
// some of them (an OCCompatible plan and a young list no tag names,
// PRUNE.md §1.6), so that Execute can keep them if the list is tagged
// before it runs.
func TestPlanRecordsListChildren(t *testing.T) {
	f := newFx()
	young := f.list("young", f.image("c1"))
	young.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
	tagged := f.list("tagged", f.image("c2"))
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{tagged}})
	f.list("gone", f.image("c3"))
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, OCCompatible: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, img := range d.Images {
		key := f.label(img.Name) + " " + img.Action.String()
		for _, c := range img.Children {
			got[key] = append(got[key], f.label(c))
		}
	}
	want := map[string][]string{"young keep": {"c1"}, "gone delete": {"c3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("children recorded (-want +got):\n%s", diff)
	}
}

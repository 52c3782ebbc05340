package prune_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestExecuteUnchanged checks that in a world that has not changed since
// planning, Execute's re-checks (PRUNE.md §6.8) find nothing to add: it
// carries the plan out exactly, whatever it is given to look with (the
// streams alone, a Lister, the workloads' references), so that a plan
// made with OCCompatible deletes what oc deletes (§6.2). This needs the
// re-checks to count a reference as the plan did: an old finished
// owner's not at all, a spec repaired by trimming only when the plan
// repairs it, and a digest in a repository that is no stream only under
// KeepReferencedImages; and to keep the children only of the lists that
// are in use, not of every list the plan keeps.
func TestExecuteUnchanged(t *testing.T) {
	t.Parallel()
	looks := []struct {
		name           string
		lister, refers bool
	}{
		{"streams", false, false},
		{"lister", true, false},
		{"references", false, true},
		{"lister and references", true, true},
	}
	for seed := range randomSeeds(3000) {
		s, o := randomCase(seed)
		o.IgnoreInvalidRefs = seed%3 == 0
		if len(s.Streams) > 0 && len(s.Images) > 0 && seed%2 == 0 {
			// A spec that parses once trimmed (PRUNE.md §3.3), or whose
			// leading run of pull-spec characters does (§6.12), naming an
			// image by digest; whether it counts depends on the policy.
			is := s.Streams[0]
			format := " r.io/%s/%s@%s "
			if seed%4 == 0 {
				format = `"r.io/%s/%s@%s",`
			}
			s.References = append(slices.Clip(s.References), prune.Reference{
				Owner: prune.Owner{Kind: "Pod", Namespace: is.Namespace, Name: "padded"},
				Spec:  fmt.Sprintf(format, is.Namespace, is.Name, s.Images[0].Name),
			})
		}
		d, err := prune.Plan(s, o)
		if err != nil {
			t.Fatalf("seed %d: Plan: %v", seed, err)
		}
		for _, look := range looks {
			w := newWorld(s)
			tg := w.targets()
			if look.lister {
				tg = w.listingTargets()
			}
			if look.refers {
				tg.References = prune.ReferenceFunc(func(context.Context) ([]prune.Reference, error) { return s.References, nil })
			}
			rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
			if err != nil {
				t.Fatalf("seed %d, %s: Execute: %v", seed, look.name, err)
			}
			if diff := cmp.Diff(d.Stats, rep.Deleted); diff != "" {
				t.Errorf("seed %d, %s: the run did not carry the plan out (-planned +deleted):\n%s\nwithheld: %+v", seed, look.name, diff, rep.Withheld)
			}
			if diff := cmp.Diff(prune.Withheld{}, rep.Withheld); diff != "" {
				t.Errorf("seed %d, %s: withheld (-want +got):\n%s", seed, look.name, diff)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}

// TestExecuteRechecksAsPlanned is TestExecuteUnchanged's named cases: an
// OCCompatible plan, a world that has not changed, and Execute given every
// way to look, must delete what the plan (and oc) deletes.
func TestExecuteRechecksAsPlanned(t *testing.T) {
	tests := []struct {
		name  string
		build func(f *fx)
		opts  prune.Options
	}{
		{
			// The children of a list no tag names are not protected
			// (PRUNE.md §1.6), even when the list is young and kept.
			name: "children of a young untagged list go",
			build: func(f *fx) {
				l := f.list("L", f.image("child", "lc"))
				l.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			},
			opts: prune.Options{Now: now, OCCompatible: true},
		},
		{
			// The plan keeps the children of a tagged list's child list
			// (stage2.go), as the re-check does.
			name: "a tagged nested list keeps its grandchild; an old revision goes",
			build: func(f *fx) {
				outer := f.list("outer", f.list("inner", f.image("gc", "lg")))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{outer, f.image("a", "la")}})
			},
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1)},
		},
		{
			// A finished pod older than keep-younger-than is ignored (§1.2).
			name: "an old finished pod's digest reference does not count",
			build: olderRevision(func(a string) prune.Reference {
				return prune.Reference{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "done"}, Spec: "reg.io/ns/s@" + a, Inactive: true, Created: old}
			}),
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1)},
		},
		{
			// An image that no stream lists goes although a pod runs it by
			// digest from another repository (§1.4).
			name: "a digest reference in a repository that is no stream does not keep the image",
			build: olderRevision(func(a string) prune.Reference {
				return prune.Reference{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "p"}, Spec: "reg.io/elsewhere/app@" + a, Created: old}
			}),
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1)},
		},
		{
			// With IgnoreInvalidRefs a spec is not repaired by trimming (§3.3).
			name: "a padded spec does not count under IgnoreInvalidRefs",
			build: olderRevision(func(a string) prune.Reference {
				return prune.Reference{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, Spec: " reg.io/ns/s@" + a + " ", Created: old}
			}),
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1), IgnoreInvalidRefs: true},
		},
		{
			// Nor one salvaged from quotes (§6.12).
			name: "a quoted spec does not count under IgnoreInvalidRefs",
			build: olderRevision(func(a string) prune.Reference {
				return prune.Reference{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, Spec: `"reg.io/ns/s@` + a + `",`, Created: old}
			}),
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1), IgnoreInvalidRefs: true},
		},
		{
			// A digest reference does not save a dangling event: row 3
			// comes before row 5 (§1.3).
			name: "a digest reference does not keep a dangling event",
			build: func(f *fx) {
				gone := f.missing("gone")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la"), gone}})
				f.snap.References = []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"},
					Spec: "reg.io/ns/s@" + gone.Name, Created: old}}
			},
			opts: prune.Options{Now: now, OCCompatible: true, KeepTagRevisions: ptr(1)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			tt.build(f)
			d, err := prune.Plan(&f.snap, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d.Stats == (prune.Stats{}) {
				t.Fatal("the plan deletes nothing; the case tests nothing")
			}
			w := newWorld(&f.snap)
			tg := w.listingTargets()
			tg.References = prune.ReferenceFunc(func(context.Context) ([]prune.Reference, error) { return f.snap.References, nil })
			rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Deleted != d.Stats {
				t.Errorf("the run did not carry the plan out:\nplanned %s\nran     %s\nwithheld %+v", d.Stats.Summary(), rep.Summary(), rep.Withheld)
			}
		})
	}
}

// olderRevision builds a stream ns/s whose tag t has an image b over an
// image a, and the one reference ref makes of a's digest.
func olderRevision(ref func(a string) prune.Reference) func(*fx) {
	return func(f *fx) {
		a, b := f.image("a", "la"), f.image("b", "lb")
		f.stream("ns", "s", tag{name: "t", history: []*image.Image{b, a}})
		f.snap.References = []prune.Reference{ref(a.Name)}
	}
}

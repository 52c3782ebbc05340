package prune_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// storageOf lists what w's registry holds, every entry written at t.
func storageOf(w *world, t time.Time) *prune.StorageListing {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := &prune.StorageListing{}
	byRepo := map[string]*prune.StoredRepository{}
	var repos []string
	for key := range w.links {
		repo, dgst := splitLink(key)
		if byRepo[repo] == nil {
			byRepo[repo] = &prune.StoredRepository{Name: repo}
			repos = append(repos, repo)
		}
		r := byRepo[repo]
		if w.images[dgst] != nil {
			r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: dgst, Modified: t})
		} else {
			r.LayerLinks = append(r.LayerLinks, prune.StoredLink{Digest: dgst, Modified: t})
		}
	}
	slices.Sort(repos)
	for _, repo := range repos {
		l.Repositories = append(l.Repositories, *byRepo[repo])
	}
	for b := range w.blobs {
		l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: b, Size: 10, Modified: t})
	}
	return l
}

// afterPlan is s once d is carried out, as ReadSnapshot would read it:
// the events and images d deletes are gone, and so are the tags d
// empties. s is not changed.
func afterPlan(s *prune.Snapshot, d *prune.Decisions) *prune.Snapshot {
	byRepo := map[string]*prune.StreamDecision{}
	for i := range d.Streams {
		byRepo[d.Streams[i].Repository()] = &d.Streams[i]
	}
	out := &prune.Snapshot{References: s.References}
	for _, is := range s.Streams {
		sd := byRepo[is.Namespace+"/"+is.Name]
		if sd == nil || sd.Deleted == 0 {
			out.Streams = append(out.Streams, is)
			continue
		}
		cp := *is
		cp.Status.Tags = nil
		for _, list := range is.Status.Tags {
			i := slices.IndexFunc(sd.Tags, func(td prune.TagDecision) bool { return td.Tag == list.Tag })
			kept := list
			kept.Items = nil
			for r, ev := range list.Items {
				if i < 0 || sd.Tags[i].Events[r].Action == prune.Keep {
					kept.Items = append(kept.Items, ev)
				}
			}
			if len(kept.Items) > 0 {
				cp.Status.Tags = append(cp.Status.Tags, kept)
			}
		}
		out.Streams = append(out.Streams, &cp)
	}
	deleted := map[string]bool{}
	for _, id := range d.Images {
		deleted[id.Name] = id.Action == prune.Delete
	}
	for _, img := range s.Images {
		if !deleted[img.Name] {
			out.Images = append(out.Images, img)
		}
	}
	return out
}

func splitLink(key string) (repo, dgst string) {
	i := len(key) - 71 - 1 // "@sha256:…"
	return key[:i], key[i+1:]
}

// TestPlanSweep covers the registry-side sweep of PRUNE.md §6.15.
func TestPlanSweep(t *testing.T) {
	type sweepOut struct {
		Repositories, ManifestLinks, LayerLinks, Blobs []string
		KeptYoung                                      int
	}
	tests := []struct {
		name string
		// build makes the snapshot; extra adds to the storage listing.
		build   func(f *fx)
		extra   func(f *fx, l *prune.StorageListing)
		noPlan  bool
		minAge  time.Duration
		written time.Time // when the listed entries were written
		want    sweepOut
	}{
		{
			name: "in sync: nothing to sweep",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la")}})
			},
			written: old,
		},
		{
			name: "a repository without a stream is orphaned with all its links",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la")}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				l.Repositories = append(l.Repositories,
					prune.StoredRepository{Name: "gone/repo", ManifestLinks: []prune.StoredLink{{Digest: dg("a")}}, LayerLinks: []prune.StoredLink{{Digest: dg("la")}}},
					prune.StoredRepository{Name: "a/b/c", LayerLinks: []prune.StoredLink{{Digest: dg("la")}}})
			},
			written: old,
			want: sweepOut{
				Repositories: []string{"a/b/c", "gone/repo"}, ManifestLinks: []string{"gone/repo@a"},
				LayerLinks: []string{"a/b/c@la", "gone/repo@la"},
			},
		},
		{
			name: "links and blobs of a pruned revision go; a layer a kept revision shares stays",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "shared"), f.image("b", "shared", "lb")}})
			},
			written: old,
			want: sweepOut{
				ManifestLinks: []string{"ns/s@b"}, LayerLinks: []string{"ns/s@b-config", "ns/s@lb"},
				Blobs: []string{"b", "b-config", "lb"},
			},
		},
		{
			name: "without a plan everything the snapshot names stays",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "shared"), f.image("b", "shared", "lb")}})
			},
			noPlan:  true,
			written: old,
		},
		{
			name: "a kept list keeps its children's manifest and layer links",
			build: func(f *fx) {
				l := f.list("idx", f.image("c1", "l1"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{l}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				r := &l.Repositories[0]
				r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: dg("c1")})
				r.LayerLinks = append(r.LayerLinks, prune.StoredLink{Digest: dg("l1")}, prune.StoredLink{Digest: dg("c1-config")})
			},
			written: old,
		},
		{
			name: "young links, blobs and their repository stay (MinAge), with its layer links",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la")}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				l.Repositories = append(l.Repositories, prune.StoredRepository{Name: "new/repo",
					ManifestLinks: []prune.StoredLink{{Digest: dg("pushing"), Modified: now.Add(-time.Minute)}},
					LayerLinks:    []prune.StoredLink{{Digest: dg("old-layer")}}})
				l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: dg("pushing")}, prune.StoredBlob{Digest: dg("upload"), Modified: now.Add(-time.Minute)},
					prune.StoredBlob{Digest: dg("old-layer")}, prune.StoredBlob{Digest: dg("junk")})
				f.labels[dg("old-layer")], f.labels[dg("junk")] = "old-layer", "junk"
			},
			minAge:  time.Hour,
			written: old,
			want: sweepOut{
				Blobs: []string{"junk"}, KeptYoung: 3, // the old layer link of a repository just pushed to stays
			},
		},
		{
			// A push finds the layer linked already and writes no link:
			// the new manifest's young link keeps the repository's old
			// layer links, and so their blobs.
			name: "a manifest pushed after the snapshot keeps the old layer links it may reuse",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("k", "lk"), f.image("a", "base")}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				r := &l.Repositories[0]
				r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: dg("y"), Modified: now.Add(-30 * time.Minute)})
				l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: dg("y"), Modified: now.Add(-30 * time.Minute)})
				f.labels[dg("y")] = "y"
			},
			minAge:  time.Hour,
			written: old,
			want:    sweepOut{ManifestLinks: []string{"ns/s@a"}, Blobs: []string{"a"}, KeptYoung: 3},
		},
		{
			name: "a tagged list keeps the link and blob of a child with no Image object",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.list("idx", f.image("c1", "l1"), f.missing("ghost"))}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				r := &l.Repositories[0]
				r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: dg("ghost")})
				l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: dg("ghost")})
			},
			written: old,
		},
		{
			name: "a kept event naming no Image keeps its manifest link and blob",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.missing("gone")}, created: []time.Time{now.Add(-time.Minute)}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				l.Repositories = append(l.Repositories, prune.StoredRepository{Name: "ns/s", ManifestLinks: []prune.StoredLink{{Digest: dg("gone")}}})
				l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: dg("gone")})
			},
			written: old,
		},
		{
			name: "a tagged list's child list keeps its children's links",
			build: func(f *fx) {
				inner := f.list("inner", f.image("g", "lg"))
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.list("outer", inner)}})
			},
			extra: func(f *fx, l *prune.StorageListing) {
				r := &l.Repositories[0]
				r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: dg("inner")}, prune.StoredLink{Digest: dg("g")})
				r.LayerLinks = append(r.LayerLinks, prune.StoredLink{Digest: dg("lg")}, prune.StoredLink{Digest: dg("g-config")})
			},
			written: old,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			tt.build(f)
			w := newWorld(&f.snap)
			listing := storageOf(w, tt.written)
			if tt.extra != nil {
				tt.extra(f, listing)
			}
			// What remains in use once a plan has pruned the events and
			// images of an API-only run, whose links the sweep finds.
			remains := &f.snap
			if !tt.noPlan {
				d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1), SkipRegistry: true})
				if err != nil {
					t.Fatal(err)
				}
				remains = afterPlan(&f.snap, d)
			}
			sw, err := prune.PlanSweep(remains, listing, prune.SweepOptions{Now: now, MinAge: tt.minAge})
			if err != nil {
				t.Fatal(err)
			}
			got := sweepOut{Repositories: sw.Repositories, KeptYoung: sw.KeptYoung}
			for _, l := range sw.ManifestLinks {
				got.ManifestLinks = append(got.ManifestLinks, l.Repository+"@"+f.label(l.Digest))
			}
			for _, l := range sw.LayerLinks {
				got.LayerLinks = append(got.LayerLinks, l.Repository+"@"+f.label(l.Digest))
			}
			for _, b := range sw.Blobs {
				got.Blobs = append(got.Blobs, f.label(b.Digest))
			}
			slices.Sort(got.ManifestLinks)
			slices.Sort(got.LayerLinks)
			slices.Sort(got.Blobs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sweep (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExecuteSweep carries out a plan, then sweeps what a hard prune
// would find: the registry ends with exactly what the remaining events
// need, and a second sweep finds nothing.
func TestExecuteSweep(t *testing.T) {
	f := newFx()
	a, b := f.image("a", "shared", "la"), f.image("b", "shared", "lb")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	w := newWorld(&f.snap)
	w.links["gone/repo@"+dg("orphan")] = true
	w.blobs[dg("orphan")] = true
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1), SkipRegistry: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	after, _, rep := sweepWorld(t, w)
	if diff := cmp.Diff(rep.Planned, rep.Deleted); diff != "" {
		t.Errorf("deleted differs from planned (-planned +deleted):\n%s", diff)
	}
	wantLinks, wantBlobs := []string{}, []string{}
	for _, dgst := range blobsOf(a) {
		wantLinks = append(wantLinks, "ns/s@"+dgst)
		wantBlobs = append(wantBlobs, dgst)
	}
	slices.Sort(wantLinks)
	slices.Sort(wantBlobs)
	got := w.state()
	if diff := cmp.Diff(wantLinks, got.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantBlobs, got.Blobs); diff != "" {
		t.Errorf("blobs (-want +got):\n%s", diff)
	}
	again, err := prune.PlanSweep(after, storageOf(w, old), prune.SweepOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&prune.Sweep{SchemaVersion: prune.SchemaVersion}, again); diff != "" {
		t.Errorf("second sweep (-want +got):\n%s", diff)
	}
	// A failing link deletion leaves every blob in place.
	w2 := newWorld(&f.snap)
	w2.links["gone/repo@"+dg("orphan")], w2.blobs[dg("orphan")] = true, true
	w2.failAt = 1
	sw2, _ := prune.PlanSweep(after, storageOf(w2, old), prune.SweepOptions{Now: now})
	if _, err := prune.ExecuteSweep(context.Background(), sw2, w2, prune.ExecuteOptions{Workers: 1}); !errors.Is(err, prune.ErrIncomplete) {
		t.Errorf("ExecuteSweep with a failing link = %v, want ErrIncomplete", err)
	}
	if !w2.blobs[dg("orphan")] {
		t.Error("a blob was deleted although a link deletion failed")
	}
}

// sweepWorld reads w's snapshot, as a program does after Execute, plans
// the sweep of w's registry (every entry written at old, MinAge an hour)
// and carries it out.
func sweepWorld(t *testing.T, w *world) (after *prune.Snapshot, sw *prune.Sweep, rep *prune.Report) {
	t.Helper()
	after, err := prune.ReadSnapshot(context.Background(), w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sw, err = prune.PlanSweep(after, storageOf(w, old), prune.SweepOptions{Now: now, MinAge: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if rep, err = prune.ExecuteSweep(context.Background(), sw, w, prune.ExecuteOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	return after, sw, rep
}

// TestSweepAfterFailedExecute: Execute keeps a revision whose stream it
// could not update. A sweep of the snapshot read afterwards keeps it too,
// where one of what the plan keeps would remove its links and blobs.
func TestSweepAfterFailedExecute(t *testing.T) {
	f := newFx()
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la"), f.image("b", "lb")}})
	w := newWorld(&f.snap)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1), SkipRegistry: true})
	if err != nil {
		t.Fatal(err)
	}
	w.failAt = 1 // the stream update
	if _, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{}); !errors.Is(err, prune.ErrIncomplete) {
		t.Fatalf("Execute with a failing stream update = %v, want ErrIncomplete", err)
	}
	w.failAt = 0
	_, sw, _ := sweepWorld(t, w)
	if err := w.broken(); err != nil {
		t.Error(err)
	}
	if diff := cmp.Diff(&prune.Sweep{SchemaVersion: prune.SchemaVersion}, sw); diff != "" {
		t.Errorf("sweep (-want +got):\n%s", diff)
	}
}

func TestPlanSweepOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    prune.SweepOptions
		wantErr bool
	}{
		{name: "now set", opts: prune.SweepOptions{Now: now}},
		{name: "zero now", opts: prune.SweepOptions{}, wantErr: true},
		{name: "negative min age", opts: prune.SweepOptions{Now: now, MinAge: -time.Second}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prune.PlanSweep(nil, nil, tt.opts)
			if (err != nil) != tt.wantErr || err != nil && !errors.Is(err, prune.ErrSweepOptions) {
				t.Errorf("PlanSweep() error = %v, want error %v wrapping ErrSweepOptions", err, tt.wantErr)
			}
		})
	}
	if _, err := prune.ExecuteSweep(context.Background(), nil, nil, prune.ExecuteOptions{}); err == nil {
		t.Error("ExecuteSweep without a sweep succeeded")
	}
}

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
			name: "young links, blobs and their repository stay (MinAge)",
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
				LayerLinks: []string{"new/repo@old-layer"}, Blobs: []string{"junk", "old-layer"}, KeptYoung: 2,
			},
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
			var d *prune.Decisions
			if !tt.noPlan {
				var err error
				if d, err = prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)}); err != nil {
					t.Fatal(err)
				}
			}
			sw, err := prune.PlanSweep(&f.snap, d, listing, prune.SweepOptions{Now: now, MinAge: tt.minAge})
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
	sw, err := prune.PlanSweep(&f.snap, d, storageOf(w, old), prune.SweepOptions{Now: now, MinAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := prune.ExecuteSweep(context.Background(), sw, w, prune.ExecuteOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
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
	again, err := prune.PlanSweep(&f.snap, d, storageOf(w, old), prune.SweepOptions{Now: now})
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
	sw2, _ := prune.PlanSweep(&f.snap, d, storageOf(w2, old), prune.SweepOptions{Now: now})
	if _, err := prune.ExecuteSweep(context.Background(), sw2, w2, prune.ExecuteOptions{Workers: 1}); !errors.Is(err, prune.ErrIncomplete) {
		t.Errorf("ExecuteSweep with a failing link = %v, want ErrIncomplete", err)
	}
	if !w2.blobs[dg("orphan")] {
		t.Error("a blob was deleted although a link deletion failed")
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
			_, err := prune.PlanSweep(nil, nil, nil, tt.opts)
			if (err != nil) != tt.wantErr || err != nil && !errors.Is(err, prune.ErrSweepOptions) {
				t.Errorf("PlanSweep() error = %v, want error %v wrapping ErrSweepOptions", err, tt.wantErr)
			}
		})
	}
	if _, err := prune.ExecuteSweep(context.Background(), nil, nil, prune.ExecuteOptions{}); err == nil {
		t.Error("ExecuteSweep without a sweep succeeded")
	}
}

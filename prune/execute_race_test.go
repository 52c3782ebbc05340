package prune_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// raceFixture is a snapshot whose plan deletes the events of b and c,
// the images b, c, u and ch, and their own blobs, plus an image y that
// exists only after planning and shares u's layer.
func raceFixture() (f *fx, b, c, y *image.Image) {
	f = newFx()
	a := f.image("a", "la", "shared")
	b, c = f.image("b", "lb", "shared"), f.image("c", "lc")
	f.image("u", "lu")
	y = f.image("y", "lu", "ly")
	f.image("ch", "lch")
	f.snap.Images = slices.DeleteFunc(f.snap.Images, func(img *image.Image) bool { return img == y })
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, c}})
	f.stream("ns", "o", tag{name: "t", history: []*image.Image{f.image("x", "lx")}})
	return f, b, c, y
}

// TestExecuteConcurrentPush pushes while Execute runs, at every mutating
// call of the phases the re-checks cover (PRUNE.md §6.8): nothing any
// stream names may break, and the pushed image must survive. Without the
// re-checks the same pushes break images, which shows the test can fail.
func TestExecuteConcurrentPush(t *testing.T) {
	f, b, c, y := raceFixture()
	// nl is a list pushed after planning over ch, which the plan deletes.
	ch := f.snap.Images[slices.IndexFunc(f.snap.Images, func(img *image.Image) bool { return f.label(img.Name) == "ch" })]
	nl := f.list("nl", ch)
	f.snap.Images = f.snap.Images[:len(f.snap.Images)-1]
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	clean := newWorld(&f.snap)
	if _, err := prune.Execute(context.Background(), d, clean.listingTargets(), prune.ExecuteOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	before := func(kind string) int { return slices.Index(clean.kinds, kind) } // calls before the first of kind
	tests := []struct {
		name   string
		repo   string
		img    *image.Image
		window int          // pushes at calls 1..window must be safe
		also   *image.Image // must survive too
	}{
		{name: "a planned image tagged into a new stream", repo: "ns/late", img: b, window: before("blob")},
		{name: "a new image sharing a planned blob", repo: "ns/late", img: y, window: before("blob")},
		{name: "a planned image tagged again in the stream being pruned", repo: "ns/s", img: c, window: before("link")},
		{name: "a new list over a planned child", repo: "ns/late", img: nl, window: before("blob"), also: ch},
	}
	brokenWithout := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.window < 1 {
				t.Fatalf("window = %d; the clean run made calls %v", tt.window, clean.kinds)
			}
			for k := 1; k <= tt.window; k++ {
				for _, noRecheck := range []bool{false, true} {
					w := newWorld(&f.snap)
					w.onCall = func(call int) {
						if call == k {
							w.push(tt.repo, "pushed", tt.img, now)
						}
					}
					_, err := prune.Execute(context.Background(), d, w.listingTargets(), prune.ExecuteOptions{Workers: 1, NoRecheck: noRecheck})
					if err != nil {
						t.Fatalf("push at call %d, NoRecheck %v: Execute: %v", k, noRecheck, err)
					}
					berr := w.broken()
					if noRecheck {
						if berr != nil {
							brokenWithout++
						}
						continue
					}
					if berr != nil {
						t.Errorf("push at call %d: %v", k, berr)
					}
					if w.images[tt.img.Name] == nil {
						t.Errorf("push at call %d: pushed image %s deleted", k, f.label(tt.img.Name))
					}
					if tt.also != nil {
						if w.images[tt.also.Name] == nil {
							t.Errorf("push at call %d: image %s deleted", k, f.label(tt.also.Name))
						}
						for _, dgst := range blobsOf(tt.also) {
							if !w.blobs[dgst] {
								t.Errorf("push at call %d: blob %s of %s deleted", k, f.label(dgst), f.label(tt.also.Name))
							}
						}
					}
				}
			}
		})
	}
	if brokenWithout == 0 {
		t.Error("no push broke anything without the re-checks; the test cannot tell them apart")
	}
}

// TestExecuteNewImageWithoutLister: a push after planning names an image
// the plan does not know. Without a Lister, Execute cannot read what it
// uses: any blob of the plan may be one of its blobs, and, when it is a
// list, any image the plan deletes one of its children. All are kept.
func TestExecuteNewImageWithoutLister(t *testing.T) {
	tests := []struct {
		name string
		push func(f *fx, y *image.Image) *image.Image
	}{
		{"an image", func(_ *fx, y *image.Image) *image.Image { return y }},
		{"a list over an image the plan deletes", func(f *fx, _ *image.Image) *image.Image {
			ch := f.snap.Images[slices.IndexFunc(f.snap.Images, func(img *image.Image) bool { return f.label(img.Name) == "ch" })]
			nl := f.list("nl", ch)
			f.snap.Images = f.snap.Images[:len(f.snap.Images)-1] // stored after planning
			return nl
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _, y := raceFixture()
			pushed := tt.push(f, y)
			d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(&f.snap)
			w.push("ns/s", "pushed", pushed, now)
			rep, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.broken(); err != nil {
				t.Error(err)
			}
			if rep.Deleted.DeletedBlobs != 0 || len(rep.Withheld.Blobs) != len(d.Blobs) {
				t.Errorf("deleted %d blobs and withheld %d, want none deleted and all %d withheld", rep.Deleted.DeletedBlobs, len(rep.Withheld.Blobs), len(d.Blobs))
			}
			if want := d.Stats.DeletedImages; rep.Deleted.DeletedImages != 0 || len(rep.Withheld.Images) != want {
				t.Errorf("deleted %d images and withheld %d, want none deleted and all %d withheld", rep.Deleted.DeletedImages, len(rep.Withheld.Images), want)
			}
		})
	}
}

// TestExecuteDanglingImageAppears: the plan deletes an event whose image
// is missing (row 3 of PRUNE.md §1.3), and the image is stored after
// planning. With a Lister, Execute sees it and keeps the event, which is
// dangling no more; without one it cannot tell, and carries the plan out.
func TestExecuteDanglingImageAppears(t *testing.T) {
	for _, listing := range []bool{true, false} {
		t.Run(fmt.Sprintf("lister=%v", listing), func(t *testing.T) {
			f := newFx()
			gone := f.missing("gone")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a", "la"), gone}})
			d, err := prune.Plan(&f.snap, prune.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if ev := d.Streams[0].Tags[0].Events[1]; ev.Action != prune.Delete || ev.Reason != prune.ReasonDangling {
				t.Fatalf("the plan decides %s %s for the dangling event; the case tests nothing", ev.Action, ev.Reason)
			}
			w := newWorld(&f.snap)
			back := &image.Image{ObjectMeta: image.ObjectMeta{Name: gone.Name, CreationTimestamp: image.NewTime(now)}}
			w.images[back.Name], w.blobs[back.Name], w.links["ns/s@"+back.Name] = back, true, true
			targets := w.targets()
			if listing {
				targets = w.listingTargets()
			}
			rep, err := prune.Execute(context.Background(), d, targets, prune.ExecuteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			kept := len(w.streams["ns/s"].Status.Tags[0].Items) == 2
			if kept != listing {
				t.Errorf("the event of the image stored after planning kept: %v, want %v (report %+v)", kept, listing, rep.Streams)
			}
			if err := w.broken(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestExecuteGracePeriod keeps images created inside the grace period,
// with their blobs, whether their creation time comes from the plan or
// from a fresh listing (an image deleted and pushed again).
func TestExecuteGracePeriod(t *testing.T) {
	f, _, _, _ := raceFixture()
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	u := f.snap.Images[slices.IndexFunc(f.snap.Images, func(img *image.Image) bool { return f.label(img.Name) == "u" })]
	tests := []struct {
		name     string
		grace    time.Duration
		lister   bool
		recreate bool // u is deleted and pushed again after planning
		want     []string
	}{
		{name: "no grace period", want: nil},
		{name: "grace shorter than the age", grace: time.Hour, want: nil},
		{name: "grace longer than the age (plan's times)", grace: 72 * time.Hour, want: []string{"b", "c", "ch", "u"}},
		{name: "re-created image (listed)", grace: time.Hour, lister: true, recreate: true, want: []string{"u"}},
		{name: "re-created image unseen without a lister", grace: time.Hour, recreate: true, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(&f.snap)
			if tt.recreate {
				again := *u
				again.CreationTimestamp = image.NewTime(now.Add(30 * time.Minute))
				w.images[u.Name] = &again
			}
			tg := w.targets()
			if tt.lister {
				tg = w.listingTargets()
			}
			rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{GracePeriod: tt.grace, Now: func() time.Time { return now.Add(time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, name := range rep.Withheld.Images {
				got = append(got, f.label(name))
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("withheld images (-want +got):\n%s", diff)
			}
			for _, name := range rep.Withheld.Images {
				if w.images[name] == nil {
					t.Errorf("withheld image %s deleted", f.label(name))
				}
			}
			for _, dgst := range rep.Withheld.Blobs {
				if !w.blobs[dgst] {
					t.Errorf("withheld blob %s deleted", f.label(dgst))
				}
			}
		})
	}
}

// TestExecuteReferencedAfterPlanning gives Execute references that did
// not exist when the plan was made (PRUNE.md §6.8): what they name must
// survive, with everything it needs, as the plan's rules would have kept
// it. A digest in a repository that is no stream keeps an image only
// under KeepReferencedImages, as in the plan (§1.4).
func TestExecuteReferencedAfterPlanning(t *testing.T) {
	f, b, _, _ := raceFixture()
	byLabel := func(l string) *image.Image {
		return f.snap.Images[slices.IndexFunc(f.snap.Images, func(img *image.Image) bool { return f.label(img.Name) == l })]
	}
	u, x := byLabel("u"), byLabel("x")
	tests := []struct {
		name string
		keep int
		spec string
		// late makes the reference appear only after the first change.
		late           bool
		keepReferenced bool   // the plan's KeepReferencedImages
		wantEvent      string // "repo:tag" whose event of the image must stay
		wantImage      *image.Image
		wantGone       bool // wantImage goes all the same
	}{
		{name: "digest reference in the pruned repository keeps the event", keep: 1, spec: "r.io/ns/s@" + b.Name, wantEvent: "ns/s:t", wantImage: b},
		{name: "digest reference in another repository keeps the image", keep: 1, keepReferenced: true, spec: "r.io/other/app@" + u.Name, wantImage: u},
		{name: "digest reference in another repository does not keep the image without KeepReferencedImages", keep: 1, spec: "r.io/other/app@" + u.Name, wantImage: u, wantGone: true},
		{name: "digest reference in a repository oc ignores keeps the image", keep: 1, keepReferenced: true, spec: "quay.io/org/team/app@" + u.Name, wantImage: u},
		{name: "digest reference without a registry keeps the image", keep: 1, keepReferenced: true, spec: "app@" + u.Name, wantImage: u},
		{name: "digest reference in a repository oc ignores does not keep the image without KeepReferencedImages", keep: 1, spec: "app@" + u.Name, wantImage: u, wantGone: true},
		{name: "tag reference keeps the newest event", keep: 0, spec: "r.io/ns/o:t", wantEvent: "ns/o:t", wantImage: x},
		{name: "reference appearing after the stream updates keeps the image", keep: 1, keepReferenced: true, spec: "r.io/other/app@" + u.Name, late: true, wantImage: u},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(tt.keep), KeepReferencedImages: tt.keepReferenced})
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(d.Images, func(id prune.ImageDecision) bool { return id.Name == tt.wantImage.Name }); d.Images[i].Action != prune.Delete {
				t.Fatalf("the plan keeps %s already; the case tests nothing", f.label(tt.wantImage.Name))
			}
			w := newWorld(&f.snap)
			tg := w.targets()
			tg.References = prune.ReferenceFunc(func(context.Context) ([]prune.Reference, error) {
				w.mu.Lock()
				defer w.mu.Unlock()
				if tt.late && w.calls == 0 {
					return nil, nil
				}
				return []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "other", Name: "late"}, Spec: tt.spec, Created: now}}, nil
			})
			if _, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{Workers: 1}); err != nil {
				t.Fatalf("Execute: %v", err)
			}
			if err := w.broken(); err != nil {
				t.Error(err)
			}
			if tt.wantGone {
				if w.images[tt.wantImage.Name] != nil {
					t.Errorf("image %s kept", f.label(tt.wantImage.Name))
				}
				return
			}
			if w.images[tt.wantImage.Name] == nil {
				t.Errorf("image %s deleted", f.label(tt.wantImage.Name))
			}
			for _, dgst := range blobsOf(tt.wantImage) {
				if !w.blobs[dgst] {
					t.Errorf("blob %s of %s deleted", f.label(dgst), f.label(tt.wantImage.Name))
				}
			}
			if tt.wantEvent != "" {
				repo, tagName, _ := strings.Cut(tt.wantEvent, ":")
				found := false
				for _, tl := range w.streams[repo].Status.Tags {
					for _, ev := range tl.Items {
						found = found || tl.Tag == tagName && ev.Image == tt.wantImage.Name
					}
				}
				if !found {
					t.Errorf("event of %s in %s removed", f.label(tt.wantImage.Name), tt.wantEvent)
				}
			}
		})
	}
}

// TestExecuteKeptListTaggedAfterPlanning tags, after planning, a young
// list that the plan keeps untagged, over a child an OCCompatible plan
// deletes with it, as oc does (PRUNE.md §1.6). The list is now in use,
// so its children must stay with their blobs: the plan records them, and
// a Lister shows them too.
func TestExecuteKeptListTaggedAfterPlanning(t *testing.T) {
	for _, tc := range []struct {
		name    string
		repo    string // where the list is pushed
		listing bool   // whether Execute has a Lister
		nested  bool   // the list is the child of the list tagged
	}{
		{name: "with a Lister, into a new stream", repo: "ns/late", listing: true},
		// The plan records the children of the list it keeps.
		{name: "without a Lister, into a stream of the plan", repo: "ns/app"},
		// The plan records the children of the kept lists down to the
		// one whose child it deletes.
		{name: "a nested list, without a Lister", repo: "ns/app", nested: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFx()
			ch := f.image("ch", "lch")
			l := f.list("L", ch)
			l.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			if tc.nested {
				l = f.list("outer", l)
				l.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
			}
			f.stream("ns", "app", tag{name: "old", history: []*image.Image{f.image("o", "lo")}})
			d, err := prune.Plan(&f.snap, prune.Options{Now: now, OCCompatible: true})
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(d.Images, func(id prune.ImageDecision) bool { return id.Name == ch.Name }); d.Images[i].Action != prune.Delete {
				t.Fatal("the plan keeps the child already; the case tests nothing")
			}
			w := newWorld(&f.snap)
			w.push(tc.repo, "t", l, now)
			targets := w.targets()
			if tc.listing {
				targets = w.listingTargets()
			}
			rep, err := prune.Execute(context.Background(), d, targets, prune.ExecuteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.broken(); err != nil {
				t.Error(err)
			}
			if w.images[ch.Name] == nil {
				t.Error("the child of the list tagged after planning is gone")
			}
			if diff := cmp.Diff([]string{ch.Name}, rep.Withheld.Images); diff != "" {
				t.Errorf("withheld images (-want +got):\n%s", diff)
			}
		})
	}
}

package prune_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

func TestExecute(t *testing.T) {
	f := newFx()
	a, b, c := f.image("a", "shared", "la"), f.image("b", "shared", "lb"), f.image("c", "lc")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, f.missing("gone")}})
	f.stream("ns", "o", tag{name: "t", history: []*image.Image{c}})
	w := newWorld(&f.snap)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	phases := map[prune.Phase]int{}
	rep, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{Progress: func(p prune.Progress) {
		mu.Lock()
		defer mu.Unlock()
		phases[p.Phase]++
	}})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if diff := cmp.Diff(d.Stats, rep.Deleted); diff != "" {
		t.Errorf("deleted stats differ from the plan's (-plan +run):\n%s", diff)
	}
	const wantSummary = "Summary: deleted 1 image object(s), deleted 2 image stream tag item(s), updated 1 image stream(s), deleted 2 layer link(s), deleted 1 manifest link(s), deleted 3 blob(s)"
	if got := rep.Summary(); got != wantSummary {
		t.Errorf("Summary() = %q, want %q", got, wantSummary)
	}
	want := map[prune.Phase]int{prune.PhaseStreams: 1, prune.PhaseRecheck: 2, prune.PhaseLayerLinks: 2, prune.PhaseManifestLinks: 1, prune.PhaseBlobs: 3, prune.PhaseImages: 1}
	if diff := cmp.Diff(want, phases); diff != "" {
		t.Errorf("progress calls per phase (-want +got):\n%s", diff)
	}
	got := w.state()
	wantEvents := []string{"ns/o:t@" + c.Name + "/" + w.streams["ns/o"].Status.Tags[0].Items[0].Created.String(), "ns/s:t@" + a.Name + "/" + w.streams["ns/s"].Status.Tags[0].Items[0].Created.String()}
	if diff := cmp.Diff(wantEvents, got.Events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if _, ok := w.images[b.Name]; ok || len(got.Images) != 2 {
		t.Errorf("images = %v, want a and c", got.Images)
	}
	if err := w.inUseLost(map[string]*image.Image{a.Name: a, b.Name: b, c.Name: c}); err != nil {
		t.Error(err)
	}
	// Idempotent: a second run deletes nothing more and reports success.
	rep, err = prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{})
	if err != nil {
		t.Fatalf("second Execute: %v", err)
	}
	if diff := cmp.Diff(got, w.state()); diff != "" {
		t.Errorf("second run changed the world (-first +second):\n%s", diff)
	}
	if rep.Streams[0].Outcome != prune.StreamUnchanged {
		t.Errorf("second run stream outcome = %s, want unchanged", rep.Streams[0].Outcome)
	}
}

// TestExecuteFaults fails, then cancels, Execute at every mutating step
// of random plans; each interrupted run must lose nothing in use, and a
// second run with the same plan must reach the uninterrupted end state
// (PRUNE.md §6.7).
func TestExecuteFaults(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range uint64(seeds) {
		fc := newFaultCase(t, seed+1000)
		for k := 1; k <= fc.calls; k++ {
			for _, mode := range []string{"fail", "cancel"} {
				w, ctx, cancel := fc.world(mode, k)
				_, err := prune.Execute(ctx, fc.d, w.targets(), prune.ExecuteOptions{Workers: 2})
				cancel()
				if err := fc.checkStopped(w, mode, err); err != nil {
					t.Fatalf("seed %d %s at %d: %v", seed, mode, k, err)
				}
				w.failAt, w.cancelAt = 0, 0
				if _, err := prune.Execute(context.Background(), fc.d, w.targets(), prune.ExecuteOptions{Workers: 2}); err != nil {
					t.Fatalf("seed %d %s at %d: re-run: %v", seed, mode, k, err)
				}
				if diff := cmp.Diff(fc.want, w.state()); diff != "" {
					t.Fatalf("seed %d %s at %d: re-run end state (-clean +re-run):\n%s", seed, mode, k, diff)
				}
			}
		}
	}
}

// faultCase is a random case planned and run once cleanly, for the
// tests that stop a run at each of its calls in turn.
type faultCase struct {
	s       *prune.Snapshot
	d       *prune.Decisions
	initial map[string]*image.Image // the snapshot's images by name
	want    state                   // the clean run's end state
	calls   int                     // the clean run's mutating calls
}

func newFaultCase(t *testing.T, seed uint64) *faultCase {
	t.Helper()
	s, opts := randomCase(seed)
	opts.SkipRegistry = false
	fc := &faultCase{s: s, initial: map[string]*image.Image{}}
	for _, img := range s.Images {
		fc.initial[img.Name] = img
	}
	ref := newWorld(s)
	var err error
	if fc.d, err = prune.Plan(s, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := prune.Execute(context.Background(), fc.d, ref.targets(), prune.ExecuteOptions{Workers: 2}); err != nil {
		t.Fatalf("seed %d: clean run: %v", seed, err)
	}
	if err := ref.inUseLost(fc.initial); err != nil {
		t.Fatalf("seed %d: clean run lost data: %v", seed, err)
	}
	fc.want, fc.calls = ref.state(), ref.calls
	return fc
}

// world returns a fresh world of the case whose k-th mutating call fails
// (mode "fail") or cancels the returned context ("cancel").
func (fc *faultCase) world(mode string, k int) (*world, context.Context, context.CancelFunc) {
	w := newWorld(fc.s)
	ctx, cancel := context.WithCancel(context.Background())
	if mode == "fail" {
		w.failAt = k
	} else {
		w.cancelAt, w.cancel = k, cancel
	}
	return w, ctx, cancel
}

// checkStopped checks the error of a run stopped in mode, and that it
// lost nothing in use.
func (fc *faultCase) checkStopped(w *world, mode string, err error) error {
	switch {
	case err == nil:
		return errors.New("Execute succeeded")
	case mode == "fail" && !errors.Is(err, prune.ErrIncomplete) || mode == "cancel" && !errors.Is(err, context.Canceled):
		return fmt.Errorf("Execute error = %w", err)
	}
	return w.inUseLost(fc.initial)
}

// TestExecuteStreamDeleted: a stream of the plan is deleted before
// Execute runs. It names nothing any more, so the run completes, with
// or without a Lister, and the rest of the plan is carried out.
func TestExecuteStreamDeleted(t *testing.T) {
	for _, listing := range []bool{true, false} {
		t.Run(fmt.Sprintf("lister=%v", listing), func(t *testing.T) {
			f := newFx()
			a, b := f.image("a", "la"), f.image("b", "lb")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
			f.stream("ns", "other", tag{name: "t", history: []*image.Image{f.image("x", "lx")}})
			d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(&f.snap)
			delete(w.streams, "ns/other")
			targets := w.targets()
			if listing {
				targets = w.listingTargets()
			}
			for run := 1; run <= 2; run++ {
				rep, err := prune.Execute(context.Background(), d, targets, prune.ExecuteOptions{})
				if err != nil {
					t.Fatalf("run %d: %v; failures %+v", run, err, rep.Failures)
				}
			}
			if w.images[b.Name] != nil {
				t.Errorf("image b, which the plan deletes, is still there")
			}
			if err := w.broken(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestExecuteStreamChanged pushes after planning: an image the plan
// deletes is tagged again, in a stream the plan updates and in one it does
// not. Execute must keep both images, their blobs and the changed
// stream's links (PRUNE.md §6.8).
func TestExecuteStreamChanged(t *testing.T) {
	f := newFx()
	a, b, c, x := f.image("a", "la"), f.image("b", "lb"), f.image("c", "lc"), f.image("x", "lx")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	f.stream("ns", "quiet", tag{name: "t", history: []*image.Image{x}})
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(&f.snap) // after Plan: the world's versions differ from the plan's
	push := func(key, tagName string, img *image.Image) {
		is := w.streams[key]
		ev := image.TagEvent{Created: image.NewTime(now), Image: img.Name}
		is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{Tag: tagName, Items: []image.TagEvent{ev}})
		w.rv++
		is.ResourceVersion = fmt.Sprint(w.rv)
		for _, bl := range blobsOf(img) {
			w.links[key+"@"+bl] = true
		}
	}
	push("ns/s", "again", b)
	push("ns/quiet", "new", c)
	rep, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if got := rep.Streams[0]; got.Outcome != prune.StreamRebased || got.Deleted != 1 || got.NewEvents != 1 {
		t.Errorf("stream result = %+v, want rebased, 1 deleted, 1 new event", got)
	}
	wantHeld := prune.Withheld{Images: sorted(b.Name, c.Name), Blobs: sorted(b.Name, b.DockerImageMetadata.ID, dg("lb"), c.Name, c.DockerImageMetadata.ID, dg("lc")), LayerLinks: 2, ManifestLinks: 1}
	if diff := cmp.Diff(wantHeld, rep.Withheld); diff != "" {
		t.Errorf("withheld (-want +got):\n%s", diff)
	}
	if err := w.inUseLost(map[string]*image.Image{a.Name: a, b.Name: b, c.Name: c, x.Name: x}); err != nil {
		t.Error(err)
	}
}

func TestExecuteConflictRetry(t *testing.T) {
	f := newFx()
	a, b := f.image("a"), f.image("b")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	w := newWorld(&f.snap)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	racer := &racingStreams{world: w, races: 2}
	tg := w.targets()
	tg.Streams = racer
	rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if got := rep.Streams[0]; got.Outcome != prune.StreamRebased || got.Deleted != 1 {
		t.Errorf("stream result = %+v, want rebased with 1 deleted after %d conflicts", got, 2)
	}
	racer.races = 100
	w2 := newWorld(&f.snap)
	racer.world = w2
	rep, err = prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{ConflictRetries: 3})
	if !errors.Is(err, prune.ErrIncomplete) || rep.Streams[0].Outcome != prune.StreamFailed || rep.Deleted.DeletedImages != 0 {
		t.Errorf("endless conflicts: err = %v, result = %+v, deleted = %+v; want a failed stream and no deletion", err, rep.Streams[0], rep.Deleted)
	}
}

// racingStreams bumps a stream's version between Execute's read and its
// update, races times.
type racingStreams struct {
	*world
	races int
}

func (r *racingStreams) GetImageStream(ctx context.Context, ns, name string) (*image.ImageStream, error) {
	is, err := r.world.GetImageStream(ctx, ns, name)
	if err == nil && r.races > 0 {
		r.races--
		r.world.mu.Lock()
		r.world.rv++
		r.world.streams[ns+"/"+name].ResourceVersion = fmt.Sprint(r.world.rv)
		r.world.mu.Unlock()
	}
	return is, err
}

// TestExecuteAdapters runs a plan through the function adapters.
func TestExecuteAdapters(t *testing.T) {
	f := newFx()
	a, b := f.image("a"), f.image("b")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	w := newWorld(&f.snap)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	tg := prune.Targets{
		Streams: prune.StreamFuncs{Get: w.GetImageStream, UpdateStatus: w.UpdateImageStreamStatus},
		Images: prune.ImageDeleterFunc(func(ctx context.Context, name string) error {
			deleted = append(deleted, name)
			return w.DeleteImage(ctx, name)
		}),
		Registry: w,
	}
	if _, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{b.Name}, deleted); diff != "" {
		t.Errorf("deleted images (-want +got):\n%s", diff)
	}
}

func TestExecuteNeedsTargets(t *testing.T) {
	f := newFx()
	f.image("a")
	d, err := prune.Plan(&f.snap, prune.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prune.Execute(context.Background(), d, prune.Targets{}, prune.ExecuteOptions{}); err == nil {
		t.Error("Execute without targets succeeded")
	}
	if _, err := prune.Execute(context.Background(), nil, prune.Targets{}, prune.ExecuteOptions{}); err == nil {
		t.Error("Execute without a plan succeeded")
	}
	// A plan that updates no stream still re-checks through Streams
	// without a Lister, and the error says so.
	empty, err := prune.Plan(&prune.Snapshot{}, prune.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prune.Execute(context.Background(), empty, prune.Targets{}, prune.ExecuteOptions{}); err == nil || !strings.Contains(err.Error(), "re-check") {
		t.Errorf("Execute of a plan updating no stream, without Streams: %v, want an error naming the re-check", err)
	}
	if _, err := prune.Execute(context.Background(), empty, prune.Targets{}, prune.ExecuteOptions{NoRecheck: true}); err != nil {
		t.Errorf("Execute of an empty plan with NoRecheck: %v", err)
	}
}

func sorted(s ...string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestExecuteUnchangedWhenKept: a stream whose planned events a
// workload references now keeps them, and its outcome is unchanged,
// with the events counted as kept.
func TestExecuteUnchangedWhenKept(t *testing.T) {
	f := newFx()
	a, b := f.image("a", "l1"), f.image("b", "l2")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil || d.Streams[0].Deleted != 1 {
		t.Fatalf("Plan: %v, streams %+v; want one event deleted", err, d.Streams)
	}
	w := newWorld(&f.snap)
	tg := w.targets()
	tg.References = prune.ReferenceFunc(func(context.Context) ([]prune.Reference, error) {
		return []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, Spec: "r.io/ns/s@" + b.Name, Created: now}}, nil
	})
	rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []prune.StreamResult{{Namespace: "ns", Name: "s", Outcome: prune.StreamUnchanged, Kept: 1}}
	if diff := cmp.Diff(want, rep.Streams); diff != "" {
		t.Errorf("streams (-want +got):\n%s", diff)
	}
	if n := len(w.streams["ns/s"].Status.Tags[0].Items); n != 2 {
		t.Errorf("%d events left, want both", n)
	}
}

// nilLister lists the world with a nil stream and a nil image added.
type nilLister struct{ *world }

func (l nilLister) ListImageStreams(ctx context.Context) ([]*image.ImageStream, error) {
	s, err := l.world.ListImageStreams(ctx)
	return append(s, nil), err
}

func (l nilLister) ListImages(ctx context.Context) ([]*image.Image, error) {
	s, err := l.world.ListImages(ctx)
	return append(s, nil), err
}

// nilStreams answers every read with neither a stream nor an error.
type nilStreams struct{ *world }

func (nilStreams) GetImageStream(context.Context, string, string) (*image.ImageStream, error) {
	return nil, nil
}

// TestExecuteNilFromTargets: nil entries of a Lister are skipped, as Plan
// skips them, and a stream read as nil without an error is a failure to
// read it, whose events and images stay: neither panics.
func TestExecuteNilFromTargets(t *testing.T) {
	plan := func() (*fx, *prune.Decisions) {
		f := newFx()
		a, b := f.image("a", "l1"), f.image("b", "l2")
		f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
		d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		return f, d
	}
	t.Run("nil entries of a Lister", func(t *testing.T) {
		f, d := plan()
		w := newWorld(&f.snap)
		tg := w.targets()
		tg.Lister = nilLister{w}
		rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deleted.DeletedImages != 1 {
			t.Errorf("deleted %d images, want 1: %+v", rep.Deleted.DeletedImages, rep)
		}
	})
	for _, listing := range []bool{false, true} {
		// Without a Lister the re-check reads the stream; with one, the
		// update does.
		t.Run(fmt.Sprintf("a nil stream without an error, Lister %t", listing), func(t *testing.T) {
			f, d := plan()
			w := newWorld(&f.snap)
			before := w.state()
			tg := w.targets()
			if listing {
				tg.Lister = w
			}
			tg.Streams = nilStreams{w}
			if _, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{}); !errors.Is(err, prune.ErrIncomplete) {
				t.Errorf("Execute: %v, want ErrIncomplete", err)
			}
			if diff := cmp.Diff(before, w.state()); diff != "" {
				t.Errorf("the world changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestExecuteConflictBackoff: a stream update that loses its
// compare-and-swap is retried as oc retries it, with
// retry.RetryOnConflict(retry.DefaultRetry, …): 5 attempts, 10 ms apart
// (jitter 0.1) (PRUNE.md §1.3 step 2), not in a tight loop that a
// controller writing the stream every few milliseconds outruns. A
// context that ends during the wait stops it.
func TestExecuteConflictBackoff(t *testing.T) {
	f := newFx()
	a, b := f.image("a"), f.image("b")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	racer := &timedStreams{racingStreams: racingStreams{world: newWorld(&f.snap), races: 4}}
	tg := racer.world.targets()
	tg.Streams = racer
	rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{NoRecheck: true})
	if err != nil || rep.Streams[0].Outcome != prune.StreamRebased {
		t.Fatalf("Execute = %v, stream %+v; want the fifth attempt to succeed", err, rep.Streams[0])
	}
	if len(racer.reads) != 5 {
		t.Fatalf("%d reads, want 5", len(racer.reads))
	}
	for i := 1; i < len(racer.reads); i++ {
		if gap := racer.reads[i].Sub(racer.reads[i-1]); gap < 10*time.Millisecond {
			t.Errorf("attempt %d came %v after the conflict, want at least 10ms", i+1, gap)
		}
	}

	racer.world, racer.races, racer.reads = newWorld(&f.snap), 1000, nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = prune.Execute(ctx, d, tg, prune.ExecuteOptions{NoRecheck: true, ConflictRetries: 1000})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("Execute = %v after %v, want the context's error promptly", err, time.Since(start))
	}
}

// timedStreams records when each stream read happens.
type timedStreams struct {
	racingStreams
	reads []time.Time
}

func (r *timedStreams) GetImageStream(ctx context.Context, ns, name string) (*image.ImageStream, error) {
	r.reads = append(r.reads, time.Now())
	return r.racingStreams.GetImageStream(ctx, ns, name)
}

// TestExecuteStreamLostEvents: another writer removes events after
// planning. An unused event the plan deletes that has moved up the
// history may now be within keep-tag-revisions, which oc applies to the
// fresh stream (row 4b of PRUNE.md §1.3): Execute keeps it back, with its
// image, and leaves the decision to the next plan. One that kept its
// revision still goes.
func TestExecuteStreamLostEvents(t *testing.T) {
	tests := []struct {
		name     string
		history  []string // at planning, newest first; keep 1 revision
		lose     []int    // indexes of the events another writer removes
		want     []string // the history after Execute
		wantGone []string // images deleted
	}{
		{"newest removed: the next is kept", []string{"a", "b"}, []int{0}, []string{"b"}, nil},
		{"newest removed: older ones moved up are kept", []string{"a", "b", "c"}, []int{0}, []string{"b", "c"}, nil},
		{"oldest removed: the rest keep their revisions", []string{"a", "b", "c"}, []int{2}, []string{"a"}, []string{"b", "c"}},
		{"nothing removed", []string{"a", "b", "c"}, nil, []string{"a"}, []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			imgs := map[string]*image.Image{}
			var history []*image.Image
			for _, n := range tt.history {
				imgs[n] = f.image(n, "l"+n)
				history = append(history, imgs[n])
			}
			f.stream("ns", "s", tag{name: "t", history: history})
			d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(&f.snap)
			if len(tt.lose) > 0 {
				is := w.streams["ns/s"]
				is.Status.Tags[0].Items = slices.Delete(slices.Clone(is.Status.Tags[0].Items), tt.lose[0], tt.lose[0]+1)
				w.rv++
				is.ResourceVersion = fmt.Sprint(w.rv)
			}
			if _, err := prune.Execute(context.Background(), d, w.listingTargets(), prune.ExecuteOptions{}); err != nil {
				t.Fatalf("Execute: %v", err)
			}
			var got []string
			for _, tl := range w.streams["ns/s"].Status.Tags {
				for _, ev := range tl.Items {
					got = append(got, f.label(ev.Image))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			var gone []string
			for _, n := range tt.history {
				if w.images[imgs[n].Name] == nil {
					gone = append(gone, n)
				}
			}
			if diff := cmp.Diff(tt.wantGone, gone); diff != "" {
				t.Errorf("images deleted (-want +got):\n%s", diff)
			}
		})
	}
}

// linkFailer fails every layer link deletion.
type linkFailer struct{ *world }

func (linkFailer) DeleteLayerLink(context.Context, string, string) error {
	return errors.New("injected link failure")
}

// TestExecuteLinkFailureKeepsBlobs: links go before their blobs (PRUNE.md
// §6.7), so a blob whose link failed to go is kept, and so is its image,
// for the next run to retry; the blob is reported withheld.
func TestExecuteLinkFailureKeepsBlobs(t *testing.T) {
	f := newFx()
	a, b := f.image("a", "la"), f.image("b", "lb")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b}})
	w := newWorld(&f.snap)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	tg := w.targets()
	tg.Registry = linkFailer{w}
	rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{})
	if !errors.Is(err, prune.ErrIncomplete) {
		t.Fatalf("Execute: %v, want ErrIncomplete", err)
	}
	for link := range w.links {
		if _, dgst := splitLink(link); !w.blobs[dgst] {
			t.Errorf("blob %s deleted although its link %s stays", f.label(dgst), link)
		}
	}
	if w.images[b.Name] == nil {
		t.Error("image b deleted although its layer links stay")
	}
	if want := sorted(b.DockerImageMetadata.ID, dg("lb")); !cmp.Equal(want, rep.Withheld.Blobs) {
		t.Errorf("withheld blobs = %v, want %v", rep.Withheld.Blobs, want)
	}
}

package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func watchTests() []test {
	return []test{
		{"WatchOrdering", testWatchOrdering},
		{"WatchPrefix", testWatchPrefix},
		{"WatchFromNow", testWatchFromNow},
		{"WatchResume", testWatchResume},
		{"WatchConcurrentWriters", testWatchConcurrentWriters},
		{"WatchContextCancel", testWatchContextCancel},
		{"CompactTooOld", testCompactTooOld},
	}
}

// ev builds an event from string values; "" means nil.
func ev(typ storage.EventType, key, value, prev string, rv int64) storage.Event {
	e := storage.Event{Type: typ, Key: key, ResourceVersion: rv}
	if value != "" {
		e.Value = []byte(value)
	}
	if prev != "" {
		e.PrevValue = []byte(prev)
	}
	return e
}

// wantEvents compares events, checking the resourceVersions of Deleted
// events (which the writer does not learn) only for order.
func wantEvents(t *testing.T, want, got []storage.Event) {
	t.Helper()
	for i := range got {
		if i > 0 && got[i].ResourceVersion <= got[i-1].ResourceVersion {
			t.Errorf("event %d has resourceVersion %d, not above the previous %d", i, got[i].ResourceVersion, got[i-1].ResourceVersion)
		}
	}
	got = append([]storage.Event(nil), got...)
	for i := range got {
		if i < len(want) && want[i].Type == storage.Deleted && want[i].ResourceVersion == 0 {
			got[i].ResourceVersion = 0
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// Every kind of write shows up once, in order, with its value, its
// previous value and the resourceVersion the write returned. The writes
// happen before the events are read, so the backend must buffer or replay
// them.
func testWatchOrdering(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	rv0 := mustCreate(t, s, "/w/seed", "seed")
	ch := startWatch(t, ctx, s, "/w/", rv0)

	a1 := mustCreate(t, s, "/w/a", "a1")
	b1 := mustCreate(t, s, "/w/b", "b1")
	a2 := mustUpdate(t, s, "/w/a", "a2", a1)
	mustDelete(t, s, "/w/b", b1)
	b2 := mustCreate(t, s, "/w/b", "b2")
	a3, err := storage.GuaranteedUpdate(ctx, s, "/w/a", false, func(storage.Object) ([]byte, error) { return []byte("a3"), nil })
	if err != nil {
		t.Fatal(err)
	}
	mustDelete(t, s, "/w/seed", 0)
	want := []storage.Event{
		ev(storage.Added, "/w/a", "a1", "", a1),
		ev(storage.Added, "/w/b", "b1", "", b1),
		ev(storage.Modified, "/w/a", "a2", "a1", a2),
		ev(storage.Deleted, "/w/b", "", "b1", 0),
		ev(storage.Added, "/w/b", "b2", "", b2),
		ev(storage.Modified, "/w/a", "a3", "a2", a3.ResourceVersion),
		ev(storage.Deleted, "/w/seed", "", "seed", 0),
	}
	got := nextN(t, ch, len(want))
	wantEvents(t, want, got)
	if got[3].ResourceVersion <= a2 || got[3].ResourceVersion >= b2 {
		t.Errorf("delete of /w/b has resourceVersion %d, want between %d and %d", got[3].ResourceVersion, a2, b2)
	}
}

// A watch sees only keys under its prefix (a plain string prefix).
func testWatchPrefix(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	ch := startWatch(t, ctx, s, "/wp/in/", 0)
	mustCreate(t, s, "/wp/out/x", "no")
	mustCreate(t, s, "/wp/inx", "no")
	mustCreate(t, s, "/wp/in", "no")
	rv := mustCreate(t, s, "/wp/in/a", "yes")
	wantEvents(t, []storage.Event{ev(storage.Added, "/wp/in/a", "yes", "", rv)}, []storage.Event{next(t, ch)})

	// A prefix without a trailing slash matches like strings.HasPrefix.
	ch = startWatch(t, ctx, s, "/wp/in", 0)
	rvX := mustCreate(t, s, "/wp/inside", "yes")
	mustCreate(t, s, "/wp/out/y", "no")
	rvY := mustCreate(t, s, "/wp/in/b", "yes")
	wantEvents(t, []storage.Event{
		ev(storage.Added, "/wp/inside", "yes", "", rvX),
		ev(storage.Added, "/wp/in/b", "yes", "", rvY),
	}, nextN(t, ch, 2))
}

// A watch from resourceVersion 0 starts at the moment Watch returns: it
// sees every later write and no earlier one.
func testWatchFromNow(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	rv1 := mustCreate(t, s, "/now/a", "a1")
	ch := startWatch(t, ctx, s, "/now/", 0)
	rv2 := mustUpdate(t, s, "/now/a", "a2", rv1)
	rv3 := mustCreate(t, s, "/now/b", "b1")
	wantEvents(t, []storage.Event{
		ev(storage.Modified, "/now/a", "a2", "a1", rv2),
		ev(storage.Added, "/now/b", "b1", "", rv3),
	}, nextN(t, ch, 2))
}

// A consumer that stops watching and resumes from the resourceVersion of
// the last event it saw gets every later event exactly once, while a
// writer keeps going.
func testWatchResume(t *testing.T, s storage.Interface) {
	const (
		key    = "/resume/k"
		writes = 200
	)
	ctx := t.Context()
	rv0 := mustCreate(t, s, key, "0")

	want := make([]storage.Event, writes)
	var wg sync.WaitGroup
	defer wg.Wait() // also when the reader fails: the writer logs to t
	wg.Go(func() {
		rv, prev := rv0, "0"
		for i := range writes {
			v := fmt.Sprint(i + 1)
			next, err := s.Update(ctx, key, []byte(v), rv)
			if err != nil {
				t.Errorf("Update %d: %v", i, err)
				return
			}
			want[i] = ev(storage.Modified, key, v, prev, next)
			rv, prev = next, v
		}
	})

	var got []storage.Event
	from := rv0
	for session := 0; len(got) < writes; session++ {
		wctx, cancel := context.WithCancel(ctx)
		ch := startWatch(t, wctx, s, "/resume/", from)
		// Sessions of varying length, so that cuts fall in varying places.
		evs := nextN(t, ch, min(1+session%7, writes-len(got)))
		cancel()
		drain(t, ch) // what arrives after the cut is seen again next session
		got = append(got, evs...)
		from = evs[len(evs)-1].ResourceVersion
	}
	wg.Wait()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resumed events (-want +got):\n%s", diff)
	}
}

// With several writers, one watch sees every write once, in increasing
// resourceVersion, and each event's PrevValue is the value of the
// previous event on the same key.
func testWatchConcurrentWriters(t *testing.T, s storage.Interface) {
	const (
		writers = 4
		writes  = 50
	)
	ctx := t.Context()
	var rv0 int64
	for w := range writers {
		rv0 = mustCreate(t, s, fmt.Sprintf("/cw/%d", w), "0")
	}
	ch := startWatch(t, ctx, s, "/cw/", rv0)
	written := make([][]int64, writers)
	race(writers, func(w int) {
		key := fmt.Sprintf("/cw/%d", w)
		for i := range writes {
			o, err := storage.GuaranteedUpdate(ctx, s, key, false, func(storage.Object) ([]byte, error) {
				return []byte(fmt.Sprint(i + 1)), nil
			})
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
				return
			}
			written[w] = append(written[w], o.ResourceVersion)
		}
	})
	got := nextN(t, ch, writers*writes)
	seen := make([][]int64, writers)
	last := map[string]string{}
	for i, e := range got {
		if i > 0 && e.ResourceVersion <= got[i-1].ResourceVersion {
			t.Fatalf("event %d has resourceVersion %d, not above the previous %d", i, e.ResourceVersion, got[i-1].ResourceVersion)
		}
		var w int
		if _, err := fmt.Sscanf(e.Key, "/cw/%d", &w); err != nil || w < 0 || w >= writers {
			t.Fatalf("event for unexpected key %q", e.Key)
		}
		prev := last[e.Key]
		if prev == "" {
			prev = "0"
		}
		if e.Type != storage.Modified || string(e.PrevValue) != prev {
			t.Errorf("event %d: %s %s with previous value %q, want MODIFIED with previous value %q", i, e.Type, e.Key, e.PrevValue, prev)
		}
		last[e.Key] = string(e.Value)
		seen[w] = append(seen[w], e.ResourceVersion)
	}
	if diff := cmp.Diff(written, seen); diff != "" {
		t.Errorf("resourceVersions per writer (-written +seen):\n%s", diff)
	}
}

// A watch's channel is closed when its context ends.
func testWatchContextCancel(t *testing.T, s storage.Interface) {
	ctx, cancel := context.WithCancel(t.Context())
	ch := startWatch(t, ctx, s, "/cancel/", 0)
	rv := mustCreate(t, s, "/cancel/a", "a")
	wantEvents(t, []storage.Event{ev(storage.Added, "/cancel/a", "a", "", rv)}, []storage.Event{next(t, ch)})
	cancel()
	for _, e := range drain(t, ch) {
		if e.Type == storage.Error && !errors.Is(e.Err, context.Canceled) {
			t.Errorf("Error event after cancel: %v", e.Err)
		}
	}

	// A watch started with a context that has already ended either fails
	// or returns a channel that gets closed.
	if ch, err := s.Watch(ctx, "/cancel/", 0); err != nil {
		wantErr(t, "Watch with a canceled context", err, context.Canceled)
	} else {
		drain(t, ch)
	}
}

// After compaction, watches from compacted revisions and continue tokens
// of compacted snapshots fail with ErrTooOld; current data, fresh lists
// and watches from the compaction point still work. Backends that do not
// implement storage.Compactor skip this test.
func testCompactTooOld(t *testing.T, s storage.Interface) {
	c, ok := s.(storage.Compactor)
	if !ok {
		t.Skip("backend does not implement storage.Compactor")
	}
	ctx := t.Context()
	var rvs []int64
	for _, k := range []string{"a", "b", "c", "d"} {
		rvs = append(rvs, mustCreate(t, s, "/compact/"+k, k+"1"))
	}
	page, err := s.List(ctx, "/compact/", storage.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.Continue == "" {
		t.Fatal("List with limit 2 of 4 items returned no continue token")
	}
	head := mustUpdate(t, s, "/compact/a", "a2", rvs[0])
	head = mustUpdate(t, s, "/compact/a", "a3", head)
	if err := c.Compact(ctx, head); err != nil {
		t.Fatalf("Compact(%d): %v", head, err)
	}

	ch, err := s.Watch(ctx, "/compact/", rvs[0])
	if err == nil {
		evs := drain(t, ch)
		if len(evs) != 1 || evs[0].Type != storage.Error {
			t.Errorf("Watch from compacted revision %d delivered %d events, want one Error event", rvs[0], len(evs))
		} else {
			err = evs[0].Err
		}
	}
	wantErr(t, fmt.Sprintf("Watch from compacted revision %d", rvs[0]), err, storage.ErrTooOld)

	_, err = s.List(ctx, "/compact/", storage.ListOptions{Limit: 2, Continue: page.Continue})
	wantErr(t, "List with the token of a compacted snapshot", err, storage.ErrTooOld)

	wantObject(t, s, obj("/compact/a", "a3", head))
	res, err := s.List(ctx, "/compact/", storage.ListOptions{})
	if err != nil {
		t.Fatalf("List after Compact: %v", err)
	}
	if diff := cmp.Diff([]string{"/compact/a", "/compact/b", "/compact/c", "/compact/d"}, keysOf(res.Items)); diff != "" {
		t.Errorf("List after Compact (-want +got):\n%s", diff)
	}

	if err := c.Compact(ctx, rvs[0]); err != nil {
		t.Errorf("Compact to an already compacted revision: %v, want nil", err)
	}
	ch = startWatch(t, ctx, s, "/compact/", head)
	rv := mustUpdate(t, s, "/compact/b", "b2", rvs[1])
	wantEvents(t, []storage.Event{ev(storage.Modified, "/compact/b", "b2", "b1", rv)}, []storage.Event{next(t, ch)})
}

// Close ends the store's watches early, so each gets one Error event, which
// wraps storage.ErrClosed, and then its channel is closed: a consumer can
// tell the end of the store from the end of its own context.
func testCloseEndsWatches(t *testing.T, s storage.Interface) {
	ch := startWatch(t, t.Context(), s, "/close/", 0)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	evs := drain(t, ch)
	if len(evs) != 1 || evs[0].Type != storage.Error || !errors.Is(evs[0].Err, storage.ErrClosed) {
		t.Errorf("watch ended by Close delivered %+v, want one Error event wrapping storage.ErrClosed", evs)
	}
}

package storagetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/imagestreams/imagestreams/storage"
)

// liveness bounds how long a broken backend can hang the suite waiting for
// an event or a closed channel. It is not a performance requirement: a
// correct backend answers in milliseconds, and the bound only turns a hang
// into a failure that says what was awaited.
const liveness = 30 * time.Second

// cmpEmpty makes cmp treat nil and empty slices alike: a list with no
// items may return either.
var cmpEmpty = cmpopts.EquateEmpty()

// test is one behaviour of the suite.
type test struct {
	name string
	run  func(t *testing.T, s storage.Interface)
}

// Run runs the conformance suite against the stores newStore returns, one
// subtest per behaviour. See the package documentation for what it checks
// and what it requires of newStore.
func Run(t *testing.T, newStore func(t *testing.T) storage.Interface) {
	t.Helper()
	var tests []test
	for _, group := range [][]test{crudTests(), raceTests(), updateTests(), listTests(), watchTests(), limitTests()} {
		tests = append(tests, group...)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.run(t, s)
		})
	}
	// Close is tested apart: the test closes the store itself.
	t.Run("CloseEndsWatches", func(t *testing.T) { testCloseEndsWatches(t, newStore(t)) })
}

// obj builds an Object from a string value.
func obj(key, value string, rv int64) storage.Object {
	return storage.Object{Key: key, Value: []byte(value), ResourceVersion: rv}
}

func mustCreate(t *testing.T, s storage.Interface, key, value string) int64 {
	t.Helper()
	rv, err := s.Create(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	if rv <= 0 {
		t.Fatalf("Create(%q) returned resourceVersion %d, want > 0", key, rv)
	}
	return rv
}

func mustUpdate(t *testing.T, s storage.Interface, key, value string, rv int64) int64 {
	t.Helper()
	next, err := s.Update(t.Context(), key, []byte(value), rv)
	if err != nil {
		t.Fatalf("Update(%q, rv %d): %v", key, rv, err)
	}
	if next <= rv {
		t.Fatalf("Update(%q, rv %d) returned resourceVersion %d, want more", key, rv, next)
	}
	return next
}

func mustDelete(t *testing.T, s storage.Interface, key string, rv int64) storage.Object {
	t.Helper()
	o, err := s.Delete(t.Context(), key, rv)
	if err != nil {
		t.Fatalf("Delete(%q, rv %d): %v", key, rv, err)
	}
	return o
}

// wantObject fails unless key currently holds want.
func wantObject(t *testing.T, s storage.Interface, want storage.Object) {
	t.Helper()
	got, err := s.Get(t.Context(), want.Key)
	if err != nil {
		t.Fatalf("Get(%q): %v", want.Key, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get(%q) (-want +got):\n%s", want.Key, diff)
	}
}

// wantMissing fails unless Get(key) reports ErrNotFound.
func wantMissing(t *testing.T, s storage.Interface, key string) {
	t.Helper()
	if got, err := s.Get(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get(%q) = %+v, %v; want ErrNotFound", key, got, err)
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want one wrapping %q", what, err, target)
	}
}

// wantKeyError fails unless err is a *storage.KeyError for key, wrapping
// target, whose Op is one of ops: it names the operation that failed, as
// storage.KeyError documents, not the check inside it ("validate").
func wantKeyError(t *testing.T, what string, err, target error, key string, ops ...string) {
	t.Helper()
	wantErr(t, what, err, target)
	ke, ok := errors.AsType[*storage.KeyError](err)
	if !ok {
		t.Errorf("%s: error %v is not a *storage.KeyError", what, err)
		return
	}
	if !slices.Contains(ops, ke.Op) || ke.Key != key {
		t.Errorf("%s: KeyError has Op %q and Key %.40q, want Op in %q and Key %.40q", what, ke.Op, ke.Key, ops, key)
	}
}

// wantConflict fails unless err is a *storage.ConflictError carrying
// current.
func wantConflict(t *testing.T, what string, err error, expected int64, current storage.Object) {
	t.Helper()
	wantErr(t, what, err, storage.ErrConflict)
	ce, ok := errors.AsType[*storage.ConflictError](err)
	if !ok {
		t.Errorf("%s: error %v is not a *storage.ConflictError", what, err)
		return
	}
	if ce.Expected != expected {
		t.Errorf("%s: ConflictError.Expected = %d, want %d", what, ce.Expected, expected)
	}
	if diff := cmp.Diff(current, ce.Current); diff != "" {
		t.Errorf("%s: ConflictError.Current (-want +got):\n%s", what, diff)
	}
}

// startWatch opens a watch or fails the test.
func startWatch(t *testing.T, ctx context.Context, s storage.Interface, prefix string, rv int64) <-chan storage.Event {
	t.Helper()
	ch, err := s.Watch(ctx, prefix, rv)
	if err != nil {
		t.Fatalf("Watch(%q, %d): %v", prefix, rv, err)
	}
	return ch
}

// next receives one ordinary event, failing on an Error event, a closed
// channel or a hang.
func next(t *testing.T, ch <-chan storage.Event) storage.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed, want an event")
		}
		if ev.Type == storage.Error {
			t.Fatalf("Error event: %v", ev.Err)
		}
		return ev
	case <-time.After(liveness):
		t.Fatalf("no watch event within %v", liveness)
	}
	return storage.Event{}
}

// nextN receives n ordinary events.
func nextN(t *testing.T, ch <-chan storage.Event, n int) []storage.Event {
	t.Helper()
	evs := make([]storage.Event, 0, n)
	for range n {
		evs = append(evs, next(t, ch))
	}
	return evs
}

// drain reads ch until it is closed and returns what it carried.
func drain(t *testing.T, ch <-chan storage.Event) []storage.Event {
	t.Helper()
	return Drain(t, ch)
}

// Drain reads a watch channel until the backend closes it and returns the
// events it carried, for tests of a backend's own watch behaviour beyond
// the suite. It fails tb if the channel stays open for 30 seconds: a
// bound on a broken backend hanging the test, not a statement on speed.
func Drain(tb testing.TB, ch <-chan storage.Event) []storage.Event {
	tb.Helper()
	var evs []storage.Event
	timeout := time.After(liveness)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return evs
			}
			evs = append(evs, ev)
		case <-timeout:
			tb.Fatalf("watch channel not closed within %v (got %d events)", liveness, len(evs))
		}
	}
}

// race runs fn on n goroutines released together, to make them collide.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

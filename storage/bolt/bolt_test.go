package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bbolt "go.etcd.io/bbolt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/bolt"
)

func mustOpen(t *testing.T, path string, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// recv reads n ordinary events from ch.
func recv(t *testing.T, ch <-chan storage.Event, n int) []storage.Event {
	t.Helper()
	var evs []storage.Event
	for range n {
		select {
		case ev, ok := <-ch:
			if !ok || ev.Type == storage.Error {
				t.Fatalf("watch ended early: %+v", ev)
			}
			evs = append(evs, ev)
		case <-time.After(30 * time.Second):
			t.Fatalf("no event after %d of %d", len(evs), n)
		}
	}
	return evs
}

// TestReopen writes, closes, reopens and reads back: objects, their
// resourceVersions, the revision counter, a list chain started before the
// restart, and a watch resumed from a revision seen before it.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "store.db")
	s := mustOpen(t, path, bolt.Options{})

	rvA, err := s.Create(ctx, "/images/a", []byte("a1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "/images/b", []byte("b1")); err != nil {
		t.Fatal(err)
	}
	rvC, err := s.Create(ctx, "/images/c", []byte("c1"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.List(ctx, "/images/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	rvA2, err := s.Update(ctx, "/images/a", []byte("a2"), rvA)
	if err != nil {
		t.Fatal(err)
	}
	delB, err := s.Delete(ctx, "/images/b", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, path, bolt.Options{})
	defer s.Close()

	got, err := s.List(ctx, "/images/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.Object{
		{Key: "/images/a", Value: []byte("a2"), ResourceVersion: rvA2},
		{Key: "/images/c", Value: []byte("c1"), ResourceVersion: rvC},
	}
	if diff := cmp.Diff(want, got.Items); diff != "" {
		t.Errorf("List after reopen (-want +got):\n%s", diff)
	}

	// The revision counter continues.
	rvD, err := s.Create(ctx, "/images/d", []byte("d1"))
	if err != nil {
		t.Fatal(err)
	}
	if rvD <= got.ResourceVersion {
		t.Errorf("Create after reopen got revision %d, not above %d", rvD, got.ResourceVersion)
	}

	// The chain started before the restart continues on its snapshot.
	rest, err := s.List(ctx, "/images/", storage.ListOptions{Continue: page.Continue})
	if err != nil {
		t.Fatal(err)
	}
	wantRest := []storage.Object{
		{Key: "/images/b", Value: []byte("b1"), ResourceVersion: delB.ResourceVersion},
		{Key: "/images/c", Value: []byte("c1"), ResourceVersion: rvC},
	}
	if diff := cmp.Diff(wantRest, rest.Items); diff != "" {
		t.Errorf("continued list after reopen (-want +got):\n%s", diff)
	}

	// A watch from before the restart replays what happened since.
	ch, err := s.Watch(ctx, "/images/", page.ResourceVersion)
	if err != nil {
		t.Fatal(err)
	}
	wantEvents := []storage.Event{
		{Type: storage.Modified, Key: "/images/a", Value: []byte("a2"), PrevValue: []byte("a1"), ResourceVersion: rvA2},
		{Type: storage.Deleted, Key: "/images/b", PrevValue: []byte("b1"), ResourceVersion: rvA2 + 1},
		{Type: storage.Added, Key: "/images/d", Value: []byte("d1"), ResourceVersion: rvD},
	}
	if diff := cmp.Diff(wantEvents, recv(t, ch, len(wantEvents))); diff != "" {
		t.Errorf("watch across reopen (-want +got):\n%s", diff)
	}
}

func TestHistoryBound(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "store.db")
	s := mustOpen(t, path, bolt.Options{History: 3, NoSync: true})
	var rvs []int64
	for i := range 5 {
		rv, err := s.Create(ctx, fmt.Sprintf("/k/%d", i), []byte("v"))
		if err != nil {
			t.Fatal(err)
		}
		rvs = append(rvs, rv)
	}
	last := rvs[len(rvs)-1]
	tests := []struct {
		name    string
		from    int64
		tooOld  bool
		history int
	}{
		{name: "oldest kept", from: last - 3, history: 3},
		{name: "one before the oldest kept", from: last - 4, tooOld: true, history: 3},
		{name: "current", from: last, history: 3},
		// Reopening with a smaller history trims at once.
		{name: "trimmed on reopen", from: last - 2, tooOld: true, history: 1},
		{name: "kept after trim", from: last - 1, history: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = mustOpen(t, path, bolt.Options{History: tt.history, NoSync: true})
			wctx, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err := s.Watch(wctx, "/", tt.from)
			if got := errors.Is(err, storage.ErrTooOld); got != tt.tooOld {
				t.Errorf("Watch(%d) = %v; too old: %v, want %v", tt.from, err, got, tt.tooOld)
			}
		})
	}
	s.Close()
}

// TestSnapshotRebuild checks a continued list against every kind of
// change after its snapshot: update, delete, delete and re-create, create
// of a new key before and after the cursor, and keys outside the prefix.
func TestSnapshotRebuild(t *testing.T) {
	ctx := t.Context()
	s := open(t, bolt.Options{NoSync: true})
	rvs := map[string]int64{}
	for _, k := range []string{"/p/a", "/p/c", "/p/e", "/p/g", "/q/x"} {
		rv, err := s.Create(ctx, k, []byte(k+"@0"))
		if err != nil {
			t.Fatal(err)
		}
		rvs[k] = rv
	}
	first, err := s.List(ctx, "/p/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Changes after the snapshot.
	steps := []func() error{
		func() error { _, err := s.Update(ctx, "/p/c", []byte("changed"), rvs["/p/c"]); return err },
		func() error { _, err := s.Delete(ctx, "/p/e", 0); return err },
		func() error { _, err := s.Delete(ctx, "/p/g", 0); return err },
		func() error { _, err := s.Create(ctx, "/p/g", []byte("recreated")); return err },
		func() error { _, err := s.Create(ctx, "/p/b", []byte("new")); return err },
		func() error { _, err := s.Create(ctx, "/p/z", []byte("new")); return err },
		func() error { _, err := s.Delete(ctx, "/q/x", 0); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	var got []storage.Object
	token := first.Continue
	for token != "" {
		page, err := s.List(ctx, "/p/", storage.ListOptions{Limit: 2, Continue: token})
		if err != nil {
			t.Fatal(err)
		}
		if page.ResourceVersion != first.ResourceVersion {
			t.Errorf("page at revision %d, want the chain's %d", page.ResourceVersion, first.ResourceVersion)
		}
		got = append(got, page.Items...)
		token = page.Continue
	}
	var want []storage.Object
	for _, k := range []string{"/p/c", "/p/e", "/p/g"} {
		want = append(want, storage.Object{Key: k, Value: []byte(k + "@0"), ResourceVersion: rvs[k]})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages after the first (-want +got):\n%s", diff)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := mustOpen(t, path, bolt.Options{})
	defer s.Close()
	if s2, err := bolt.Open(path, bolt.Options{Timeout: 50 * time.Millisecond}); err == nil {
		s2.Close()
		t.Fatal("second Open of a locked file succeeded")
	}
}

func TestOpenForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("format"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := bolt.Open(path, bolt.Options{}); err == nil {
		s.Close()
		t.Fatal("Open of a file with another format version succeeded")
	}
}

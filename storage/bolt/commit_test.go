package bolt

// Tests of the committer that need the package's internals: a write whose
// decide function blocks stands in for a slow commit (a large transaction,
// a slow fsync), and batches are built by hand.

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bbolt "go.etcd.io/bbolt"

	"github.com/imagestreams/imagestreams/storage"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// holdCommitter keeps the committer inside a transaction until the
// returned function is called, which waits for that transaction to end.
func holdCommitter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	entered, unblock, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := s.write(context.Background(), "/held", func(current) (change, error) {
			close(entered)
			<-unblock
			return change{value: []byte("held")}, nil
		})
		done <- err
	}()
	<-entered
	return func() {
		close(unblock)
		if err := <-done; err != nil {
			t.Errorf("the write holding the committer: %v", err)
		}
	}
}

// compactedRev reads the compacted revision from the file.
func compactedRev(t *testing.T, s *Store) int64 {
	t.Helper()
	var compacted int64
	if err := s.db.View(func(tx *bbolt.Tx) (err error) {
		_, compacted, err = revisions(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return compacted
}

// Every write, and Compact, waiting for a commit in progress returns when
// its context ends, and does not happen later.
func TestWritesHonourContextWhileCommitBusy(t *testing.T) {
	tests := []struct {
		name string
		call func(ctx context.Context, s *Store, rv int64) error
	}{
		{name: "Create", call: func(ctx context.Context, s *Store, _ int64) error {
			_, err := s.Create(ctx, "/busy/b", []byte("new"))
			return err
		}},
		{name: "Update", call: func(ctx context.Context, s *Store, rv int64) error {
			_, err := s.Update(ctx, "/busy/a", []byte("new"), rv)
			return err
		}},
		{name: "Delete", call: func(ctx context.Context, s *Store, rv int64) error {
			_, err := s.Delete(ctx, "/busy/a", rv)
			return err
		}},
		{name: "GuaranteedUpdate", call: func(ctx context.Context, s *Store, _ int64) error {
			_, err := s.GuaranteedUpdate(ctx, "/busy/a", false, func(storage.Object) ([]byte, error) { return []byte("new"), nil })
			return err
		}},
		{name: "Compact", call: func(ctx context.Context, s *Store, rv int64) error { return s.Compact(ctx, rv) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			rv, err := s.Create(t.Context(), "/busy/a", []byte("old"))
			if err != nil {
				t.Fatal(err)
			}
			release := holdCommitter(t, s)

			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- tt.call(ctx, s, rv) }()
			// The bound only turns a hang into a failure; a correct
			// store returns when the 100ms deadline passes.
			select {
			case err = <-errc:
				release()
			case <-time.After(10 * time.Second):
				release()
				err = <-errc
				t.Errorf("%s returned only after the commit in progress ended, err %v", tt.name, err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: err = %v, want context.DeadlineExceeded", tt.name, err)
			}

			got, err := s.Get(t.Context(), "/busy/a")
			if err != nil {
				t.Fatal(err)
			}
			want := storage.Object{Key: "/busy/a", Value: []byte("old"), ResourceVersion: rv}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("after the %s that timed out (-want +got):\n%s", tt.name, diff)
			}
			if _, err := s.Get(t.Context(), "/busy/b"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("after the Create that timed out, Get: %v, want ErrNotFound", err)
			}
			if c := compactedRev(t, s); c != initialRevision {
				t.Errorf("after the Compact that timed out, compacted revision %d, want %d", c, initialRevision)
			}
		})
	}
}

// A request the committer has taken, whose context ends before its turn
// in the transaction, fails with the context's error and changes nothing;
// the others in its batch go ahead.
func TestCommitSkipsRequestsWhoseContextEnded(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	rv, err := s.Create(ctx, "/k/a", []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(ctx)
	cancel()
	put := func(v string) decideFunc {
		return func(current) (change, error) { return change{value: []byte(v)}, nil }
	}
	batch := []*request{
		{ctx: ctx, key: "/k/b", decide: put("b")},
		{ctx: ended, key: "/k/c", decide: put("c")},
		{ctx: ended, compact: rv},
		{ctx: ctx, key: "/k/d", decide: put("d")},
	}
	s.commit(batch)

	type outcome struct {
		Rev int64
		Err string
	}
	var got []outcome
	for _, r := range batch {
		o := outcome{Rev: r.rev}
		if r.err != nil {
			o.Err = r.err.Error()
		}
		got = append(got, o)
	}
	canceled := context.Canceled.Error()
	want := []outcome{{Rev: rv + 1}, {Err: canceled}, {Err: canceled}, {Rev: rv + 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	res, err := s.List(ctx, "/k/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantItems := []storage.Object{
		{Key: "/k/a", Value: []byte("a"), ResourceVersion: rv},
		{Key: "/k/b", Value: []byte("b"), ResourceVersion: rv + 1},
		{Key: "/k/d", Value: []byte("d"), ResourceVersion: rv + 2},
	}
	if diff := cmp.Diff(wantItems, res.Items); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	if c := compactedRev(t, s); c != initialRevision {
		t.Errorf("compacted revision %d, want %d", c, initialRevision)
	}
}

// Once the committer has run a write, its caller gets the outcome even if
// its context ends before the commit does: answering with the context's
// error would report as failed a write that happened.
func TestWriteTakenReportsItsOutcome(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rev, err := s.write(ctx, "/k/a", func(current) (change, error) {
		cancel() // the context ends inside the transaction
		return change{value: []byte("a")}, nil
	})
	if err != nil || rev <= initialRevision {
		t.Fatalf("write whose context ended during its commit = %d, %v; want its revision", rev, err)
	}
	got, err := s.Get(t.Context(), "/k/a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(storage.Object{Key: "/k/a", Value: []byte("a"), ResourceVersion: rev}, got); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
}

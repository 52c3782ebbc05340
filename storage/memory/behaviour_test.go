package memory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

func mustCreate(t *testing.T, s *memory.Store, key, value string) int64 {
	t.Helper()
	rv, err := s.Create(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func TestNewStoreStartsAtRevisionOne(t *testing.T) {
	s := memory.New()
	defer s.Close()
	res, err := s.List(t.Context(), "/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ResourceVersion != 1 {
		t.Errorf("empty store lists at resourceVersion %d, want 1", res.ResourceVersion)
	}
	if rv := mustCreate(t, s, "/a", "a"); rv != 2 {
		t.Errorf("first write has resourceVersion %d, want 2", rv)
	}
}

// The history bounds how far back a watch or a page chain can reach.
func TestHistoryBound(t *testing.T) {
	ctx := t.Context()
	s := memory.New(memory.WithHistory(5))
	defer s.Close()
	first := mustCreate(t, s, "/h/a", "a")
	mustCreate(t, s, "/h/b", "b")
	page, err := s.List(ctx, "/h/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		writes int  // more writes before the checks
		wantOK bool // whether the watch from first and the continued list work
	}{
		{name: "within the history", writes: 3, wantOK: true},
		{name: "beyond the history", writes: 5},
	}
	rv := first
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range tt.writes {
				var err error
				if rv, err = s.Update(ctx, "/h/a", []byte("x"), rv); err != nil {
					t.Fatal(err)
				}
			}
			_, werr := s.Watch(ctx, "/h/", first)
			res, lerr := s.List(ctx, "/h/", storage.ListOptions{Limit: 1, Continue: page.Continue})
			if tt.wantOK {
				if werr != nil || lerr != nil {
					t.Fatalf("Watch: %v; List: %v; want both to work", werr, lerr)
				}
				if diff := cmp.Diff([]string{"/h/b"}, []string{res.Items[0].Key}); diff != "" || res.ResourceVersion != page.ResourceVersion {
					t.Errorf("continued page at %d (-want +got):\n%s", res.ResourceVersion, diff)
				}
				return
			}
			if !errors.Is(werr, storage.ErrTooOld) || !errors.Is(lerr, storage.ErrTooOld) {
				t.Errorf("Watch: %v; List: %v; want both ErrTooOld", werr, lerr)
			}
		})
	}
}

// A page chain keeps its snapshot: keys deleted, added or changed after the
// first page do not show on later pages.
func TestListSnapshot(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	defer s.Close()
	rvs := map[string]int64{}
	for _, k := range []string{"/s/a", "/s/b", "/s/c", "/s/d"} {
		rvs[k] = mustCreate(t, s, k, "old")
	}
	page, err := s.List(ctx, "/s/", storage.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, "/s/c", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, "/s/d", []byte("new"), rvs["/s/d"]); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "/s/bb", "new")
	rest, err := s.List(ctx, "/s/", storage.ListOptions{Continue: page.Continue})
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.Object{
		{Key: "/s/c", Value: []byte("old"), ResourceVersion: rvs["/s/c"]},
		{Key: "/s/d", Value: []byte("old"), ResourceVersion: rvs["/s/d"]},
	}
	if diff := cmp.Diff(want, rest.Items); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
}

// A continue token this store did not issue (made by hand, or by another
// store) names a snapshot whose versions the store may have replaced in
// place: it fails with ErrTooOld rather than serve a page that misses
// objects. The current revision is always whole, and tokens the store
// issued keep working whatever was issued after them.
func TestListTokenNotIssued(t *testing.T) {
	cases := []struct {
		name string
		// build writes and lists; list then continues from the token it
		// returns.
		build   func(t *testing.T, s *memory.Store) string
		want    []storage.Object
		wantErr error
	}{{
		name: "snapshot never listed",
		build: func(t *testing.T, s *memory.Store) string {
			a := mustCreate(t, s, "/f/a", "v1")
			v2 := mustUpdate(t, s, "/f/a", "v2", a)
			mustUpdate(t, s, "/f/a", "v3", v2) // replaces v2 in place
			mustCreate(t, s, "/f/0", "z")
			return continuetoken.Encode(v2, "/f/", "/f/0")
		},
		wantErr: storage.ErrTooOld,
	}, {
		name: "snapshot older than a token issued later",
		build: func(t *testing.T, s *memory.Store) string {
			a := mustCreate(t, s, "/f/a", "v1")
			v2 := mustUpdate(t, s, "/f/a", "v2", a)
			mustUpdate(t, s, "/f/a", "v3", v2) // replaces v2 in place
			mustCreate(t, s, "/f/0", "z")
			mustCreate(t, s, "/f/b", "b")
			if page, err := s.List(t.Context(), "/f/", storage.ListOptions{Limit: 1}); err != nil || page.Continue == "" {
				t.Fatalf("List: %+v, %v; want a continue token", page, err)
			}
			return continuetoken.Encode(v2, "/f/", "/f/0")
		},
		wantErr: storage.ErrTooOld,
	}, {
		name: "current revision",
		build: func(t *testing.T, s *memory.Store) string {
			a := mustCreate(t, s, "/f/a", "v1")
			mustUpdate(t, s, "/f/a", "v2", a)
			now := mustCreate(t, s, "/f/0", "z")
			return continuetoken.Encode(now, "/f/", "/f/0")
		},
		want: []storage.Object{{Key: "/f/a", Value: []byte("v2"), ResourceVersion: 3}},
	}, {
		name: "issued token after later tokens and writes",
		build: func(t *testing.T, s *memory.Store) string {
			mustCreate(t, s, "/f/0", "z")
			mustCreate(t, s, "/f/a", "v1")
			first, err := s.List(t.Context(), "/f/", storage.ListOptions{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			mustUpdate(t, s, "/f/a", "v2", 3)
			if _, err := s.List(t.Context(), "/f/", storage.ListOptions{Limit: 1}); err != nil {
				t.Fatal(err)
			}
			mustUpdate(t, s, "/f/a", "v3", 4)
			return first.Continue
		},
		want: []storage.Object{{Key: "/f/a", Value: []byte("v1"), ResourceVersion: 3}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := memory.New()
			defer s.Close()
			tok := tc.build(t, s)
			got, err := s.List(t.Context(), "/f/", storage.ListOptions{Continue: tok})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("List = %+v, %v; want an error wrapping %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Items); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
		})
	}
}

func mustUpdate(t *testing.T, s *memory.Store, key, value string, rv int64) int64 {
	t.Helper()
	rv, err := s.Update(t.Context(), key, []byte(value), rv)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

// Writers never wait for a watcher that does not read; the watcher gets
// what it can, then ErrTooOld.
func TestSlowWatcher(t *testing.T) {
	ctx := t.Context()
	s := memory.New(memory.WithHistory(16))
	defer s.Close()
	rv := mustCreate(t, s, "/slow/a", "0")
	ch, err := s.Watch(ctx, "/slow/", rv)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		if rv, err = s.Update(ctx, "/slow/a", fmt.Append(nil, i+1), rv); err != nil {
			t.Fatal(err)
		}
	}
	evs := storagetest.Drain(t, ch)
	if len(evs) == 0 {
		t.Fatal("watch closed with no event, want an Error event")
	}
	last := evs[len(evs)-1]
	if last.Type != storage.Error || !errors.Is(last.Err, storage.ErrTooOld) {
		t.Fatalf("last event %s %v, want an Error event wrapping ErrTooOld", last.Type, last.Err)
	}
	for i, ev := range evs[:len(evs)-1] {
		if want := fmt.Sprint(i + 1); string(ev.Value) != want {
			t.Fatalf("event %d has value %q, want %q: events before the error must have no gap", i, ev.Value, want)
		}
	}
}

func TestClose(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	rv := mustCreate(t, s, "/c/a", "a")
	ch, err := s.Watch(ctx, "/c/", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	evs := storagetest.Drain(t, ch)
	if len(evs) != 1 || evs[0].Type != storage.Error || !errors.Is(evs[0].Err, storage.ErrClosed) {
		t.Errorf("watch got %v on Close, want one Error event wrapping ErrClosed", evs)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, "/c/a"); return err }},
		{"List", func() error { _, err := s.List(ctx, "/c/", storage.ListOptions{}); return err }},
		{"Create", func() error { _, err := s.Create(ctx, "/c/b", nil); return err }},
		{"Update", func() error { _, err := s.Update(ctx, "/c/a", nil, rv); return err }},
		{"Delete", func() error { _, err := s.Delete(ctx, "/c/a", 0); return err }},
		{"GuaranteedUpdate", func() error {
			_, err := s.GuaranteedUpdate(ctx, "/c/a", true, func(storage.Object) ([]byte, error) { return []byte("x"), nil })
			return err
		}},
		{"Watch", func() error { _, err := s.Watch(ctx, "/c/", 0); return err }},
		{"Compact", func() error { return s.Compact(ctx, rv) }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, storage.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", c.name, err)
		}
	}
}

func TestCompactBeyondHead(t *testing.T) {
	s := memory.New()
	defer s.Close()
	rv := mustCreate(t, s, "/a", "a")
	if err := s.Compact(t.Context(), rv+1); err == nil {
		t.Error("Compact beyond the current revision succeeded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Compact(ctx, rv); !errors.Is(err, context.Canceled) {
		t.Errorf("Compact with a canceled context: %v, want context.Canceled", err)
	}
}

// Errors name the operation and key, so logs say what failed.
func TestErrorMessages(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	defer s.Close()
	rv := mustCreate(t, s, "/m/a", "a")
	_, errGet := s.Get(ctx, "/m/b")
	_, errKey := s.Delete(ctx, "/m//b", 0)
	_, errCAS := s.Update(ctx, "/m/a", []byte("b"), rv+7)
	_, errToken := s.List(ctx, "/m/", storage.ListOptions{Continue: "AA"})
	got := []string{errGet.Error(), errKey.Error(), errCAS.Error(), errToken.Error()}
	want := []string{
		"get /m/b: not found",
		"delete /m//b: invalid key: empty segment",
		fmt.Sprintf("update /m/a: resource version conflict: expected resourceVersion %d, current %d", rv+7, rv),
		"list /m/: invalid continue token: unknown format",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

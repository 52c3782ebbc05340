package memory_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// liveness bounds how long a broken watch can hang a test; it says nothing
// about speed.
const liveness = 30 * time.Second

// strs returns the parts of a value given as strings.
func strs(ss ...string) [][]byte {
	parts := make([][]byte, len(ss))
	for i, s := range ss {
		parts[i] = []byte(s)
	}
	return parts
}

// next reads one event from ch.
func next(t *testing.T, ch <-chan storage.Event) storage.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch closed")
		}
		if ev.Type == storage.Error {
			t.Fatalf("Error event: %v", ev.Err)
		}
		return ev
	case <-time.After(liveness):
		t.Fatalf("no event after %v", liveness)
	}
	return storage.Event{}
}

// UpdateParts must behave as Update of the joined value in every outcome.
func TestUpdateParts(t *testing.T) {
	half := storage.MaxValueSize / 2
	tests := []struct {
		name    string
		key     string
		parts   [][]byte
		staleRV bool
		wantErr error
		want    []byte // the value stored at key afterwards; nil: not checked
	}{
		{name: "stores the concatenation", key: "/k/a", parts: strs("ab", "", "cd", "e"), want: []byte("abcde")},
		{name: "single part", key: "/k/a", parts: strs("one"), want: []byte("one")},
		{name: "nil list is stored as empty, not as a tombstone", key: "/k/a", parts: nil, want: []byte{}},
		{name: "empty list is stored as empty", key: "/k/a", parts: [][]byte{}, want: []byte{}},
		{name: "single nil part is stored as empty", key: "/k/a", parts: [][]byte{nil}, want: []byte{}},
		{name: "empty parts are stored as empty", key: "/k/a", parts: [][]byte{nil, {}, nil}, want: []byte{}},
		{name: "exactly the size limit", key: "/k/a", parts: [][]byte{make([]byte, half), make([]byte, storage.MaxValueSize-half)}, want: make([]byte, storage.MaxValueSize)},
		{name: "size limit applies to the total", key: "/k/a", parts: [][]byte{make([]byte, half), make([]byte, storage.MaxValueSize-half+1)}, wantErr: storage.ErrTooLarge, want: []byte("old")},
		{name: "single part too large", key: "/k/a", parts: [][]byte{make([]byte, storage.MaxValueSize+1)}, wantErr: storage.ErrTooLarge, want: []byte("old")},
		{name: "stale revision is a conflict", key: "/k/a", parts: strs("x", "y"), staleRV: true, wantErr: storage.ErrConflict, want: []byte("old")},
		{name: "missing key is not found", key: "/k/missing", parts: strs("x", "y"), wantErr: storage.ErrNotFound},
		{name: "invalid key", key: "no-slash", parts: strs("x", "y"), wantErr: storage.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memory.New()
			defer s.Close()
			rv := mustCreate(t, s, "/k/a", "old")
			if tt.staleRV {
				rv--
			}
			_, err := s.UpdateParts(t.Context(), tt.key, tt.parts, rv)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("UpdateParts error = %v, want %v", err, tt.wantErr)
			}
			if tt.want == nil {
				return
			}
			got, err := s.Get(t.Context(), tt.key)
			if err != nil {
				t.Fatal(err)
			}
			// bytes.Equal first: cmp walks a 1.5 MiB value slowly.
			if !bytes.Equal(tt.want, got.Value) {
				t.Errorf("stored value (-want +got):\n%s", cmp.Diff(tt.want, got.Value))
			}
			if got.Value == nil {
				t.Error("stored value is nil, which only a tombstone has")
			}
		})
	}
}

// The size error must read as storage.ValidateValue's for the same
// length, though the parts are never joined to be measured.
func TestUpdatePartsTooLargeMessage(t *testing.T) {
	s := memory.New()
	defer s.Close()
	rv := mustCreate(t, s, "/k/a", "old")
	value := make([]byte, storage.MaxValueSize+10)
	_, err := s.UpdateParts(t.Context(), "/k/a", [][]byte{value[:10], value[10:]}, rv)
	_, want := s.Update(t.Context(), "/k/a", value, rv)
	if err == nil || want == nil {
		t.Fatalf("UpdateParts error %v, Update error %v; want both to fail", err, want)
	}
	if diff := cmp.Diff(want.Error(), err.Error()); diff != "" {
		t.Errorf("error message (-Update +UpdateParts):\n%s", diff)
	}
	var ke *storage.KeyError
	if !errors.As(err, &ke) || ke.Op != "update" || ke.Key != "/k/a" {
		t.Errorf("error %#v is not a *storage.KeyError for update /k/a", err)
	}
}

func TestUpdatePartsClosed(t *testing.T) {
	s := memory.New()
	rv := mustCreate(t, s, "/k/a", "old")
	_ = s.Close()
	if _, err := s.UpdateParts(t.Context(), "/k/a", strs("x", "y"), rv); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("UpdateParts after Close error = %v, want ErrClosed", err)
	}
}

// Every way of reading a value stored in parts sees the concatenation.
func TestUpdatePartsReaders(t *testing.T) {
	const want = "joined value"
	parts := strs("joined", " ", "val", "ue")
	tests := []struct {
		name string
		// read returns the value stored in parts at /k/a (revision rv) as
		// seen by one kind of reader; watch is a watch of /k/ from before
		// the write.
		read func(t *testing.T, s *memory.Store, rv int64, watch <-chan storage.Event) []byte
	}{
		{name: "Get", read: func(t *testing.T, s *memory.Store, _ int64, _ <-chan storage.Event) []byte {
			obj, err := s.Get(t.Context(), "/k/a")
			if err != nil {
				t.Fatal(err)
			}
			return obj.Value
		}},
		{name: "List", read: func(t *testing.T, s *memory.Store, _ int64, _ <-chan storage.Event) []byte {
			res, err := s.List(t.Context(), "/k/", storage.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 2 || res.Items[0].Key != "/k/a" || string(res.Items[1].Value) != "plain" {
				t.Fatalf("List items = %v, want /k/a and /k/b", res.Items)
			}
			return res.Items[0].Value
		}},
		{name: "watch event Value", read: func(t *testing.T, _ *memory.Store, _ int64, watch <-chan storage.Event) []byte {
			return next(t, watch).Value
		}},
		{name: "watch event PrevValue", read: func(t *testing.T, s *memory.Store, rv int64, watch <-chan storage.Event) []byte {
			if _, err := s.Update(t.Context(), "/k/a", []byte("after"), rv); err != nil {
				t.Fatal(err)
			}
			next(t, watch)
			return next(t, watch).PrevValue
		}},
		{name: "watch event PrevValue of a delete", read: func(t *testing.T, s *memory.Store, rv int64, watch <-chan storage.Event) []byte {
			if _, err := s.Delete(t.Context(), "/k/a", rv); err != nil {
				t.Fatal(err)
			}
			next(t, watch)
			return next(t, watch).PrevValue
		}},
		{name: "ConflictError.Current", read: func(t *testing.T, s *memory.Store, rv int64, _ <-chan storage.Event) []byte {
			_, err := s.UpdateParts(t.Context(), "/k/a", strs("x", "y"), rv-1)
			var ce *storage.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("stale UpdateParts error = %v, want a *storage.ConflictError", err)
			}
			if ce.Current.ResourceVersion != rv {
				t.Errorf("ConflictError.Current.ResourceVersion = %d, want %d", ce.Current.ResourceVersion, rv)
			}
			return ce.Current.Value
		}},
		{name: "ConflictError.Current of a delete", read: func(t *testing.T, s *memory.Store, rv int64, _ <-chan storage.Event) []byte {
			_, err := s.Delete(t.Context(), "/k/a", rv-1)
			var ce *storage.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("stale Delete error = %v, want a *storage.ConflictError", err)
			}
			return ce.Current.Value
		}},
		{name: "Delete returns the deleted value", read: func(t *testing.T, s *memory.Store, rv int64, _ <-chan storage.Event) []byte {
			obj, err := s.Delete(t.Context(), "/k/a", rv)
			if err != nil {
				t.Fatal(err)
			}
			return obj.Value
		}},
		{name: "GuaranteedUpdate current", read: func(t *testing.T, s *memory.Store, _ int64, _ <-chan storage.Event) []byte {
			var got []byte
			_, err := s.GuaranteedUpdate(t.Context(), "/k/a", false, func(cur storage.Object) ([]byte, error) {
				got = cur.Value
				return []byte("next"), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}},
		{name: "GuaranteedUpdate current after a conflict", read: func(t *testing.T, s *memory.Store, rv int64, _ <-chan storage.Event) []byte {
			var got []byte
			calls := 0
			_, err := s.GuaranteedUpdate(t.Context(), "/k/a", false, func(cur storage.Object) ([]byte, error) {
				calls++
				got = cur.Value
				if calls == 1 {
					// Another writer stores parts meanwhile; the retry must
					// see them.
					if _, err := s.UpdateParts(t.Context(), "/k/a", slices.Clone(parts), rv); err != nil {
						t.Fatal(err)
					}
				}
				return []byte("next"), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if calls != 2 {
				t.Errorf("update function ran %d times, want 2", calls)
			}
			return got
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s := memory.New()
			defer s.Close()
			rv := mustCreate(t, s, "/k/a", "old")
			mustCreate(t, s, "/k/b", "plain")
			watch, err := s.Watch(ctx, "/k/a", rv+1)
			if err != nil {
				t.Fatal(err)
			}
			rv, err = s.UpdateParts(t.Context(), "/k/a", slices.Clone(parts), rv)
			if err != nil {
				t.Fatal(err)
			}
			got := tt.read(t, s, rv, watch)
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("value read (-want +got):\n%s", diff)
			}
		})
	}
}

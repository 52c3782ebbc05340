package memory_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// UpdateOwned must behave as Update in every outcome; only the copy goes.
func TestUpdateOwned(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		value   []byte
		staleRV bool
		wantErr error
		want    []byte
	}{
		{name: "stores the value", key: "/k/a", value: []byte("new"), want: []byte("new")},
		{name: "nil is stored as empty, not as a tombstone", key: "/k/a", value: nil, want: []byte{}},
		{name: "stale revision is a conflict", key: "/k/a", value: []byte("x"), staleRV: true, wantErr: storage.ErrConflict, want: []byte("old")},
		{name: "missing key is not found", key: "/k/missing", value: []byte("x"), wantErr: storage.ErrNotFound},
		{name: "too large", key: "/k/a", value: make([]byte, storage.MaxValueSize+1), wantErr: storage.ErrTooLarge, want: []byte("old")},
		{name: "invalid key", key: "no-slash", value: []byte("x"), wantErr: storage.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memory.New()
			rv := mustCreate(t, s, "/k/a", "old")
			if tt.staleRV {
				rv--
			}
			_, err := s.UpdateOwned(t.Context(), tt.key, tt.value, rv)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("UpdateOwned error = %v, want %v", err, tt.wantErr)
			}
			if tt.want == nil {
				return
			}
			got, err := s.Get(t.Context(), tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Value); diff != "" {
				t.Errorf("stored value (-want +got):\n%s", diff)
			}
			if got.Value == nil {
				t.Error("stored value is nil, which only a tombstone has")
			}
		})
	}
}

// The point of UpdateOwned: readers and watchers share the caller's
// buffer instead of a copy of it.
func TestUpdateOwnedSharesTheBuffer(t *testing.T) {
	s := memory.New()
	rv := mustCreate(t, s, "/k/a", "old")
	ch, err := s.Watch(t.Context(), "/k/", rv)
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("owned value")
	if _, err := s.UpdateOwned(t.Context(), "/k/a", buf, rv); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), "/k/a")
	if err != nil {
		t.Fatal(err)
	}
	if &got.Value[0] != &buf[0] {
		t.Error("Get returned a copy of the owned buffer")
	}
	ev := <-ch
	if !bytes.Equal(ev.Value, buf) || &ev.Value[0] != &buf[0] {
		t.Errorf("watch event value %q is not the owned buffer", ev.Value)
	}
}

// Update, unlike UpdateOwned, must not let the caller's later writes
// reach readers.
func TestUpdateCopies(t *testing.T) {
	s := memory.New()
	rv := mustCreate(t, s, "/k/a", "old")
	buf := []byte("value")
	if _, err := s.Update(t.Context(), "/k/a", buf, rv); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	got, err := s.Get(t.Context(), "/k/a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("value", string(got.Value)); diff != "" {
		t.Errorf("stored value (-want +got):\n%s", diff)
	}
}

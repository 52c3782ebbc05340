package memory_test

import (
	"errors"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Revision reports the current resourceVersion as Get would, without the
// value. Its errors are Get's.
func TestRevision(t *testing.T) {
	tests := []struct {
		name string
		// setup writes to s and returns the key to ask for and the
		// revision expected.
		setup   func(t *testing.T, s *memory.Store) (key string, rv int64)
		wantErr error
	}{
		{name: "created", setup: func(t *testing.T, s *memory.Store) (string, int64) {
			return "/k/a", mustCreate(t, s, "/k/a", "v")
		}},
		{name: "updated in parts", setup: func(t *testing.T, s *memory.Store) (string, int64) {
			rv, err := s.UpdateParts(t.Context(), "/k/a", strs("x", "y"), mustCreate(t, s, "/k/a", "v"))
			if err != nil {
				t.Fatal(err)
			}
			return "/k/a", rv
		}},
		{name: "other keys written since", setup: func(t *testing.T, s *memory.Store) (string, int64) {
			rv := mustCreate(t, s, "/k/a", "v")
			mustCreate(t, s, "/k/b", "v")
			return "/k/a", rv
		}},
		{name: "missing", wantErr: storage.ErrNotFound, setup: func(t *testing.T, s *memory.Store) (string, int64) {
			mustCreate(t, s, "/k/a", "v")
			return "/k/missing", 0
		}},
		{name: "deleted", wantErr: storage.ErrNotFound, setup: func(t *testing.T, s *memory.Store) (string, int64) {
			if _, err := s.Delete(t.Context(), "/k/a", mustCreate(t, s, "/k/a", "v")); err != nil {
				t.Fatal(err)
			}
			return "/k/a", 0
		}},
		{name: "invalid key", wantErr: storage.ErrInvalidKey, setup: func(*testing.T, *memory.Store) (string, int64) {
			return "k", 0
		}},
		{name: "closed", wantErr: storage.ErrClosed, setup: func(t *testing.T, s *memory.Store) (string, int64) {
			mustCreate(t, s, "/k/a", "v")
			_ = s.Close()
			return "/k/a", 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memory.New()
			defer s.Close()
			key, want := tt.setup(t, s)
			got, err := s.Revision(t.Context(), key)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Revision error = %v, want %v", err, tt.wantErr)
			}
			var ke *storage.KeyError
			if err != nil && (!errors.As(err, &ke) || ke.Key != key) {
				t.Errorf("Revision error %#v is not a *storage.KeyError for %s", err, key)
			}
			if got != want {
				t.Errorf("Revision = %d, want %d", got, want)
			}
		})
	}
}

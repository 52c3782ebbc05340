package validate_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
)

func TestNamesTheOperation(t *testing.T) {
	big := make([]byte, storage.MaxValueSize+1)
	tests := []struct {
		name   string
		err    error
		target error // nil: no error expected
		want   storage.KeyError
	}{
		{name: "valid key", err: validate.Key("get", "/a/b")},
		{name: "invalid key", err: validate.Key("get", "/a/../b"), target: storage.ErrInvalidKey, want: storage.KeyError{Op: "get", Key: "/a/../b"}},
		{name: "valid prefix", err: validate.Prefix("list", "/a/")},
		{name: "invalid prefix", err: validate.Prefix("watch", "//"), target: storage.ErrInvalidKey, want: storage.KeyError{Op: "watch", Key: "//"}},
		{name: "value at the limit", err: validate.Value("create", "/k", big[:storage.MaxValueSize])},
		{name: "value too large", err: validate.Value("create", "/k", big), target: storage.ErrTooLarge, want: storage.KeyError{Op: "create", Key: "/k"}},
		{name: "size too large", err: validate.Size("update", "/k", len(big)), target: storage.ErrTooLarge, want: storage.KeyError{Op: "update", Key: "/k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.target == nil {
				if tt.err != nil {
					t.Fatalf("error %v, want none", tt.err)
				}
				return
			}
			if !errors.Is(tt.err, tt.target) {
				t.Errorf("error %v does not wrap %v", tt.err, tt.target)
			}
			ke, ok := errors.AsType[*storage.KeyError](tt.err)
			if !ok {
				t.Fatalf("error %v is not a *storage.KeyError", tt.err)
			}
			got := storage.KeyError{Op: ke.Op, Key: ke.Key}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("KeyError op and key (-want +got):\n%s", diff)
			}
		})
	}
}

package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		wantErr bool
	}{
		{name: "cluster-scoped object", key: "/images/sha256:0123abcd"},
		{name: "namespaced object", key: "/imagestreams/ns/name"},
		{name: "single segment", key: "/a"},
		{name: "dots inside a segment", key: "/a/..b/c.."},
		{name: "longest key", key: "/" + strings.Repeat("k", storage.MaxKeyLength-1)},
		{name: "non-ASCII", key: "/ns/\u00e9t\u00e9"},
		{name: "empty", key: "", wantErr: true},
		{name: "relative", key: "images/a", wantErr: true},
		{name: "root", key: "/", wantErr: true},
		{name: "trailing slash", key: "/images/", wantErr: true},
		{name: "double slash", key: "/images//a", wantErr: true},
		{name: "leading double slash", key: "//images", wantErr: true},
		{name: "dot segment", key: "/images/./a", wantErr: true},
		{name: "dot-dot segment", key: "/images/../a", wantErr: true},
		{name: "final dot-dot", key: "/images/..", wantErr: true},
		{name: "NUL byte", key: "/images/a\x00b", wantErr: true},
		{name: "one byte too long", key: "/" + strings.Repeat("k", storage.MaxKeyLength), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.ValidateKey(tt.key)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ValidateKey(%q) = %v, want error: %v", tt.key, err, tt.wantErr)
			}
			if err != nil {
				checkKeyError(t, err, "validate", tt.key, storage.ErrInvalidKey)
			}
		})
	}
}

func TestValidatePrefix(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		wantErr bool
	}{
		{name: "root", prefix: "/"},
		{name: "directory", prefix: "/imagestreams/"},
		{name: "namespace directory", prefix: "/imagestreams/ns/"},
		{name: "string prefix", prefix: "/imagestreams/n"},
		{name: "longest", prefix: "/" + strings.Repeat("k", storage.MaxKeyLength-2) + "/"},
		{name: "empty", prefix: "", wantErr: true},
		{name: "relative", prefix: "imagestreams/", wantErr: true},
		{name: "double slash", prefix: "//", wantErr: true},
		{name: "two trailing slashes", prefix: "/a//", wantErr: true},
		{name: "dot-dot segment", prefix: "/a/../", wantErr: true},
		{name: "dot segment", prefix: "/./", wantErr: true},
		{name: "NUL byte", prefix: "/a\x00/", wantErr: true},
		{name: "too long", prefix: "/" + strings.Repeat("k", storage.MaxKeyLength), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.ValidatePrefix(tt.prefix)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ValidatePrefix(%q) = %v, want error: %v", tt.prefix, err, tt.wantErr)
			}
			if err != nil {
				checkKeyError(t, err, "validate", tt.prefix, storage.ErrInvalidKey)
			}
		})
	}
}

func TestValidateValue(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantErr bool
	}{
		{name: "empty", size: 0},
		{name: "at the limit", size: storage.MaxValueSize},
		{name: "one byte over", size: storage.MaxValueSize + 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.ValidateValue("/k", make([]byte, tt.size))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ValidateValue(%d bytes) = %v, want error: %v", tt.size, err, tt.wantErr)
			}
			if err != nil {
				checkKeyError(t, err, "validate", "/k", storage.ErrTooLarge)
			}
		})
	}
}

// checkKeyError checks that err is a *KeyError for op and key wrapping
// target.
func checkKeyError(t *testing.T, err error, op, key string, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("error %v does not wrap %v", err, target)
	}
	ke, ok := errors.AsType[*storage.KeyError](err)
	if !ok {
		t.Fatalf("error %v is not a *KeyError", err)
	}
	if diff := cmp.Diff([]string{op, key}, []string{ke.Op, ke.Key}); diff != "" {
		t.Errorf("KeyError op and key (-want +got):\n%s", diff)
	}
}

func TestErrorTypes(t *testing.T) {
	conflict := &storage.ConflictError{
		Op:       "update",
		Key:      "/images/a",
		Expected: 3,
		Current:  storage.Object{Key: "/images/a", Value: []byte("x"), ResourceVersion: 5},
	}
	wrapped := fmt.Errorf("saving image: %w", conflict)
	tests := []struct {
		name    string
		err     error
		target  error
		wantMsg string
	}{
		{
			name:    "KeyError",
			err:     &storage.KeyError{Op: "get", Key: "/images/a", Err: storage.ErrNotFound},
			target:  storage.ErrNotFound,
			wantMsg: "get /images/a: not found",
		},
		{
			name:    "ConflictError",
			err:     conflict,
			target:  storage.ErrConflict,
			wantMsg: "update /images/a: resource version conflict: expected resourceVersion 3, current 5",
		},
		{
			name:    "wrapped ConflictError",
			err:     wrapped,
			target:  storage.ErrConflict,
			wantMsg: "saving image: update /images/a: resource version conflict: expected resourceVersion 3, current 5",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.target) {
				t.Errorf("errors.Is(%v, %v) = false", tt.err, tt.target)
			}
			if diff := cmp.Diff(tt.wantMsg, tt.err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
	ce, ok := errors.AsType[*storage.ConflictError](wrapped)
	if !ok || ce != conflict {
		t.Errorf("errors.AsType did not recover the ConflictError from %v", wrapped)
	}
}

// FuzzValidateKey checks the rules ValidateKey promises on every key it
// accepts, and that every valid key is also a valid prefix.
func FuzzValidateKey(f *testing.F) {
	for _, k := range []string{"/images/a", "/a/b/c", "/", "//", "/a/../b", "/a/./b", "/a\x00", "a", "", "/a/", "/..a/b.."} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		err := storage.ValidateKey(key)
		perr := storage.ValidatePrefix(key)
		if err != nil {
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Fatalf("ValidateKey(%q) error %v does not wrap ErrInvalidKey", key, err)
			}
			if perr != nil && !errors.Is(perr, storage.ErrInvalidKey) {
				t.Fatalf("ValidatePrefix(%q) error %v does not wrap ErrInvalidKey", key, perr)
			}
			return
		}
		if perr != nil {
			t.Fatalf("valid key %q is not a valid prefix: %v", key, perr)
		}
		if len(key) > storage.MaxKeyLength || !strings.HasPrefix(key, "/") || strings.Contains(key, "\x00") {
			t.Fatalf("ValidateKey accepted %q", key)
		}
		for _, seg := range strings.Split(key[1:], "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("ValidateKey accepted %q with segment %q", key, seg)
			}
		}
		if len(key) < storage.MaxKeyLength {
			if err := storage.ValidatePrefix(key + "/"); err != nil {
				t.Fatalf("valid key %q plus a slash is not a valid prefix: %v", key, err)
			}
		}
	})
}

func BenchmarkValidateKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := storage.ValidateKey("/imagestreams/some-namespace/some-stream-name"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKeyErrorMessage: a KeyError formats with or without a cause; the
// zero value must not panic.
func TestKeyErrorMessage(t *testing.T) {
	tests := []struct {
		err  storage.KeyError
		want string
	}{
		{storage.KeyError{Op: "get", Key: "/k", Err: storage.ErrNotFound}, "get /k: not found"},
		{storage.KeyError{Op: "get", Key: "/k"}, "get /k"},
		{storage.KeyError{}, " "},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
			t.Errorf("%#v.Error() (-want +got):\n%s", tt.err, diff)
		}
	}
}

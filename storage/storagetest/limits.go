package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
)

func limitTests() []test {
	return []test{
		{"ContextCanceled", testContextCanceled},
		{"LargeValues", testLargeValues},
		{"InvalidKeys", testInvalidKeys},
		{"InvalidPrefixes", testInvalidPrefixes},
	}
}

// Every operation given a context that has ended fails with an error
// wrapping the context's, and writes nothing.
func testContextCanceled(t *testing.T, s storage.Interface) {
	rv := mustCreate(t, s, "/ctx/a", "a")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Get(ctx, "/ctx/a")
	wantErr(t, "Get", err, context.Canceled)
	_, err = s.List(ctx, "/ctx/", storage.ListOptions{})
	wantErr(t, "List", err, context.Canceled)
	_, err = s.Create(ctx, "/ctx/b", []byte("b"))
	wantErr(t, "Create", err, context.Canceled)
	_, err = s.Update(ctx, "/ctx/a", []byte("a2"), rv)
	wantErr(t, "Update", err, context.Canceled)
	_, err = s.Delete(ctx, "/ctx/a", 0)
	wantErr(t, "Delete", err, context.Canceled)
	wantObject(t, s, obj("/ctx/a", "a", rv))
	wantMissing(t, s, "/ctx/b")
}

// Values of exactly storage.MaxValueSize are stored; one byte more is
// refused with ErrTooLarge by every write.
func testLargeValues(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	big := bytes.Repeat([]byte("0123456789abcdef"), storage.MaxValueSize/16)
	if len(big) != storage.MaxValueSize {
		t.Fatalf("test value has %d bytes, want %d", len(big), storage.MaxValueSize)
	}
	rv, err := s.Create(ctx, "/big/a", big)
	if err != nil {
		t.Fatalf("Create of %d bytes: %v", len(big), err)
	}
	got, err := s.Get(ctx, "/big/a")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Value, big) || got.ResourceVersion != rv {
		t.Errorf("Get returned %d bytes at resourceVersion %d, want the %d bytes written at %d", len(got.Value), got.ResourceVersion, len(big), rv)
	}
	big2 := bytes.ToUpper(big)
	if rv, err = s.Update(ctx, "/big/a", big2, rv); err != nil {
		t.Fatalf("Update to %d bytes: %v", len(big2), err)
	}

	tooBig := append(big, 'x')
	_, err = s.Create(ctx, "/big/b", tooBig)
	wantKeyError(t, "Create of MaxValueSize+1 bytes", err, storage.ErrTooLarge, "/big/b", "create")
	_, err = s.Update(ctx, "/big/a", tooBig, rv)
	wantKeyError(t, "Update to MaxValueSize+1 bytes", err, storage.ErrTooLarge, "/big/a", "update")
	_, err = storage.GuaranteedUpdate(ctx, s, "/big/a", false, func(storage.Object) ([]byte, error) { return tooBig, nil })
	wantKeyError(t, "GuaranteedUpdate to MaxValueSize+1 bytes", err, storage.ErrTooLarge, "/big/a", "update")
	wantMissing(t, s, "/big/b")
	got, err = s.Get(ctx, "/big/a")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Value, big2) || got.ResourceVersion != rv {
		t.Errorf("after refused writes, Get returned %d bytes at resourceVersion %d, want the value written at %d", len(got.Value), got.ResourceVersion, rv)
	}
}

// invalidKeys returns keys that break one rule of storage.ValidateKey each.
func invalidKeys() []string {
	return []string{
		"",
		"a",
		"a/b",
		"/",
		"//",
		"/a/",
		"/a//b",
		"/a/./b",
		"/a/../b",
		"/..",
		"/a\x00b",
		"/" + strings.Repeat("k", storage.MaxKeyLength),
	}
}

func testInvalidKeys(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	for _, key := range invalidKeys() {
		t.Run(fmt.Sprintf("%.20q", key), func(t *testing.T) {
			_, err := s.Get(ctx, key)
			wantKeyError(t, "Get", err, storage.ErrInvalidKey, key, "get")
			_, err = s.Create(ctx, key, []byte("v"))
			wantKeyError(t, "Create", err, storage.ErrInvalidKey, key, "create")
			_, err = s.Update(ctx, key, []byte("v"), 1)
			wantKeyError(t, "Update", err, storage.ErrInvalidKey, key, "update")
			_, err = s.Delete(ctx, key, 0)
			wantKeyError(t, "Delete", err, storage.ErrInvalidKey, key, "delete")
			_, err = storage.GuaranteedUpdate(ctx, s, key, true, func(storage.Object) ([]byte, error) {
				t.Error("GuaranteedUpdate called the update function for an invalid key")
				return []byte("v"), nil
			})
			// The generic loop fails in the Get it starts with.
			wantKeyError(t, "GuaranteedUpdate", err, storage.ErrInvalidKey, key, "update", "get")
		})
	}
	res, err := s.List(ctx, "/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 0 {
		t.Errorf("invalid keys were stored: %v", keysOf(res.Items))
	}
}

func testInvalidPrefixes(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	for _, prefix := range []string{"", "a", "a/", "//", "/a//", "/a/../", "/./", "/a\x00", "/" + strings.Repeat("k", storage.MaxKeyLength)} {
		t.Run(fmt.Sprintf("%.20q", prefix), func(t *testing.T) {
			_, err := s.List(ctx, prefix, storage.ListOptions{})
			wantKeyError(t, "List", err, storage.ErrInvalidKey, prefix, "list")
			_, err = s.Watch(ctx, prefix, 0)
			wantKeyError(t, "Watch", err, storage.ErrInvalidKey, prefix, "watch")
		})
	}
}

package storage_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Every backend fails the same way: a *KeyError names the operation and
// the key, and wraps a sentinel that errors.Is recognises.
func ExampleKeyError() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	_, _ = s.Create(ctx, "/images/a", []byte("v1"))
	_, err := s.Create(ctx, "/images/a", []byte("v1"))
	fmt.Println(errors.Is(err, storage.ErrExists), err)

	_, err = s.Get(ctx, "/images/b")
	if ke, ok := errors.AsType[*storage.KeyError](err); ok {
		fmt.Println(ke.Op, ke.Key, errors.Is(err, storage.ErrNotFound))
	}
	// Output:
	// true create /images/a: already exists
	// get /images/b true
}

// Delete with a resourceVersion deletes only the version the caller saw.
func ExampleInterface_delete() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	rv, _ := s.Create(ctx, "/images/a", []byte("v1"))
	_, _ = s.Update(ctx, "/images/a", []byte("v2"), rv)
	_, err := s.Delete(ctx, "/images/a", rv)
	fmt.Println(errors.Is(err, storage.ErrConflict))
	old, err := s.Delete(ctx, "/images/a", 0)
	fmt.Println(string(old.Value), err)
	// Output:
	// true
	// v2 <nil>
}

func ExampleValidateValue() {
	fmt.Println(storage.ValidateValue("/images/a", make([]byte, storage.MaxValueSize)))
	err := storage.ValidateValue("/images/a", make([]byte, storage.MaxValueSize+1))
	fmt.Println(errors.Is(err, storage.ErrTooLarge), err)
	// Output:
	// <nil>
	// true validate /images/a: value too large: 1572865 bytes, limit 1572864
}

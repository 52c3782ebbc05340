package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func ExampleGuaranteedUpdate() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	// Increment a counter, creating it on first use. The function may run
	// more than once if other writers interfere; it must only compute.
	incr := func(cur storage.Object) ([]byte, error) {
		n := 0
		if cur.ResourceVersion != 0 {
			var err error
			if n, err = strconv.Atoi(string(cur.Value)); err != nil {
				return nil, err
			}
		}
		return strconv.AppendInt(nil, int64(n+1), 10), nil
	}
	for range 3 {
		if _, err := storage.GuaranteedUpdate(ctx, s, "/counters/visits", true, incr); err != nil {
			fmt.Println(err)
			return
		}
	}
	obj, _ := s.Get(ctx, "/counters/visits")
	fmt.Println(string(obj.Value))
	// Output: 3
}

// A failed compare-and-swap carries the current object.
func ExampleConflictError() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	rv, _ := s.Create(ctx, "/images/a", []byte("v1"))
	_, _ = s.Update(ctx, "/images/a", []byte("v2"), rv) // someone else's update
	_, err := s.Update(ctx, "/images/a", []byte("mine"), rv)

	fmt.Println(errors.Is(err, storage.ErrConflict))
	if ce, ok := errors.AsType[*storage.ConflictError](err); ok {
		fmt.Printf("expected %d, current %d holds %s\n", ce.Expected, ce.Current.ResourceVersion, ce.Current.Value)
	}
	// Output:
	// true
	// expected 2, current 3 holds v2
}

func ExampleValidateKey() {
	for _, key := range []string{"/imagestreams/ns/app", "/imagestreams/ns/", "/images/../secrets"} {
		fmt.Println(storage.ValidateKey(key))
	}
	// Output:
	// <nil>
	// validate /imagestreams/ns/: invalid key: empty segment
	// validate /images/../secrets: invalid key: ".." segment
}

package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// calls counts the Interface methods the generic GuaranteedUpdate makes.
type calls struct{ Get, Create, Update int }

// counting is a store without a native GuaranteedUpdate that counts calls.
type counting struct {
	storage.Interface // embedded interface: no GuaranteedUpdate method
	calls             calls
}

func (c *counting) Get(ctx context.Context, key string) (storage.Object, error) {
	c.calls.Get++
	return c.Interface.Get(ctx, key)
}

func (c *counting) Create(ctx context.Context, key string, value []byte) (int64, error) {
	c.calls.Create++
	return c.Interface.Create(ctx, key, value)
}

func (c *counting) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	c.calls.Update++
	return c.Interface.Update(ctx, key, value, rv)
}

// The generic loop retries from the object a ConflictError carries, and
// reads again only when a create or update finds the key in an unexpected
// state.
func TestGuaranteedUpdateFallback(t *testing.T) {
	const key = "/gu/k"
	tests := []struct {
		name           string
		exists         bool // key holds "v0" before the call
		ignoreNotFound bool
		// interfere runs inside the first call of the update function,
		// through the underlying store.
		interfere func(ctx context.Context, s storage.Interface, cur storage.Object) error
		wantCalls calls
		wantFn    int    // calls of the update function
		wantValue string // final value
	}{
		{
			name:      "no contention",
			exists:    true,
			wantCalls: calls{Get: 1, Update: 1},
			wantFn:    1,
			wantValue: "v0+",
		},
		{
			name:   "conflict retried from the ConflictError",
			exists: true,
			interfere: func(ctx context.Context, s storage.Interface, cur storage.Object) error {
				_, err := s.Update(ctx, key, []byte("other"), cur.ResourceVersion)
				return err
			},
			wantCalls: calls{Get: 1, Update: 2},
			wantFn:    2,
			wantValue: "other+",
		},
		{
			name:           "create",
			ignoreNotFound: true,
			wantCalls:      calls{Get: 1, Create: 1},
			wantFn:         1,
			wantValue:      "+",
		},
		{
			name:           "create loses to another create",
			ignoreNotFound: true,
			interfere: func(ctx context.Context, s storage.Interface, _ storage.Object) error {
				_, err := s.Create(ctx, key, []byte("other"))
				return err
			},
			wantCalls: calls{Get: 2, Create: 1, Update: 1},
			wantFn:    2,
			wantValue: "other+",
		},
		{
			name:           "update loses to a delete",
			exists:         true,
			ignoreNotFound: true,
			interfere: func(ctx context.Context, s storage.Interface, _ storage.Object) error {
				_, err := s.Delete(ctx, key, 0)
				return err
			},
			wantCalls: calls{Get: 2, Create: 1, Update: 1},
			wantFn:    2,
			wantValue: "+",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			mem := memory.New()
			defer mem.Close()
			if tt.exists {
				if _, err := mem.Create(ctx, key, []byte("v0")); err != nil {
					t.Fatal(err)
				}
			}
			s := &counting{Interface: mem}
			fnCalls := 0
			got, err := storage.GuaranteedUpdate(ctx, s, key, tt.ignoreNotFound, func(cur storage.Object) ([]byte, error) {
				fnCalls++
				if fnCalls == 1 && tt.interfere != nil {
					if err := tt.interfere(ctx, mem, cur); err != nil {
						return nil, err
					}
				}
				return append(append([]byte(nil), cur.Value...), '+'), nil
			})
			if err != nil {
				t.Fatalf("GuaranteedUpdate: %v", err)
			}
			if diff := cmp.Diff(tt.wantCalls, s.calls); diff != "" {
				t.Errorf("store calls (-want +got):\n%s", diff)
			}
			if fnCalls != tt.wantFn {
				t.Errorf("update function called %d times, want %d", fnCalls, tt.wantFn)
			}
			stored, err := mem.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(stored, got); diff != "" {
				t.Errorf("returned object differs from the stored one (-stored +returned):\n%s", diff)
			}
			if string(stored.Value) != tt.wantValue {
				t.Errorf("value = %q, want %q", stored.Value, tt.wantValue)
			}
		})
	}
}

// An error that is neither a conflict nor a missing or existing key ends
// the loop at once.
func TestGuaranteedUpdateFallbackStops(t *testing.T) {
	ctx := t.Context()
	mem := memory.New()
	defer mem.Close()
	if _, err := mem.Create(ctx, "/gu/k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s := &counting{Interface: mem}
	_, err := storage.GuaranteedUpdate(ctx, s, "/gu/k", false, func(storage.Object) ([]byte, error) {
		return make([]byte, storage.MaxValueSize+1), nil
	})
	if !errors.Is(err, storage.ErrTooLarge) {
		t.Errorf("error = %v, want ErrTooLarge", err)
	}
	if diff := cmp.Diff(calls{Get: 1, Update: 1}, s.calls); diff != "" {
		t.Errorf("store calls (-want +got):\n%s", diff)
	}
}

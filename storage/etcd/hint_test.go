package etcd_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

// TestGuaranteedUpdateStaleHint covers a remembered object that another
// writer made stale: whatever the update function does with it, the
// outcome is what it decides on the current object.
func TestGuaranteedUpdateStaleHint(t *testing.T) {
	errStale := errors.New("stale")
	tests := []struct {
		name string
		// fn's answer when it sees the stale value "1".
		onStale func() ([]byte, error)
		// wantSeen are the values fn sees, in order.
		wantSeen []string
	}{
		{name: "write on stale object is refused by the guard", onStale: func() ([]byte, error) { return []byte("from-1"), nil }, wantSeen: []string{"1", "2"}},
		{name: "error on stale object is re-decided", onStale: func() ([]byte, error) { return nil, errStale }, wantSeen: []string{"1", "2"}},
		{name: "no-op on stale object is re-decided", onStale: func() ([]byte, error) { return nil, nil }, wantSeen: []string{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			prefix := uniquePrefix()
			a := newStoreAt(t, server.Endpoint(), prefix)
			b := newStoreAt(t, server.Endpoint(), prefix)
			const key = "/k"
			set := func(v string) storage.UpdateFunc {
				return func(storage.Object) ([]byte, error) { return []byte(v), nil }
			}
			// a remembers "1"; b, another writer, replaces it.
			one, err := a.GuaranteedUpdate(ctx, key, true, set("1"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Update(ctx, key, []byte("2"), one.ResourceVersion); err != nil {
				t.Fatal(err)
			}

			var seen []string
			got, err := a.GuaranteedUpdate(ctx, key, false, func(cur storage.Object) ([]byte, error) {
				seen = append(seen, string(cur.Value))
				if string(cur.Value) == "1" {
					return tt.onStale()
				}
				return []byte("from-2"), nil
			})
			if err != nil {
				t.Fatalf("GuaranteedUpdate: %v", err)
			}
			if diff := cmp.Diff(tt.wantSeen, seen); diff != "" {
				t.Errorf("values seen by the update function (-want +got):\n%s", diff)
			}
			stored, err := b.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(stored, got); diff != "" {
				t.Errorf("GuaranteedUpdate returned (-want stored +got):\n%s", diff)
			}
			if string(stored.Value) != "from-2" {
				t.Errorf("stored value %q, want from-2", stored.Value)
			}
		})
	}
}

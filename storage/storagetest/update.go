package storagetest

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func updateTests() []test {
	return []test{
		{"GuaranteedUpdate", testGuaranteedUpdate},
		{"GuaranteedUpdateRetries", testGuaranteedUpdateRetries},
		{"GuaranteedUpdateConcurrent", testGuaranteedUpdateConcurrent},
		{"GuaranteedUpdateContext", testGuaranteedUpdateContext},
	}
}

var errAbort = errors.New("storagetest: update aborted")

// testGuaranteedUpdate covers one uncontended call per case.
func testGuaranteedUpdate(t *testing.T, s storage.Interface) {
	const key = "/gu/a"
	tests := []struct {
		name           string
		exists         bool   // create key with "old" first
		ignoreNotFound bool   // argument to GuaranteedUpdate
		next           []byte // what the update function returns
		fnErr          error  // what the update function returns
		wantErr        error  // nil, or the error GuaranteedUpdate must wrap
		wantValue      string // value afterwards; "" means missing
		wantWrite      bool   // whether the call must write a new resourceVersion
	}{
		{name: "update existing", exists: true, next: []byte("new"), wantValue: "new", wantWrite: true},
		{name: "create missing with ignoreNotFound", ignoreNotFound: true, next: []byte("new"), wantValue: "new", wantWrite: true},
		{name: "missing without ignoreNotFound", next: []byte("new"), wantErr: storage.ErrNotFound},
		{name: "function aborts", exists: true, fnErr: errAbort, wantErr: errAbort, wantValue: "old"},
		{name: "function aborts on missing key", ignoreNotFound: true, fnErr: errAbort, wantErr: errAbort},
		{name: "nil result leaves the object", exists: true, wantValue: "old"},
		{name: "nil result on missing key writes nothing", ignoreNotFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			before := storage.Object{Key: key}
			if tt.exists {
				before = obj(key, "old", mustCreate(t, s, key, "old"))
			}
			t.Cleanup(func() { _, _ = s.Delete(context.WithoutCancel(ctx), key, 0) })

			var seen []storage.Object
			got, err := storage.GuaranteedUpdate(ctx, s, key, tt.ignoreNotFound, func(cur storage.Object) ([]byte, error) {
				seen = append(seen, cur)
				return tt.next, tt.fnErr
			})
			if tt.wantErr != nil {
				wantErr(t, "GuaranteedUpdate", err, tt.wantErr)
			} else if err != nil {
				t.Fatalf("GuaranteedUpdate: %v", err)
			}
			wantSeen := []storage.Object{before}
			if !tt.exists && !tt.ignoreNotFound {
				wantSeen = nil
			}
			if diff := cmp.Diff(wantSeen, seen); diff != "" {
				t.Errorf("objects passed to the update function (-want +got):\n%s", diff)
			}

			if tt.wantValue == "" {
				wantMissing(t, s, key)
				return
			}
			after, err := s.Get(ctx, key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if string(after.Value) != tt.wantValue {
				t.Errorf("value afterwards = %q, want %q", after.Value, tt.wantValue)
			}
			if wrote := after.ResourceVersion != before.ResourceVersion; wrote != tt.wantWrite {
				t.Errorf("resourceVersion went from %d to %d; want a write: %v", before.ResourceVersion, after.ResourceVersion, tt.wantWrite)
			}
			if tt.wantErr == nil {
				if diff := cmp.Diff(after, got); diff != "" {
					t.Errorf("GuaranteedUpdate returned (-want stored +got):\n%s", diff)
				}
			}
		})
	}
}

// When another writer gets in between the read and the write,
// GuaranteedUpdate calls the function again with the newer object. The
// function here is that other writer, the first time: it may call the
// store, so a backend must not hold a lock while running it.
func testGuaranteedUpdateRetries(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	tests := []struct {
		name           string
		interfere      func(t *testing.T, cur storage.Object) storage.Object // returns the object afterwards
		ignoreNotFound bool
		wantErr        error
	}{
		{
			name: "concurrent update",
			interfere: func(t *testing.T, cur storage.Object) storage.Object {
				return obj(cur.Key, "interloper", mustUpdate(t, s, cur.Key, "interloper", cur.ResourceVersion))
			},
		},
		{
			name: "concurrent delete",
			interfere: func(t *testing.T, cur storage.Object) storage.Object {
				mustDelete(t, s, cur.Key, cur.ResourceVersion)
				return storage.Object{Key: cur.Key}
			},
			wantErr: storage.ErrNotFound,
		},
		{
			name: "concurrent delete with ignoreNotFound",
			interfere: func(t *testing.T, cur storage.Object) storage.Object {
				mustDelete(t, s, cur.Key, cur.ResourceVersion)
				return storage.Object{Key: cur.Key}
			},
			ignoreNotFound: true,
		},
		{
			name: "concurrent delete and create",
			interfere: func(t *testing.T, cur storage.Object) storage.Object {
				mustDelete(t, s, cur.Key, cur.ResourceVersion)
				return obj(cur.Key, "reborn", mustCreate(t, s, cur.Key, "reborn"))
			},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "/gu/retry" + strconv.Itoa(i)
			first := obj(key, "first", mustCreate(t, s, key, "first"))
			var seen []storage.Object
			var afterInterference storage.Object
			got, err := storage.GuaranteedUpdate(ctx, s, key, tt.ignoreNotFound, func(cur storage.Object) ([]byte, error) {
				seen = append(seen, cur)
				if len(seen) == 1 {
					afterInterference = tt.interfere(t, cur)
					return []byte("lost"), nil
				}
				return []byte("final"), nil
			})
			if tt.wantErr != nil {
				wantErr(t, "GuaranteedUpdate", err, tt.wantErr)
				wantMissing(t, s, key)
				return
			}
			if err != nil {
				t.Fatalf("GuaranteedUpdate: %v", err)
			}
			if diff := cmp.Diff([]storage.Object{first, afterInterference}, seen); diff != "" {
				t.Errorf("objects passed to the update function (-want +got):\n%s", diff)
			}
			if got.ResourceVersion <= afterInterference.ResourceVersion {
				t.Errorf("result resourceVersion %d is not above the interloper's %d", got.ResourceVersion, afterInterference.ResourceVersion)
			}
			wantObject(t, s, obj(key, "final", got.ResourceVersion))
		})
	}
}

// 32 goroutines × 200 increments of one counter must end at exactly 6,400:
// no update lost, none applied twice.
func testGuaranteedUpdateConcurrent(t *testing.T, s storage.Interface) {
	const (
		key        = "/gu/counter"
		goroutines = 32
		increments = 200
	)
	ctx := t.Context()
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
	race(goroutines, func(int) {
		for range increments {
			if _, err := storage.GuaranteedUpdate(ctx, s, key, true, incr); err != nil {
				t.Errorf("GuaranteedUpdate: %v", err)
				return
			}
		}
	})
	got, err := s.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(goroutines * increments); string(got.Value) != want {
		t.Errorf("counter = %s, want %s", got.Value, want)
	}
}

// A context that ends stops the retries, with an error wrapping the
// context's.
func testGuaranteedUpdateContext(t *testing.T, s storage.Interface) {
	const key = "/gu/ctx"
	rv := mustCreate(t, s, key, "v1")

	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := storage.GuaranteedUpdate(canceled, s, key, false, func(storage.Object) ([]byte, error) {
		return []byte("v2"), nil
	})
	wantErr(t, "GuaranteedUpdate with a canceled context", err, context.Canceled)
	wantObject(t, s, obj(key, "v1", rv))

	// The context ends while the function runs, and another writer forces
	// a retry: GuaranteedUpdate must give up rather than retry.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var interloper int64
	calls := 0
	_, err = storage.GuaranteedUpdate(ctx, s, key, false, func(cur storage.Object) ([]byte, error) {
		calls++
		if calls == 1 {
			interloper = mustUpdate(t, s, key, "interloper", cur.ResourceVersion)
			cancel()
		}
		return []byte("mine"), nil
	})
	wantErr(t, "GuaranteedUpdate whose context ends", err, context.Canceled)
	if calls != 1 {
		t.Errorf("update function called %d times, want 1", calls)
	}
	wantObject(t, s, obj(key, "interloper", interloper))
}

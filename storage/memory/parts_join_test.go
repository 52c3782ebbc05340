package memory_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// The Store shares the parts of a version with later versions and never
// writes to them, not even into a part's spare capacity: an old version
// read through a continue token or a watch replay after a newer version
// reused most of its parts is intact.
func TestUpdatePartsSharesParts(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := memory.New()
	defer s.Close()
	mustCreate(t, s, "/k/0", "first")
	rv0 := mustCreate(t, s, "/k/a", "old")

	// A join that appended to the first part would write into its spare
	// capacity, which the next version shares.
	first := append(make([]byte, 0, 64), 'A')
	v1 := [][]byte{first, []byte("B"), []byte("C"), []byte("D")}
	rv1, err := s.UpdateParts(ctx, "/k/a", v1, rv0)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.List(ctx, "/k/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The next version copies the outer slice and swaps one part, as the
	// imagestream Service does.
	v2 := slices.Clone(v1)
	v2[2] = []byte("c")
	rv2, err := s.UpdateParts(ctx, "/k/a", v2, rv1)
	if err != nil {
		t.Fatal(err)
	}

	// Read the new version first: a faulty join would clobber the old one.
	cur, err := s.Get(ctx, "/k/a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(storage.Object{Key: "/k/a", Value: []byte("ABcD"), ResourceVersion: rv2}, cur); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	rest, err := s.List(ctx, "/k/", storage.ListOptions{Continue: page.Continue})
	if err != nil {
		t.Fatal(err)
	}
	wantRest := []storage.Object{{Key: "/k/a", Value: []byte("ABCD"), ResourceVersion: rv1}}
	if diff := cmp.Diff(wantRest, rest.Items); diff != "" {
		t.Errorf("continued list at the first version's snapshot (-want +got):\n%s", diff)
	}
	watch, err := s.Watch(ctx, "/k/a", rv0)
	if err != nil {
		t.Fatal(err)
	}
	var events []storage.Event
	for range 2 {
		events = append(events, next(t, watch))
	}
	wantEvents := []storage.Event{
		{Type: storage.Modified, Key: "/k/a", Value: []byte("ABCD"), PrevValue: []byte("old"), ResourceVersion: rv1},
		{Type: storage.Modified, Key: "/k/a", Value: []byte("ABcD"), PrevValue: []byte("ABCD"), ResourceVersion: rv2},
	}
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("watch replay (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff(strs("A", "B", "C", "D"), v1); diff != "" {
		t.Errorf("first parts modified (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(strs("A", "B", "c", "D"), v2); diff != "" {
		t.Errorf("second parts modified (-want +got):\n%s", diff)
	}
	if spare := first[1:cap(first)]; slices.ContainsFunc(spare, func(b byte) bool { return b != 0 }) {
		t.Errorf("spare capacity of a part written to: %q", spare)
	}
}

// partsOf returns a value of size bytes in parts of partSize bytes.
func partsOf(size, partSize int) [][]byte {
	value := []byte(strings.Repeat("0123456789abcdef", size/16+1))[:size]
	var parts [][]byte
	for len(value) > 0 {
		n := min(partSize, len(value))
		parts = append(parts, value[:n:n])
		value = value[n:]
	}
	return parts
}

// With nobody reading, writes of values in parts join nothing: the bytes
// allocated stay far below one value per write. A watch of other keys
// does not read them either.
func TestUpdatePartsDoesNotJoinUnread(t *testing.T) {
	const (
		size   = 1 << 20
		writes = 32
	)
	tests := []struct {
		name  string
		watch string // prefix of a watch open during the writes; "" for none
	}{
		{name: "no watch"},
		{name: "watch of other keys", watch: "/other/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s := memory.New()
			defer s.Close()
			rv := mustCreate(t, s, "/k/a", "old")
			if tt.watch != "" {
				ch, err := s.Watch(ctx, tt.watch, 0)
				if err != nil {
					t.Fatal(err)
				}
				go func() {
					for range ch {
					}
				}()
			}
			base := partsOf(size, 1024)
			versions := make([][][]byte, writes)
			for i := range versions {
				versions[i] = slices.Clone(base)
				versions[i][i] = []byte(fmt.Sprint(i))
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, parts := range versions {
				var err error
				if rv, err = s.UpdateParts(ctx, "/k/a", parts, rv); err != nil {
					t.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(writes*size/4); got > limit {
				t.Errorf("%d writes of %d bytes in parts allocated %d bytes, want at most %d: values were joined", writes, size, got, limit)
			}
		})
	}
}

// Concurrent readers of one version in parts share one join: Get, List
// and watches all return the same bytes (SliceData compares the arrays,
// which a second join would not share).
func TestConcurrentReadsJoinOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := memory.New()
	defer s.Close()
	rv := mustCreate(t, s, "/k/a", "old")
	parts := partsOf(100<<10, 1024)
	var watches []<-chan storage.Event
	for range 2 {
		ch, err := s.Watch(ctx, "/k/", rv)
		if err != nil {
			t.Fatal(err)
		}
		watches = append(watches, ch)
	}
	if _, err := s.UpdateParts(ctx, "/k/a", parts, rv); err != nil {
		t.Fatal(err)
	}

	const getters = 8
	values := make([][]byte, getters+1+len(watches))
	var wg sync.WaitGroup
	for i := range getters {
		wg.Go(func() {
			obj, err := s.Get(ctx, "/k/a")
			if err != nil {
				t.Error(err)
				return
			}
			values[i] = obj.Value
		})
	}
	wg.Go(func() {
		res, err := s.List(ctx, "/k/", storage.ListOptions{})
		if err != nil || len(res.Items) != 1 {
			t.Errorf("List = %v, %v; want one item", res.Items, err)
			return
		}
		values[getters] = res.Items[0].Value
	})
	for i, ch := range watches {
		wg.Go(func() {
			values[getters+1+i] = next(t, ch).Value
		})
	}
	wg.Wait()

	want := slices.Concat(parts...)
	for i, v := range values {
		if !slices.Equal(want, v) {
			t.Fatalf("reader %d got %d bytes, not the joined value", i, len(v))
		}
		if unsafe.SliceData(v) != unsafe.SliceData(values[0]) {
			t.Errorf("reader %d got a value joined separately from reader 0's", i)
		}
	}
}

// The history's byte bound counts a value in parts at its joined length.
func TestUpdatePartsHistoryBytes(t *testing.T) {
	ctx := t.Context()
	s := memory.New(memory.WithHistoryBytes(10_000))
	defer s.Close()
	rv0 := mustCreate(t, s, "/k/a", "old")
	rv := rv0
	var revs []int64
	for range 3 { // 3 × 4 KiB do not fit in 10,000 bytes: the oldest go
		var err error
		if rv, err = s.UpdateParts(ctx, "/k/a", partsOf(4096, 1024), rv); err != nil {
			t.Fatal(err)
		}
		revs = append(revs, rv)
	}
	if _, err := s.Watch(ctx, "/k/", rv0); !errors.Is(err, storage.ErrTooOld) {
		t.Errorf("Watch from before the evicted events error = %v, want ErrTooOld", err)
	}
	if _, err := s.Watch(ctx, "/k/", revs[0]); err != nil {
		t.Errorf("Watch from the last evicted event: %v", err)
	}
}

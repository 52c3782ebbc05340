package memory_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// filled returns a store holding n keys under /b/ with 200-byte values.
func filled(b *testing.B, n int) *memory.Store {
	b.Helper()
	s := memory.New()
	b.Cleanup(func() { _ = s.Close() })
	value := make([]byte, 200)
	for i := range n {
		if _, err := s.Create(b.Context(), fmt.Sprintf("/b/%08d", i*7919%n), value); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// withStream returns a store holding an empty /p/stream and its revision.
func withStream(b *testing.B) (*memory.Store, int64) {
	b.Helper()
	s := memory.New()
	b.Cleanup(func() { _ = s.Close() })
	rv, err := s.Create(b.Context(), "/p/stream", nil)
	if err != nil {
		b.Fatal(err)
	}
	return s, rv
}

func BenchmarkGet(b *testing.B) {
	s := filled(b, 10000)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, "/b/00004242"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreate(b *testing.B) {
	s := memory.New()
	defer s.Close()
	ctx := b.Context()
	value := make([]byte, 200)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		// Spread keys over the key space so inserts land mid-index.
		if _, err := s.Create(ctx, fmt.Sprintf("/c/%016x", uint64(i)*0x9e3779b97f4a7c15), value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkList(b *testing.B) {
	s := filled(b, 100000)
	ctx := b.Context()
	for _, limit := range []int64{500, 0} {
		b.Run(fmt.Sprintf("keys=100000/limit=%d", limit), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.List(ctx, "/b/", storage.ListOptions{Limit: limit}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A continued page of an old snapshot, with writes since.
	b.Run("keys=100000/limit=500/continued", func(b *testing.B) {
		// A store of its own: the deletes below would fail on a second
		// run (-count) over the shared one.
		s := filled(b, 100000)
		page, err := s.List(ctx, "/b/", storage.ListOptions{Limit: 500})
		if err != nil {
			b.Fatal(err)
		}
		for i := range 1000 {
			if _, err := s.Delete(ctx, fmt.Sprintf("/b/%08d", 500+i), 0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.List(ctx, "/b/", storage.ListOptions{Limit: 500, Continue: page.Continue}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// partSizes are the value sizes of BenchmarkUpdateParts and
// BenchmarkUpdateOwnedJoined: 10 KiB to 1 MiB, in parts of 1 KiB, and
// 1 MiB in larger parts, which make the outer slice shorter.
var partSizes = []struct {
	name       string
	size, part int
}{
	{"size=10KiB/part=1KiB", 10 << 10, 1 << 10},
	{"size=100KiB/part=1KiB", 100 << 10, 1 << 10},
	{"size=1MiB/part=1KiB", 1 << 20, 1 << 10},
	{"size=1MiB/part=16KiB", 1 << 20, 16 << 10},
}

// BenchmarkUpdateParts writes a value in parts over and over, replacing
// one part each time as the imagestream Service replaces one chunk of
// tags: a copy of the outer slice, a fresh part, and the update. Its cost
// grows with the number of parts (the copy of the outer slice dominates),
// not with the value's size, unlike that of BenchmarkUpdateOwnedJoined.
// Nobody reads the values, so none is joined.
func BenchmarkUpdateParts(b *testing.B) {
	for _, sz := range partSizes {
		b.Run(sz.name, func(b *testing.B) {
			s, rv := withStream(b)
			ctx := b.Context()
			var err error
			parts := partsOf(sz.size, sz.part)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				next := slices.Clone(parts)
				i = (i + 1) % len(next)
				part := make([]byte, sz.part)
				part[0] = byte(i)
				next[i] = part
				if rv, err = s.UpdateParts(ctx, "/p/stream", next, rv); err != nil {
					b.Fatal(err)
				}
				parts = next
			}
		})
	}
}

// BenchmarkUpdateOwnedJoined is BenchmarkUpdateParts with the value joined
// into a fresh buffer handed to UpdateOwned, as a caller that encodes
// each value whole does: the cost of a write grows with the value.
func BenchmarkUpdateOwnedJoined(b *testing.B) {
	for _, sz := range partSizes[:3] {
		b.Run(strings.TrimSuffix(sz.name, "/part=1KiB"), func(b *testing.B) {
			s, rv := withStream(b)
			ctx := b.Context()
			var err error
			value := slices.Concat(partsOf(sz.size, 1<<10)...)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				next := slices.Clone(value)
				i = (i + 1) % (len(next) >> 10)
				next[i<<10]++
				if rv, err = s.UpdateOwned(ctx, "/p/stream", next, rv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

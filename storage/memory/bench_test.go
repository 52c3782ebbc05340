package memory_test

import (
	"fmt"
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

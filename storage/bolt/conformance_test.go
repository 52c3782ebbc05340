package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/bolt"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

// open returns a store in a fresh file, closed when tb ends.
func open(tb testing.TB, opts bolt.Options) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(filepath.Join(tb.TempDir(), "store.db"), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts bolt.Options
	}{
		{name: "fsync", opts: bolt.Options{}},
		{name: "nosync", opts: bolt.Options{NoSync: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storage.Interface { return open(t, tt.opts) })
		})
	}
}

// TestConformanceMinimal runs the suite over the generic
// storage.GuaranteedUpdate loop instead of the native one.
func TestConformanceMinimal(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Interface {
		return storagetest.Minimal(open(t, bolt.Options{NoSync: true}))
	})
}

func BenchmarkConformance(b *testing.B) {
	for _, tt := range []struct {
		name string
		opts bolt.Options
	}{
		{name: "fsync", opts: bolt.Options{}},
		{name: "nosync", opts: bolt.Options{NoSync: true}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			storagetest.RunBenchmarks(b, func(b *testing.B) storage.Interface { return open(b, tt.opts) })
		})
	}
}

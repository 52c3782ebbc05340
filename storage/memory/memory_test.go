package memory_test

import (
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(*testing.T) storage.Interface { return memory.New() })
}

// The generic GuaranteedUpdate loop over a Store must pass the suite too.
func TestConformanceWithoutNativeUpdate(t *testing.T) {
	storagetest.Run(t, func(*testing.T) storage.Interface { return storagetest.Minimal(memory.New()) })
}

// A tiny history exercises eviction and the forgetting of old versions on
// every write of the suite.
func TestConformanceSmallHistory(t *testing.T) {
	storagetest.Run(t, func(*testing.T) storage.Interface { return memory.New(memory.WithHistory(500)) })
}

func BenchmarkConformance(b *testing.B) {
	storagetest.RunBenchmarks(b, func(*testing.B) storage.Interface { return memory.New() })
}

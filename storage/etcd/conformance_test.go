package etcd_test

import (
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

// TestConformance runs the suite on the native GuaranteedUpdate. The
// suite over storagetest.Minimal (the generic Get/Update loop) is not run
// here: it tests storage.GuaranteedUpdate, which storage/memory already
// covers, and its contended-counter test costs etcd half a minute of
// commits.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Interface { return newStore(t) })
}

func BenchmarkConformance(b *testing.B) {
	storagetest.RunBenchmarks(b, func(b *testing.B) storage.Interface { return newStore(b) })
}

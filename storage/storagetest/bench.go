package storagetest

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
)

// benchValue is a value size of the benchmarks.
type benchValue struct {
	name string
	size int // 0: just the counter
}

// RunBenchmarks measures storage.GuaranteedUpdate on the stores newStore
// returns (one new store per sub-benchmark; RunBenchmarks closes it):
//
//   - goroutines=1: one goroutine incrementing a counter, the latency of
//     the whole read-modify-write;
//   - goroutines=8/key=own: eight goroutines with a counter each, the
//     throughput of independent updates;
//   - goroutines=8/key=shared: eight goroutines on one counter, the cost of
//     conflicts and retries.
//
// each with a small value (a decimal counter) and a 10 KiB value (the
// counter followed by padding, rebuilt on every update, as re-encoding an
// object would). Each reports ops/s besides ns/op.
func RunBenchmarks(b *testing.B, newStore func(b *testing.B) storage.Interface) {
	for _, v := range []benchValue{{"small", 0}, {"10KiB", 10 << 10}} {
		b.Run("GuaranteedUpdate/value="+v.name+"/goroutines=1", func(b *testing.B) {
			s := benchStore(b, newStore)
			fn := counter(v.size)
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := storage.GuaranteedUpdate(ctx, s, "/bench/0", true, fn); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
		for _, shared := range []bool{false, true} {
			name := "GuaranteedUpdate/value=" + v.name + "/goroutines=8/key=own"
			if shared {
				name = "GuaranteedUpdate/value=" + v.name + "/goroutines=8/key=shared"
			}
			b.Run(name, func(b *testing.B) { benchParallel(b, newStore, 8, shared, v.size) })
		}
	}
}

// benchParallel runs b.N updates on goroutines goroutines. It shares b.N out
// by hand rather than using b.RunParallel, whose goroutine count is a
// multiple of GOMAXPROCS and so would not be 8 on every machine.
func benchParallel(b *testing.B, newStore func(b *testing.B) storage.Interface, goroutines int, shared bool, size int) {
	s := benchStore(b, newStore)
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	var done atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		key := "/bench/0"
		if !shared {
			key = "/bench/" + strconv.Itoa(g)
		}
		fn := counter(size)
		wg.Go(func() {
			for done.Add(1) <= int64(b.N) {
				if _, err := storage.GuaranteedUpdate(ctx, s, key, true, fn); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	reportRate(b)
}

func benchStore(b *testing.B, newStore func(b *testing.B) storage.Interface) storage.Interface {
	b.Helper()
	s := newStore(b)
	b.Cleanup(func() {
		if err := s.Close(); err != nil {
			b.Errorf("Close: %v", err)
		}
	})
	return s
}

// counter returns an update function that increments the decimal counter
// at the start of the value and pads the value to size bytes.
func counter(size int) storage.UpdateFunc {
	padding := bytes.Repeat([]byte{' '}, size)
	return func(cur storage.Object) ([]byte, error) {
		digits := cur.Value
		if i := bytes.IndexByte(digits, ' '); i >= 0 {
			digits = digits[:i]
		}
		n := 0
		if len(digits) > 0 {
			var err error
			if n, err = strconv.Atoi(string(digits)); err != nil {
				return nil, fmt.Errorf("counter value %q: %w", digits, err)
			}
		}
		next := make([]byte, 0, max(size, 20))
		next = strconv.AppendInt(next, int64(n+1), 10)
		if len(next) < size {
			next = append(next, padding[:size-len(next)]...)
		}
		return next, nil
	}
}

func reportRate(b *testing.B) {
	if sec := b.Elapsed().Seconds(); sec > 0 {
		b.ReportMetric(float64(b.N)/sec, "ops/s")
	}
}

package prune_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// benchInput builds a snapshot with about 10 tag events per image and 5
// references per image, the proportions of PRUNE.md §6.5's target (100k
// images, 20k streams, 1M events, 500k references).
func benchInput(images int) *prune.Snapshot {
	streams := images / 5
	rs := imagetest.RandomSnapshot(1, imagetest.SnapshotOptions{
		Images: images, Streams: streams, Namespaces: max(streams/100, 1),
		TagsPerStream: 9, HistoryDepth: 19, LayersPerImage: 6,
	})
	s := &prune.Snapshot{Images: rs.Images, Streams: rs.Streams, References: make([]prune.Reference, 0, 5*images)}
	rng := rand.New(rand.NewPCG(2, 3))
	for i := range 5 * images {
		is := rs.Streams[rng.IntN(len(rs.Streams))]
		t := is.Status.Tags[rng.IntN(len(is.Status.Tags))]
		var spec string
		switch rng.IntN(10) {
		case 0:
			spec = fmt.Sprintf("quay.io/team-%d/app:v%d", i%50, i%7)
		case 1, 2, 3, 4:
			spec = is.Status.DockerImageRepository + ":" + t.Tag
		default:
			spec = is.Status.DockerImageRepository + "@" + t.Items[rng.IntN(len(t.Items))].Image
		}
		s.References = append(s.References, prune.Reference{
			Owner: prune.Owner{Kind: "Pod", Namespace: is.Namespace, Name: fmt.Sprint("pod-", i)}, FieldPath: "spec.containers[0].image",
			Spec: spec, Active: rng.IntN(5) != 0, Created: imagetest.Epoch.Add(-time.Duration(rng.IntN(100)) * time.Hour),
		})
	}
	return s
}

func benchOptions() prune.Options {
	return prune.Options{Now: imagetest.Epoch.Add(24 * time.Hour), ListAwareLinks: true, KeepAllListChildren: true}
}

// BenchmarkPlan plans a 1,000-image snapshot.
func BenchmarkPlan(b *testing.B) {
	benchPlan(b, 1_000)
}

// BenchmarkPlanScale is the scale target of PRUNE.md §6.5 (10k and 100k
// images). It needs about a gigabyte and a few seconds of set-up; run it
// alone with -bench PlanScale.
func BenchmarkPlanScale(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("images=%d", n), func(b *testing.B) { benchPlan(b, n) })
	}
}

func benchPlan(b *testing.B, images int) {
	s := benchInput(images)
	opts := benchOptions()
	events := 0
	for _, is := range s.Streams {
		for _, t := range is.Status.Tags {
			events += len(t.Items)
		}
	}
	runtime.GC()
	base := heapObjects()
	peak := newPeakSampler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, err := prune.Plan(s, opts)
		if err != nil {
			b.Fatal(err)
		}
		runtime.KeepAlive(d)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak.stop())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(livePeak(s, opts))/(1<<20), "live-peak-MiB")
	b.ReportMetric(float64(base)/(1<<20), "input-MiB")
	b.ReportMetric(float64(events), "events")
}

// livePeak plans once with the collector running almost continuously, so
// that the sampled heap is close to the live heap: the input plus what
// the plan holds at its largest. peak-heap-MiB is the same with the
// default GOGC, garbage included.
func livePeak(s *prune.Snapshot, opts prune.Options) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	peak := newPeakSampler()
	d, _ := prune.Plan(s, opts)
	runtime.KeepAlive(d)
	return peak.stop()
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakSampler polls the live heap, which runtime/metrics reads without
// stopping the world, and keeps the maximum.
type peakSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

func newPeakSampler() *peakSampler {
	p := &peakSampler{done: make(chan struct{}), max: heapObjects()}
	p.wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
				p.max = max(p.max, heapObjects())
			}
		}
	})
	return p
}

func (p *peakSampler) stop() uint64 {
	close(p.done)
	p.wg.Wait()
	return max(p.max, heapObjects())
}

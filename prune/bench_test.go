package prune_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// benchInput builds a snapshot with about 10 tag events per image and 5
// references per image, the proportions of PRUNE.md §6.5's target (100k
// images, 20k streams, 1M events, 500k references).
//
// The streams and then the images are decoded from JSON in name order, as
// ReadSnapshot reads them from storage, so that every object and string
// lies where a real snapshot's would. RandomSnapshot creates them in
// another order, sorts the pointers and shares each image's name with the
// tag events that name it, which would scatter every walk over the heap.
func benchInput(images int) *prune.Snapshot {
	streams := images / 5
	rs := imagetest.RandomSnapshot(1, imagetest.SnapshotOptions{
		Images: images, Streams: streams, Namespaces: max(streams/100, 1),
		TagsPerStream: 9, HistoryDepth: 19, LayersPerImage: 6,
	})
	for i, is := range rs.Streams {
		rs.Streams[i] = roundTrip(is)
	}
	for i, img := range rs.Images {
		rs.Images[i] = roundTrip(img)
	}
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
			Spec: spec, Inactive: rng.IntN(5) == 0, Created: imagetest.Epoch.Add(-time.Duration(rng.IntN(100)) * time.Hour),
		})
	}
	return s
}

// roundTrip decodes a copy of v from its JSON.
func roundTrip[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

func benchOptions() prune.Options {
	return prune.Options{Now: imagetest.Epoch.Add(24 * time.Hour)}
}

// BenchmarkPlan plans a 1,000-image snapshot.
func BenchmarkPlan(b *testing.B) {
	benchPlan(b, 1_000, false)
}

// BenchmarkPlanScale is the scale target of PRUNE.md §6.5 (10k and 100k
// images), planning from a Snapshot: each plan builds the Index of the
// decoded objects first. It needs about a gigabyte and a few seconds of
// set-up; run it alone with -bench PlanScale.
func BenchmarkPlanScale(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("images=%d", n), func(b *testing.B) { benchPlan(b, n, false) })
	}
}

// BenchmarkIndexPlanScale is BenchmarkPlanScale planning from an Index
// built once, page by page, as a program that streams its listing does
// (PRUNE.md §6.6): the decoded objects and references are gone, so the
// input is the Index. index-ms is the time of building it.
func BenchmarkIndexPlanScale(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("images=%d", n), func(b *testing.B) { benchPlan(b, n, true) })
	}
}

// benchPage is the page size of BenchmarkIndexPlanScale's listing.
const benchPage = 500

func benchPlan(b *testing.B, images int, indexed bool) {
	s := benchInput(images)
	opts := benchOptions()
	events := 0
	for _, is := range s.Streams {
		for _, t := range is.Status.Tags {
			events += len(t.Items)
		}
	}
	plan := func() (*prune.Decisions, error) { return prune.Plan(s, opts) }
	var indexTime time.Duration
	if indexed {
		// Each page is added and dropped, as a listing's would be; the
		// snapshot's objects go with the last page.
		var ib prune.IndexBuilder
		start := time.Now()
		for page := range slices.Chunk(s.Streams, benchPage) {
			ib.AddStreams(page...)
			clear(page)
		}
		for page := range slices.Chunk(s.Images, benchPage) {
			ib.AddImages(page...)
			clear(page)
		}
		ib.AddReferences(s.References...)
		ix := ib.Index()
		indexTime = time.Since(start)
		s = nil
		plan = func() (*prune.Decisions, error) { return ix.Plan(opts) }
	}
	runtime.GC()
	base := heapObjects()
	// A process's first plan is timed apart: it also pays for growing the
	// heap by the plan's size, fresh memory the kernel has to hand over,
	// which a process planning again reuses.
	start := time.Now()
	if _, err := plan(); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	// The heap keeps growing after the first plan: the collector lets the
	// garbage of a few plans pile up before each cycle, up to twice the
	// live heap. Until two cycles have run, each plan faults in fresh
	// pages (from a Snapshot of 100,000 images, about 110 MB per plan and
	// 0.2-0.4 s of kernel time), so that the mean of a short loop depends
	// on its length. b.Loop times plans once the heap has reached its size.
	for cycles, i := gcCycles(), 0; gcCycles() < cycles+2 && i < 20; i++ {
		if _, err := plan(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	cpu0, gc0, pf0, n := cpuTime(), gcCPU(), pageFaults(), 0
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		d, err := plan()
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		runtime.KeepAlive(d)
		n++
	}
	b.StopTimer()
	// The plans a collection overlaps take longer, and which ones do
	// depends on the loop's length; on a shared machine, so does the
	// neighbours' load. The median is steadier than the mean for
	// comparing sizes.
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/1e6, "median-plan-ms")
	b.ReportMetric(float64(first)/1e6, "first-plan-ms")
	if indexed {
		b.ReportMetric(float64(indexTime)/1e6, "index-ms")
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/op")
	b.ReportMetric(float64(pageFaults()-pf0)/float64(n), "faults/op")
	b.ReportMetric((gcCPU()-gc0)*1e9/float64(n), "gc-cpu-ns/op")
	b.ReportMetric(float64(peakOf(plan, 100))/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakOf(plan, 5))/(1<<20), "live-peak-MiB")
	b.ReportMetric(float64(base)/(1<<20), "input-MiB")
	b.ReportMetric(float64(events), "events")
}

// peakOf plans once from a collected heap and returns the largest heap
// sampled meanwhile (runtime/metrics heap objects, input included). With
// gcPercent 100, Go's default, it is the peak a program planning once
// sees; with 5 the collector runs almost continuously, so the sample is
// close to the live heap: the input plus what the plan holds at its
// largest. (A peak sampled across the b.Loop iterations would add the
// garbage of earlier plans, which only the benchmark keeps making.)
func peakOf(plan func() (*prune.Decisions, error), gcPercent int) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	runtime.GC()
	peak := newPeakSampler()
	d, _ := plan()
	runtime.KeepAlive(d)
	return peak.stop()
}

// gcCPU is the CPU time the collector has used, in seconds, as the
// runtime estimates it.
func gcCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64()
}

// gcCycles is how many collections have completed.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
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

// BenchmarkPlanCancel measures how soon PlanContext returns once its
// context is cancelled (PRUNE.md §6.14), at 100,000 images: each plan is
// cancelled at a random moment of its run, and latency-ms is the time
// from the cancellation to the return. Run it alone with -bench
// PlanCancel; -benchtime 30x gives a useful maximum.
func BenchmarkPlanCancel(b *testing.B) {
	s := benchInput(100_000)
	opts := benchOptions()
	var run time.Duration // of a plan after the first, which is slower
	for range 2 {
		start := time.Now()
		if _, err := prune.Plan(s, opts); err != nil {
			b.Fatal(err)
		}
		run = time.Since(start)
	}
	rng := rand.New(rand.NewPCG(4, 5))
	var lat []time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		var at atomic.Int64
		t := time.AfterFunc(time.Duration(rng.Int64N(int64(run))), func() {
			at.Store(time.Now().UnixNano())
			cancel()
		})
		_, err := prune.PlanContext(ctx, s, opts)
		end := time.Now().UnixNano()
		t.Stop()
		cancel()
		if err == nil {
			continue // finished first
		}
		if !errors.Is(err, context.Canceled) {
			b.Fatal(err)
		}
		lat = append(lat, time.Duration(end-at.Load()))
	}
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "median-latency-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/1e6, "max-latency-ms")
	b.ReportMetric(float64(len(lat)), "cancelled")
}

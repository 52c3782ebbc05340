package importer_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/imagestreams/imagestreams/internal/registrytest"
)

// benchLatency is the delay the proxy adds to every request, a
// registry across a continent.
const benchLatency = 20 * time.Millisecond

// latencyProxy serves HTTPS in front of target, holding every request
// for benchLatency and counting them.
type latencyProxy struct {
	srv      *httptest.Server
	requests atomic.Int64
	upstream atomic.Int64 // nanoseconds spent waiting for the registry
}

func newLatencyProxy(tb testing.TB, target string) *latencyProxy {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	// Keep a connection to the registry per request in flight: with
	// http.DefaultTransport's two idle connections per host most
	// forwarded requests would open a new one, and the registry would
	// spend its CPU accepting them.
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 256
	rp.Transport = t
	rp.BufferPool = &bufferPool{}
	p := &latencyProxy{}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		time.Sleep(benchLatency)
		start := time.Now()
		rp.ServeHTTP(w, r)
		p.upstream.Add(int64(time.Since(start)))
	}))
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	p.srv.StartTLS()
	tb.Cleanup(p.srv.Close)
	return p
}

// bufferPool recycles the proxy's copy buffers, so that the harness's
// allocations do not drown the importer's in B/op.
type bufferPool struct{ p sync.Pool }

func (bp *bufferPool) Get() []byte {
	if b, ok := bp.p.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 32<<10)
}

func (bp *bufferPool) Put(b []byte) { bp.p.Put(&b) }

// BenchmarkRepositoryImport imports a 200-tag repository from a real
// registry behind a proxy adding 20 ms to each request. It reports the
// wall time against the ideal, requests ÷ concurrency × 20 ms
// (x-ideal), the speedup over concurrency 1 (x-vs-c1, when that ran
// first) and the CPU time of the registry and of this process, importer
// and proxy (client-cpu-ms/op): on a small machine the registry's own
// work, about three times the client's, bounds the parallel cases.
// Concurrency 10 is where, on two cores, the parallelism and the
// registry's queueing balance: enough tags in flight for an 8x speedup,
// few enough that the registry's response time stays near its serial
// 2 ms. OpenShift's rate limits are off: they would hold the import to
// 2 tags a second.
func BenchmarkRepositoryImport(b *testing.B) {
	const tags = 200
	reg := registrytest.Start(b, registrytest.Options{Memory: true})
	for i := range tags {
		tag := fmt.Sprintf("1.%d", i)
		c := imagetest.ImageContent("bench-"+tag, imagetest.Options{Layers: 1, LayerSize: 32})
		pushContent(b, reg, "bench/repo", tag, c)
	}
	benchRepositoryImport(b, newLatencyProxy(b, reg.URL), tags, reg.CPUTime)
}

// BenchmarkRepositoryImportFake is BenchmarkRepositoryImport against the
// in-process fake registry, whose own service time is negligible: on a
// small machine the real registry's CPU time, not the importer, bounds
// the parallel case.
func BenchmarkRepositoryImportFake(b *testing.B) {
	const tags = 200
	reg := fakeregistry.New(fakeregistry.Auth{})
	srv := reg.Start(b)
	for i := range tags {
		tag := fmt.Sprintf("1.%d", i)
		c := imagetest.ImageContent("bench-"+tag, imagetest.Options{Layers: 1, LayerSize: 32})
		reg.PutBlob("bench/repo", c.Config)
		reg.PutManifest("bench/repo", tag, c.MediaType, c.Manifest)
	}
	benchRepositoryImport(b, newLatencyProxy(b, srv.URL), tags, nil)
}

// benchRepositoryImport runs the import at several concurrencies;
// registryCPU, when not nil, reads the registry's CPU time.
func benchRepositoryImport(b *testing.B, proxy *latencyProxy, tags int, registryCPU func() (time.Duration, error)) {
	host := strings.TrimPrefix(proxy.srv.URL, "https://")
	var serial time.Duration // wall time per op at concurrency 1
	for _, conc := range []int{1, 10, 16, 32} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			t := proxy.srv.Client().Transport.(*http.Transport).Clone()
			t.MaxIdleConnsPerHost = 2 * conc
			imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Transport: t, Concurrency: conc, MaxTagsPerRepository: -1})
			b.ReportAllocs()
			var requests int64
			up0 := proxy.upstream.Load()
			var cpu0 time.Duration
			if registryCPU != nil {
				cpu0, _ = registryCPU()
			}
			self0 := selfCPU()
			start := time.Now()
			for b.Loop() {
				before := proxy.requests.Load()
				isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
					Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: host + "/bench/repo"}},
				}}
				if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
					b.Fatal(err)
				}
				if st := isi.Status.Repository; st.Status.Status != image.StatusSuccess || len(st.Images) != tags {
					b.Fatalf("repository import: %+v, %d images", st.Status, len(st.Images))
				}
				requests = proxy.requests.Load() - before
			}
			perOp := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64((selfCPU()-self0).Milliseconds())/float64(b.N), "client-cpu-ms/op")
			ideal := time.Duration(requests) * benchLatency / time.Duration(conc)
			b.ReportMetric(float64(requests), "requests/op")
			b.ReportMetric(float64(ideal.Milliseconds()), "ideal-ms/op")
			b.ReportMetric(float64(perOp)/float64(ideal), "x-ideal")
			// The registry's response time as the proxy sees it: the time
			// each request adds to the 20 ms, queueing included.
			b.ReportMetric(float64(proxy.upstream.Load()-up0)/1e6/float64(requests)/float64(b.N), "registry-ms/req")
			if registryCPU != nil {
				if cpu1, err := registryCPU(); err == nil {
					b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "registry-cpu-ms/op")
				}
			}
			switch {
			case conc == 1:
				serial = perOp
			case serial > 0:
				b.ReportMetric(float64(serial)/float64(perOp), "x-vs-c1")
			}
		})
	}
}

// selfCPU is the CPU time this process, importer and proxy, has used
// so far; zero where /proc is unavailable.
func selfCPU() time.Duration {
	d, _ := registrytest.ProcessCPUTime(os.Getpid())
	return d
}

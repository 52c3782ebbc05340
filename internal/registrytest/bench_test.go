package registrytest_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/internal/registrytest"
)

// BenchmarkRegistryCPU measures the registry's own CPU time per request
// for the pulls an import makes, a manifest by tag then its config blob,
// ten at a time with no added latency. Its registry-cpu-ms/req depends
// little on what else runs on the machine, unlike wall times, so it is
// the figure to compare registry settings by (see Start).
func BenchmarkRegistryCPU(b *testing.B) {
	const (
		images      = 50
		concurrency = 10
		pulls       = 200 // per op, two requests each
		mediaType   = "application/vnd.oci.image.manifest.v1+json"
	)
	r := registrytest.Start(b, registrytest.Options{Memory: true})
	type pull struct{ manifest, config string }
	var urls []pull
	for i := range images {
		config := fmt.Appendf(nil, `{"architecture":"amd64","os":"linux","config":{"Env":["I=%d"]},"rootfs":{"type":"layers","diff_ids":[]}}`, i)
		d := r.PushBlob(b, "bench/repo", config)
		manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, mediaType, d, len(config))
		tag := fmt.Sprintf("t%d", i)
		r.PushManifest(b, "bench/repo", tag, mediaType, []byte(manifest))
		urls = append(urls, pull{r.URL + "/v2/bench/repo/manifests/" + tag, r.URL + "/v2/bench/repo/blobs/" + d.String()})
	}
	t := r.Transport.Clone()
	t.MaxIdleConnsPerHost = concurrency
	hc := &http.Client{Transport: t}
	get := func(url, accept string) error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
	b.ReportAllocs()
	cpu0, err := r.CPUTime()
	if err != nil {
		b.Skipf("no CPU time for the registry: %v", err)
	}
	for b.Loop() {
		work := make(chan pull)
		var (
			wg    sync.WaitGroup
			once  sync.Once
			first error
		)
		for range concurrency {
			wg.Go(func() {
				for p := range work {
					err := get(p.manifest, mediaType)
					if err == nil {
						err = get(p.config, "")
					}
					if err != nil {
						once.Do(func() { first = err })
					}
				}
			})
		}
		for i := range pulls {
			work <- urls[i%len(urls)]
		}
		close(work)
		wg.Wait()
		if first != nil {
			b.Fatal(first)
		}
	}
	cpu1, err := r.CPUTime()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(b.N*2*pulls), "registry-cpu-ms/req")
}

package imagestream_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// BenchmarkImageStreamMapping measures pushes (ImageStreamMappings) into
// one stream on the memory backend, one goroutine. Every push adds a
// history entry, so the stream is recreated every `reset` pushes to keep
// its size bounded: for 10 tags each tag's history has 1 to 11 events; for
// 1,000 tags each tag has 1 or 2 (about 1,500 events, 300 KB of JSON).
func BenchmarkImageStreamMapping(b *testing.B) {
	for _, tags := range []int{10, 1000} {
		b.Run(fmt.Sprintf("tags=%d", tags), func(b *testing.B) {
			ctx := context.Background()
			svc, _ := newService(b)
			reset := max(100, tags)
			images := make([]image.Image, reset)
			for i := range images {
				images[i] = image.Image{ObjectMeta: image.ObjectMeta{Name: digest(i + 1)}, DockerImageReference: "quay.io/acme/app@" + digest(i+1)}
			}
			stream := 0
			fresh := func() string {
				stream++
				name := fmt.Sprintf("app-%d", stream)
				createStream(b, svc, "ns", name)
				// Give every tag one event, so the 1,000-tag stream starts big.
				for t := range tags {
					m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%d", t), Image: images[t%reset]}
					if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
						b.Fatal(err)
					}
				}
				return name
			}
			name := fresh()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%reset == 0 {
					b.StopTimer()
					name = fresh()
					b.StartTimer()
				}
				m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%d", i%tags), Image: images[(i+tags/2+1)%reset]}
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mappings/s")
		})
	}
}

var _ = imagestream.Reason

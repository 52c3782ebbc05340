package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/storage"
)

// registryImage returns the Image the integrated registry sends after a
// push, renamed to digest(i): layers, metadata, manifest and config, and
// the annotations that make the server drop manifest and config.
func registryImage(template *image.Image, i int) image.Image {
	img := *template
	img.Name = digest(i)
	img.DockerImageReference = registry + "/ns/app@" + img.Name
	return img
}

func newRegistryTemplate() *image.Image {
	img := imagetest.Image("bench", imagetest.Options{Layers: 3})
	img.Annotations = map[string]string{
		image.ManagedByOpenShiftAnnotation:      "true",
		image.ImageManifestBlobStoredAnnotation: "true",
		image.DockerImageLayersOrderAnnotation:  image.DockerImageLayersOrderAscending,
	}
	return img
}

// BenchmarkImageStreamMapping measures pushes (ImageStreamMappings of new
// registry images) into one stream on the memory backend, on one
// goroutine, for a stream of 10 tags and one of 1,000 tags. Every push
// adds an event, so the stream is rebuilt (timer stopped) every `reset`
// pushes to keep its size in a fixed band: with 10 tags each tag holds
// 1-11 events (3-30 KB of JSON), with 1,000 tags 1-2 events (250-500 KB).
// stream-KB reports the mean size of the stream pushed into.
func BenchmarkImageStreamMapping(b *testing.B) {
	for _, tags := range []int{10, 1000} {
		b.Run(fmt.Sprintf("%d-tags", tags), func(b *testing.B) {
			ctx := context.Background()
			svc, _ := newService(b)
			template := newRegistryTemplate()
			reset := max(100, tags)
			next := 0 // image counter: every push is a new image
			name, stream := "", 0
			fresh := func() {
				stream++
				name = fmt.Sprintf("app-%d", stream)
				createStream(b, svc, "ns", name)
				for t := range tags { // one event per tag to start with
					next++
					m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%d", t), Image: registryImage(template, next)}
					if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
						b.Fatal(err)
					}
				}
			}
			var bytes, samples int64
			streamSize := func() int64 {
				obj, err := svc.Store().Get(ctx, "/imagestreams/ns/"+name)
				if err != nil {
					b.Fatal(err)
				}
				return int64(len(obj.Value))
			}
			fresh()
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				if i > 0 && i%reset == 0 {
					b.StopTimer()
					bytes += streamSize()
					samples++
					fresh()
					b.StartTimer()
				} else if i%reset == reset/2 {
					b.StopTimer()
					bytes += streamSize()
					samples++
					b.StartTimer()
				}
				next++
				m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%d", i%tags), Image: registryImage(template, next)}
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mappings/s")
			if samples > 0 {
				b.ReportMetric(float64(bytes)/float64(samples)/1024, "stream-KB")
			}
		})
	}
}

// BenchmarkImageStreamMappingParallel measures 32 pushers per CPU into
// one 10-tag stream, where the pushes that arrive during a write share the
// next one. Every 1,000 pushes go to a new stream, so that each stream
// ends with 100 events per tag.
func BenchmarkImageStreamMappingParallel(b *testing.B) {
	ctx := context.Background()
	svc, _ := newService(b)
	template := newRegistryTemplate()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			name := fmt.Sprintf("app-%d", i/1000)
			m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%d", i%10), Image: registryImage(template, i)}
			_, err := svc.ImageStreamMappings("ns").Create(ctx, m)
			if errors.Is(err, storage.ErrNotFound) { // first push of a stream
				_, err = svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name}})
				if err == nil || errors.Is(err, storage.ErrExists) {
					_, err = svc.ImageStreamMappings("ns").Create(ctx, m)
				}
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mappings/s")
}

// BenchmarkTagEventAppend shows what appending one tag event costs as a
// function of the number of other tags in the stream: pushes go to ten
// tags of a stream that also holds tags-10 tags with one event each
// (seeded in one status update). Every 100 pushes the stream is seeded
// again, so the pushed tags hold 1-11 events; the first push after each
// seeding cuts the stream into chunks (chunks.go), which is timed. stream-KB
// is the mean size of the stream. The memory store keeps each value as the
// chunks' JSON (UpdateParts), so a push copies the chunk it changes and
// one pointer per chunk, not the stream (see cache.go).
func BenchmarkTagEventAppend(b *testing.B) {
	for _, tags := range []int{10, 100, 1000, 3000} {
		b.Run(fmt.Sprintf("tags=%d", tags), func(b *testing.B) {
			ctx := context.Background()
			svc, _ := newService(b)
			template := newRegistryTemplate()
			next := 0
			name, stream := "", 0
			seed := func() {
				stream++
				name = fmt.Sprintf("app-%d", stream)
				is := createStream(b, svc, "ns", name)
				for t := range tags {
					next++
					d := digest(next)
					is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{
						Tag:   fmt.Sprintf("t%04d", t),
						Items: []image.TagEvent{{Created: image.Date(2024, 1, 1, 0, 0, 0), DockerImageReference: registry + "/ns/" + name + "@" + d, Image: d, Generation: 1}},
					})
				}
				if _, err := svc.ImageStreams("ns").UpdateStatus(ctx, is); err != nil {
					b.Fatal(err)
				}
			}
			var size, samples int64
			seed()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i > 0 && i%100 == 0 {
					b.StopTimer()
					obj, err := svc.Store().Get(ctx, "/imagestreams/ns/"+name)
					if err != nil {
						b.Fatal(err)
					}
					size += int64(len(obj.Value))
					samples++
					seed()
					b.StartTimer()
				}
				next++
				m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: name, Namespace: "ns"}, Tag: fmt.Sprintf("t%04d", i%10), Image: registryImage(template, next)}
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mappings/s")
			if samples > 0 {
				b.ReportMetric(float64(size)/float64(samples)/1024, "stream-KB")
			}
		})
	}
}

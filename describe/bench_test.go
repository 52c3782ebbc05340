package describe_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

// hundredTagStream is a stream of 100 version tags plus latest, each with
// a history of 5 events drawn from 20 images.
func hundredTagStream() *image.ImageStream {
	var images []*image.Image
	for i := range 20 {
		images = append(images, imagetest.Image(fmt.Sprintf("app-%d", i), imagetest.Options{Layers: 1, LayerSize: 8}))
	}
	tags := []imagetest.Tag{{Name: "latest", History: images[:5]}}
	for i := range 99 {
		var hist []*image.Image
		for k := range 5 {
			hist = append(hist, images[(i+k)%len(images)])
		}
		tags = append(tags, imagetest.Tag{Name: fmt.Sprintf("%d.%d", i/10, i%10), From: fmt.Sprintf("quay.io/acme/app:%d.%d", i/10, i%10), History: hist})
	}
	return imagetest.Stream("bench", "app", tags...)
}

func BenchmarkImageStream(b *testing.B) {
	is := hundredTagStream()
	now := imagetest.Epoch.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if err := describe.ImageStream(io.Discard, is, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImageStreamTag(b *testing.B) {
	now := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
	ist := seedPythonTag(now)
	b.ReportAllocs()
	for b.Loop() {
		if err := describe.ImageStreamTag(io.Discard, ist, now); err != nil {
			b.Fatal(err)
		}
	}
}

package image_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// BenchmarkDecodeEncodeImageStream decodes and re-encodes the stream of
// BenchmarkValidateImageStream (1,000 spec tags, 1,000 status tags of 10
// events each) in JSON and YAML.
func BenchmarkDecodeEncodeImageStream(b *testing.B) {
	js, err := image.Encode(benchStream(1000, 1000, 10))
	if err != nil {
		b.Fatal(err)
	}
	ys, err := image.EncodeYAML(benchStream(1000, 1000, 10))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{{"json", js}, {"yaml", ys}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				obj, err := image.Decode(tc.data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := image.Encode(obj); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodeImages encodes Images: one full image as `oc get` prints
// it, and an ImageStreamTagList of 1,000 name-only images whose
// dockerImageMetadata has no kind or apiVersion of its own.
func BenchmarkEncodeImages(b *testing.B) {
	js, err := os.ReadFile("testdata/oc-image.json")
	if err != nil {
		b.Fatal(err)
	}
	img, err := image.Decode(js)
	if err != nil {
		b.Fatal(err)
	}
	list := &image.ImageStreamTagList{}
	for i := range 1000 {
		d := fmt.Sprintf("sha256:%064x", i)
		list.Items = append(list.Items, image.ImageStreamTag{
			ObjectMeta: image.ObjectMeta{Name: fmt.Sprintf("app:v%04d", i), Namespace: "team-a"},
			Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: d}, DockerImageReference: "quay.io/team-a/app@" + d},
		})
	}
	for _, tc := range []struct {
		name string
		obj  image.Object
	}{{"image", img}, {"istaglist-1000", list}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := image.Encode(tc.obj); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

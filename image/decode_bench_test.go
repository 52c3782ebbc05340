package image_test

import (
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

package imagestream

import (
	"fmt"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// BenchmarkPushEncode measures what a push costs the Service without the
// store: copy-on-write of the stream, the new event, the status strategy
// and the spliced encoding, for streams of 10 and 1,000 tags with three
// events each. The difference between the two is copying bytes (the tag
// list header and the encoding); no JSON is produced for the other tags.
func BenchmarkPushEncode(b *testing.B) {
	for _, tags := range []int{10, 1000} {
		b.Run(fmt.Sprintf("%d-tags", tags), func(b *testing.B) {
			var strategy Strategy
			is := &image.ImageStream{
				TypeMeta:   streamTypeMeta,
				ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "ns", Generation: 1},
				Status:     image.ImageStreamStatus{DockerImageRepository: "registry.local/ns/app"},
			}
			event := func(i int) image.TagEvent {
				d := fmt.Sprintf("sha256:%064x", i)
				return image.TagEvent{Created: image.Date(2024, 1, 1, 0, 0, 0), DockerImageReference: "registry.local/ns/app@" + d, Image: d, Generation: 1}
			}
			for t := range tags {
				for e := range 3 {
					AddTagEvent(is, fmt.Sprintf("t%04d", t), event(t*3+e))
				}
			}
			out, tagJSON, head, err := encodeStream(nil, is, nil, false)
			if err != nil {
				b.Fatal(err)
			}
			cur := newFlatEntry(0, is, tagJSON, head, len(out), streamFacts{})
			buf := make([]byte, 0, 2*len(out))
			b.ReportAllocs()
			b.SetBytes(int64(len(out)))
			i := 0
			for b.Loop() {
				tag := fmt.Sprintf("t%04d", i%tags)
				next := shallowStatusCopy(cur.stream())
				cloneStatusTag(next, tag)
				AddTagEvent(next, tag, event(1_000_000+i))
				strategy.PrepareForStatusUpdate(next, cur.stream())
				if _, _, _, err := encodeStream(buf, next, cur, headUnchanged(next, cur.stream())); err != nil {
					b.Fatal(err)
				}
				i++ // cur stays: every push starts from the same stream
			}
		})
	}
}

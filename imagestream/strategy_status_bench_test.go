package imagestream

import (
	"fmt"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// BenchmarkPrepareStatusUpdate compares the status strategy of a push
// that names the tags it touched with the general one that looks at every
// tag (SEMANTICS §4.5): the first should not grow with the number of
// other tags.
func BenchmarkPrepareStatusUpdate(b *testing.B) {
	var s Strategy
	for _, n := range []int{10, 1000, 3000} {
		old := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "ns", Generation: 2}}
		for i := range n {
			old.Spec.Tags = append(old.Spec.Tags, image.TagReference{Name: fmt.Sprintf("s%04d", i),
				ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
				ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}})
			old.Status.Tags = append(old.Status.Tags, image.NamedTagEventList{Tag: fmt.Sprintf("t%04d", i),
				Items: []image.TagEvent{{Image: "sha256:1", DockerImageReference: "quay.io/a/b@sha256:1", Generation: 1}}})
		}
		event := image.TagEvent{Image: "sha256:2", DockerImageReference: "quay.io/a/b@sha256:2"}
		// The pushed stream is built once; each round gives its new event
		// generation 0 again, so that the strategy has the same work.
		is := shallowStatusCopy(old)
		cloneStatusTag(is, "t0005")
		AddTagEvent(is, "t0005", event)
		newest := &StatusTag(is, "t0005").Items[0]
		facts := s.factsOf(old)
		touched := []string{"t0005"}
		b.Run(fmt.Sprintf("tags=%d/touched", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				newest.Generation = 0
				s.prepareStatusUpdate(is, old, facts.specSettled, touched)
			}
			if newest.Generation != old.Generation {
				b.Fatalf("generation %d, want %d", newest.Generation, old.Generation)
			}
		})
		b.Run(fmt.Sprintf("tags=%d/all", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				newest.Generation = 0
				s.PrepareForStatusUpdate(is, old)
			}
		})
	}
}

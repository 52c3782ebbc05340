package imagestream

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// plainStored is the oracle for sameAsStored: the stream's plain JSON as
// a store would keep it (no resourceVersion), encoded without any of the
// splicing that sameAsStored and encodeStream share.
func plainStored(t *testing.T, is *image.ImageStream) []byte {
	t.Helper()
	h := *is
	h.TypeMeta = streamTypeMeta
	h.ResourceVersion = ""
	b, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzSameAsStored: sameAsStored says "unchanged" exactly when the new
// stream's JSON is the stored JSON byte for byte. A false "unchanged"
// loses a write; a false "changed" costs a needless write and a watch
// event that OpenShift does not send. Each edit of streamEdits is
// checked, and so are variants of the stored stream itself, chosen by
// the same bytes: a copy, a copy with a time moved by less than a
// second, and copies with one value changed.
func FuzzSameAsStored(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 2, 0, 1, 3})
	f.Add([]byte{0, 0, 1, 2, 0, 1, 0, 0, 1})
	f.Add([]byte{0, 1, 1, 3, 1, 0, 0, 1, 2, 4, 1, 0})
	f.Add([]byte{4, 2, 0, 0, 2, 1, 5, 0, 0, 0, 3, 3, 1, 3, 4})
	f.Add([]byte("A00A00A00A00A00A00A00A00A00X00"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		step := 0
		streamEdits(ops, func(next *image.ImageStream, prev *cachedStream, _ bool) {
			step++
			if prev == nil {
				return
			}
			check := func(what string, is *image.ImageStream) {
				t.Helper()
				want := bytes.Equal(plainStored(t, is), plainStored(t, prev.stream()))
				if got := sameAsStored(is, prev); got != want {
					t.Fatalf("step %d, %s: sameAsStored = %v, byte comparison = %v\nnew:    %s\nstored: %s",
						step, what, got, want, plainStored(t, is), plainStored(t, prev.stream()))
				}
			}
			check("edit", next)

			old := prev.stream()
			check("copy", old.DeepCopy())
			if len(old.Status.Tags) == 0 {
				return
			}
			b := ops[(step*3)%len(ops)]
			ti := int(b) % len(old.Status.Tags)
			variant := func(what string, edit func(l *image.NamedTagEventList)) {
				v := old.DeepCopy()
				edit(&v.Status.Tags[ti])
				check(what, v)
			}
			if n := len(old.Status.Tags[ti].Items); n > 0 {
				ei := int(b>>3) % n
				variant("sub-second time", func(l *image.NamedTagEventList) {
					l.Items[ei].Created.Time = l.Items[ei].Created.Add(time.Duration(b) * time.Millisecond)
				})
				variant("time", func(l *image.NamedTagEventList) {
					l.Items[ei].Created.Time = l.Items[ei].Created.Add(time.Second)
				})
				variant("generation", func(l *image.NamedTagEventList) { l.Items[ei].Generation++ })
				variant("reference", func(l *image.NamedTagEventList) { l.Items[ei].DockerImageReference += "x" })
				variant("image", func(l *image.NamedTagEventList) { l.Items[ei].Image = "" })
				variant("events swapped", func(l *image.NamedTagEventList) {
					l.Items[0], l.Items[n-1] = l.Items[n-1], l.Items[0]
				})
			} else {
				variant("empty history", func(l *image.NamedTagEventList) { l.Items = []image.TagEvent{} })
			}
			if len(old.Status.Tags[ti].Conditions) > 0 {
				variant("condition message", func(l *image.NamedTagEventList) { l.Conditions[0].Message += "!" })
				variant("no conditions", func(l *image.NamedTagEventList) { l.Conditions = []image.TagEventCondition{} })
			}
			variant("tag renamed", func(l *image.NamedTagEventList) { l.Tag += "x" })
		})
	})
}

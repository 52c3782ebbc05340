package imagestream

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// streamEdits applies the edits encoded in ops to a chain of streams, the
// way the Service changes them (copy-on-write pushes, deep-copied
// server-side edits), and calls check with each stream and the cache
// entry of the one before.
func streamEdits(ops []byte, check func(is *image.ImageStream, prev *cachedStream, sameHead bool)) {
	is := &image.ImageStream{
		TypeMeta:   streamTypeMeta,
		ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "ns", Generation: 1},
		Status:     image.ImageStreamStatus{DockerImageRepository: "registry.local/ns/app"},
	}
	var prev *cachedStream
	for i := 0; i+2 < len(ops); i += 3 {
		op, tag, img := ops[i]%6, fmt.Sprintf("t%d", ops[i+1]%5), int(ops[i+2]%8)
		event := image.TagEvent{
			Created:              image.Date(2024, 1, 1, 0, 0, int(ops[i+2])%60),
			DockerImageReference: fmt.Sprintf("quay.io/x/y@sha256:%064x", img),
			Image:                fmt.Sprintf("sha256:%064x", img),
			Generation:           is.Generation,
		}
		sameHead := true
		next := shallowStatusCopy(is)
		switch op {
		case 0, 1: // a push
			cloneStatusTag(next, tag)
			AddTagEvent(next, tag, event)
		case 2: // a push of the same image from elsewhere: collapses
			cloneStatusTag(next, tag)
			event.DockerImageReference = "mirror.io/x/y@" + event.Image
			AddTagEvent(next, tag, event)
		case 3: // a failed import: a condition, on a deep copy
			next = is.DeepCopy()
			l := ensureStatusTag(next, tag)
			l.Conditions = append(l.Conditions, image.TagEventCondition{Type: image.ImportSuccess, Status: image.ConditionFalse, Message: "failed \"<quoted>\"", Generation: next.Generation})
		case 4: // the tag is deleted, or holds only a condition with no history
			next = is.DeepCopy()
			if !RemoveStatusTag(next, tag) {
				next.Status.Tags = append(next.Status.Tags, image.NamedTagEventList{Tag: tag, Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse}}})
				Normalize(next)
			}
		case 5: // a spec change
			next = is.DeepCopy()
			next.Generation++
			next.Spec.Tags = append(next.Spec.Tags, image.TagReference{Name: fmt.Sprintf("s%d", next.Generation)})
			// Stored streams are normalized (s10 before s2): without this,
			// a later Normalize would re-sort the head under sameHead.
			Normalize(next)
			sameHead = false
		}
		check(next, prev, sameHead)
		out, tags, head, err := encodeStream(nil, next, prev, sameHead)
		if err != nil {
			panic(err)
		}
		prev = newFlatEntry(0, next, tags, head, len(out), streamFacts{})
		is = next
	}
}

// FuzzEncodeStream: whatever the edits, the spliced encoding of a stream
// decodes to the stream, exactly as its plain JSON encoding does.
func FuzzEncodeStream(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 2, 0, 1, 3})                   // pushes
	f.Add([]byte{0, 0, 1, 2, 0, 1, 0, 0, 1})                   // collapse, then same again
	f.Add([]byte{0, 1, 1, 3, 1, 0, 0, 1, 2, 4, 1, 0})          // condition, push, delete
	f.Add([]byte{4, 2, 0, 0, 2, 1, 5, 0, 0, 0, 3, 3, 1, 3, 4}) // condition-only tag, spec change
	f.Add([]byte("A00A00A00A00A00A00A00A00A00X00"))            // spec tags s2…s10, then a condition-only tag
	f.Fuzz(func(t *testing.T, ops []byte) {
		streamEdits(ops, func(is *image.ImageStream, prev *cachedStream, sameHead bool) {
			out, _, _, err := encodeStream(nil, is, prev, sameHead)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := json.Marshal(is)
			if err != nil {
				t.Fatal(err)
			}
			var got, want image.ImageStream
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("spliced encoding does not decode: %v\n%s", err, out)
			}
			if err := json.Unmarshal(plain, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("spliced encoding (-plain +spliced):\n%s", diff)
			}
		})
	})
}

// TestEncodeStreamReuse: a push encodes only its new event; the JSON of
// the other tags and of the older events is reused.
func TestEncodeStreamReuse(t *testing.T) {
	var entries []*cachedStream
	var last *image.ImageStream
	streamEdits([]byte{0, 0, 1, 0, 1, 2, 0, 0, 3}, func(is *image.ImageStream, prev *cachedStream, sameHead bool) {
		entries = append(entries, prev)
		last = is
	})
	prev := entries[len(entries)-1] // t0 holds image 1, t1 image 2; t0 gets image 3
	_, tags, head, err := encodeStream(nil, last, prev, true)
	if err != nil {
		t.Fatal(err)
	}
	if &head[0] != &prev.head[0] {
		t.Errorf("head encoded again")
	}
	if &tags[1].b[0] != &prev.tags[1].b[0] {
		t.Errorf("untouched tag t1 encoded again")
	}
	// t0 now holds [3, 1]: the JSON of event 1 is copied from the old
	// encoding of t0, so it is the same bytes.
	old, now := prev.tags[0], tags[0]
	if got, want := string(now.b[now.items[1]:now.itemsEnd]), string(old.b[old.items[0]:old.itemsEnd]); got != want {
		t.Errorf("kept events %s, want %s", got, want)
	}
}

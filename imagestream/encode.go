package imagestream

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/imagestreams/imagestreams/image"
)

// A stored stream is re-encoded on every write, and most of it has not
// changed: a push adds one event in front of one tag's history. The
// encoder therefore works from the previous encoding (a cachedStream):
//
//   - the "head" (everything but the status tags) is reused when the
//     caller knows it is unchanged;
//   - a status tag whose history and conditions are unchanged reuses its
//     JSON as is;
//   - a changed tag reuses the JSON of the longest run of old events its
//     history still ends with, and encodes only the events in front of it
//     (the new ones) and its conditions.
//
// So a push encodes one event whatever the size of the stream; the rest is
// copying bytes.

// tagJSON is the JSON of one status tag with the offsets that let the next
// encoding reuse part of its events. It is never modified once built, so
// successive cache entries share it.
type tagJSON struct {
	b []byte
	// list is false when the items are encoded as null.
	list bool
	// items[i] is the offset in b of the first byte of event i.
	items []int32
	// itemsEnd is the offset of the "]" that closes the events.
	itemsEnd int32
}

// encodeStream encodes is, reusing what it can of prev (which may be nil)
// and, with sameHead, prev's head. The encoding is built in dst's storage.
// It returns the encoding and, for the next cache entry, the JSON of
// every status tag and the head.
func encodeStream(dst []byte, is *image.ImageStream, prev *cachedStream, sameHead bool) (out []byte, tags []*tagJSON, head []byte, err error) {
	if head, err = encodeStreamHead(is, prev, sameHead); err != nil {
		return nil, nil, nil, err
	}
	if tags, err = encodeStatusTags(is, prev); err != nil {
		return nil, nil, nil, err
	}
	// Status comes last in the encoding, and it is never empty (its
	// dockerImageRepository has no omitempty): splice the tags in front of
	// the final "}}".
	n := len(head)
	if len(tags) == 0 {
		return append(dst[:0], head...), tags, head, nil
	}
	if n < 3 || !bytes.HasSuffix(head, []byte("}}")) || head[n-3] == '{' {
		out, err = json.Marshal(is)
		return out, tags, nil, err
	}
	size := n + len(`,"tags":[]`)
	for _, t := range tags {
		size += len(t.b) + 1
	}
	if cap(dst) < size {
		// Not slices.Grow: make can skip clearing memory fresh from the
		// OS, and an owned buffer (streamwrite.go) is always fresh.
		dst = make([]byte, 0, size)
	}
	out = dst[:0]
	out = append(out, head[:n-2]...)
	out = append(out, `,"tags":[`...)
	for i, t := range tags {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, t.b...)
	}
	return append(out, "]}}"...), tags, head, nil
}

// encodeStreamHead returns the head of is (see encodeHead), prev's when
// sameHead says it is unchanged.
func encodeStreamHead(is *image.ImageStream, prev *cachedStream, sameHead bool) ([]byte, error) {
	if sameHead && prev != nil && prev.head != nil {
		return prev.head, nil
	}
	return encodeHead(is)
}

// encodeStatusTags returns the JSON of every status tag of is, reusing
// prev's (which may be nil) for the tags that did not change.
func encodeStatusTags(is *image.ImageStream, prev *cachedStream) ([]*tagJSON, error) {
	// One pointer per tag: the tags a push leaves alone share their
	// tagJSON with prev, so this list is the only per-tag cost besides
	// copying bytes.
	tags := make([]*tagJSON, len(is.Status.Tags))
	var old []image.NamedTagEventList
	var oldJSON []*tagJSON
	if prev != nil {
		if oldJSON = prev.tagJSONs(); oldJSON != nil {
			old = prev.stream().Status.Tags
		}
	}
	j := 0 // both lists are sorted: walk them side by side
	for i := range is.Status.Tags {
		l := &is.Status.Tags[i]
		for j < len(old) && old[j].Tag < l.Tag {
			j++
		}
		var was *image.NamedTagEventList
		var wasJSON *tagJSON
		if j < len(old) && old[j].Tag == l.Tag {
			was, wasJSON = &old[j], oldJSON[j]
		}
		var err error
		if tags[i], err = encodeTag(l, was, wasJSON); err != nil {
			return nil, err
		}
	}
	return tags, nil
}

// encodeHead returns the JSON of is without status tags and without
// resourceVersion, with its kind and apiVersion.
func encodeHead(is *image.ImageStream) ([]byte, error) {
	h := *is
	h.ResourceVersion = ""
	h.Status.Tags = nil
	if h.Kind == "" && h.APIVersion == "" {
		h.TypeMeta = image.TypeMeta{Kind: "ImageStream", APIVersion: image.APIVersion}
	}
	return json.Marshal(&h)
}

// encodeTag returns the JSON of l, reusing what it can of the JSON of was,
// the same tag in the previous encoding (nil if none).
func encodeTag(l, was *image.NamedTagEventList, wasJSON *tagJSON) (*tagJSON, error) {
	if was != nil && wasJSON != nil && eventsEqual(l.Items, was.Items) && slices.Equal(l.Conditions, was.Conditions) &&
		(l.Items == nil) == (was.Items == nil) {
		return wasJSON, nil
	}
	if l.Items == nil {
		b, err := json.Marshal(l)
		return &tagJSON{b: b}, err
	}
	// keep is the number of trailing events shared with the old history.
	keep := 0
	if was != nil && wasJSON != nil && wasJSON.list {
		for keep < len(l.Items) && keep < len(was.Items) && l.Items[len(l.Items)-1-keep] == was.Items[len(was.Items)-1-keep] {
			keep++
		}
	}
	fresh := len(l.Items) - keep
	size := 64 + len(l.Tag) + fresh*256
	if keep > 0 {
		size += len(wasJSON.b)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"tag":`...)
	name, err := json.Marshal(l.Tag)
	if err != nil {
		return nil, err
	}
	b = append(b, name...)
	b = append(b, `,"items":[`...)
	offs := make([]int32, len(l.Items))
	for i := range fresh {
		if i > 0 {
			b = append(b, ',')
		}
		offs[i] = int32(len(b))
		e, err := json.Marshal(&l.Items[i])
		if err != nil {
			return nil, err
		}
		b = append(b, e...)
	}
	if keep > 0 {
		if fresh > 0 {
			b = append(b, ',')
		}
		k := len(was.Items) - keep
		shift := int32(len(b)) - wasJSON.items[k]
		b = append(b, wasJSON.b[wasJSON.items[k]:wasJSON.itemsEnd]...)
		for i := range keep {
			offs[fresh+i] = wasJSON.items[k+i] + shift
		}
	}
	end := int32(len(b))
	b = append(b, ']')
	if len(l.Conditions) > 0 {
		c, err := json.Marshal(l.Conditions)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"conditions":`...)
		b = append(b, c...)
	}
	b = append(b, '}')
	return &tagJSON{b: b, list: true, items: offs, itemsEnd: end}, nil
}

// eventsEqual reports whether two histories hold equal events, checking
// first whether they are the same slice.
func eventsEqual(a, b []image.TagEvent) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

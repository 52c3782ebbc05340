package imagestream

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"

	"github.com/imagestreams/imagestreams/image"
)

// Streams are stored as JSON, and a stream with a long history is large:
// decoding and re-encoding all of it to append one tag event would make a
// push cost grow with every other tag of the stream. The Service therefore
// keeps, per stream, the last version it read or wrote as an immutable
// decoded value together with the JSON of each status tag. A write that
// changes a few tags copies only those (copy-on-write), re-encodes only
// those, and splices the unchanged tags' JSON back in.

// streamCacheSize bounds the number of streams kept decoded.
const streamCacheSize = 256

// cachedStream is one immutable decoded stream at a revision.
type cachedStream struct {
	rv int64
	is *image.ImageStream // never modified once cached
	// tags[i] is the JSON of is.Status.Tags[i].
	tags [][]byte
}

type streamCache struct {
	mu sync.Mutex
	m  map[string]*cachedStream
}

func (c *streamCache) get(key string, rv int64) *cachedStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil && e.rv == rv {
		return e
	}
	return nil
}

func (c *streamCache) put(key string, e *cachedStream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*cachedStream)
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= streamCacheSize {
		for k := range c.m { // evict an arbitrary entry
			delete(c.m, k)
			break
		}
	}
	c.m[key] = e
}

// shallowStatusCopy returns a copy of the cached stream sharing everything
// but the status tag list header, which it copies so tags can be replaced.
// Callers must clone a tag (cloneStatusTag) before changing it.
func shallowStatusCopy(is *image.ImageStream) *image.ImageStream {
	out := *is
	out.Status.Tags = append([]image.NamedTagEventList(nil), is.Status.Tags...)
	return &out
}

// cloneStatusTag gives tag its own items and conditions.
func cloneStatusTag(is *image.ImageStream, tag string) {
	if l := StatusTag(is, tag); l != nil {
		l.Items = append(make([]image.TagEvent, 0, len(l.Items)+1), l.Items...)
		l.Conditions = append([]image.TagEventCondition(nil), l.Conditions...)
	}
}

// encodeStream encodes is, reusing the JSON of status tags that are
// unchanged since prev (same backing arrays). It returns the encoding and
// the JSON of every status tag.
func encodeStream(dst []byte, is *image.ImageStream, prev *cachedStream) ([]byte, [][]byte, error) {
	head := *is
	head.ResourceVersion = ""
	head.Status.Tags = nil
	if head.Kind == "" && head.APIVersion == "" {
		head.TypeMeta = image.TypeMeta{Kind: "ImageStream", APIVersion: image.APIVersion}
	}
	base, err := json.Marshal(&head)
	if err != nil {
		return nil, nil, err
	}
	tags := make([][]byte, len(is.Status.Tags))
	for i := range is.Status.Tags {
		if frag := prev.fragment(&is.Status.Tags[i]); frag != nil {
			tags[i] = frag
			continue
		}
		if tags[i], err = json.Marshal(&is.Status.Tags[i]); err != nil {
			return nil, nil, err
		}
	}
	if len(tags) == 0 {
		return base, tags, nil
	}
	// The status, and its tags, come last in the encoding: splice the tags
	// in front of the final "}}".
	if !bytes.HasSuffix(base, []byte("}}")) {
		b, err := json.Marshal(is)
		return b, tags, err
	}
	n := len(base) - 2
	for _, t := range tags {
		n += len(t) + 1
	}
	out := slices.Grow(dst[:0], n+len(`,"tags":[]}}`))
	out = append(out, base[:len(base)-2]...)
	out = append(out, `,"tags":[`...)
	for i, t := range tags {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, t...)
	}
	return append(out, "]}}"...), tags, nil
}

// fragment returns the cached JSON of tag if it is the very list the
// cached stream holds, unchanged.
func (c *cachedStream) fragment(l *image.NamedTagEventList) []byte {
	if c == nil {
		return nil
	}
	i, ok := statusIndex(c.is, l.Tag)
	if !ok {
		return nil
	}
	old := &c.is.Status.Tags[i]
	if sameSlice(old.Items, l.Items) && sameSlice(old.Conditions, l.Conditions) {
		return c.tags[i]
	}
	return nil
}

// sameSlice reports whether a and b are the same slice: same backing
// array and length.
func sameSlice[T any](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

// encodeBuffers recycles the buffers streams are encoded into: every store
// keeps its own copy of a value (a storage.Interface requirement checked by
// storagetest), so the buffer is free again once the write returns, and a
// large stream need not cost a fresh large allocation per push.
type encodeBuffers struct{ pool sync.Pool }

func (p *encodeBuffers) get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return *b
	}
	return nil
}

func (p *encodeBuffers) put(b []byte) {
	if cap(b) <= 4<<20 { // do not pin buffers of rare huge streams
		p.pool.Put(&b)
	}
}

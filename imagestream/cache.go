package imagestream

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/imagestreams/imagestreams/image"
)

// Streams are stored as JSON, and a stream with a long history is large:
// decoding and re-encoding all of it to append one tag event would make a
// push cost grow with every other tag of the stream. The Service therefore
// keeps, per stream, the last revision it read or wrote as an immutable
// decoded value together with the JSON of each status tag and of the rest
// of the stream. A push copies only the tags it changes and encodes only
// the new events (encode.go), splicing the JSON of everything else back
// in; it works on the status tags cut into chunks (chunks.go), so that it
// copies a few chunks rather than one entry per tag, and hands a store
// that keeps values as parts (partsUpdater) the chunks' JSON as it is.
// Other stores get one fresh buffer per write (ownedUpdater: without a
// further copy), whose size is then the only cost proportional to the
// stream's.

// Cache bounds: entries, and bytes of stored JSON they stand for (each
// entry holds about twice that: the decoded stream and its fragments).
const (
	defaultStreamCacheSize = 256
	streamCacheBytes       = 64 << 20
)

// cachedStream is one decoded stream at one revision. Nothing in it is
// ever modified once it is in the cache; it may be shared by goroutines.
// An entry holds its status tags either flat (decoded, or written by a
// write other than a push) or in chunks (written by a push, chunks.go);
// each form is built from the other when first asked for.
type cachedStream struct {
	rv int64
	// flat is the whole stream; built from meta and chunks when nil.
	flat atomic.Pointer[image.ImageStream]
	// meta is the stream without status tags, set when chunks are.
	meta *image.ImageStream
	// chunks are the status tags cut into runs with their JSON; built
	// from flat and tags when nil.
	chunks atomic.Pointer[[]*tagChunk]
	// tags[i] is the JSON of the flat stream's Status.Tags[i], shared with
	// the entries of other revisions where the tag is the same; the list
	// is nil when not known yet, as after a decode, or when the entry
	// holds chunks.
	tags []*tagJSON
	// head is the JSON of the stream without status tags and without
	// resourceVersion, ending in "}}"; nil when not known. prefix is
	// tagsPrefix(head), or nil.
	head, prefix []byte
	// size is the length of the stored value.
	size int
	// facts spare a push from scanning the tags it does not touch.
	facts streamFacts
}

// newFlatEntry returns an entry holding is flat.
func newFlatEntry(rv int64, is *image.ImageStream, tags []*tagJSON, head []byte, size int, facts streamFacts) *cachedStream {
	e := &cachedStream{rv: rv, tags: tags, head: head, size: size, facts: facts}
	e.flat.Store(is)
	return e
}

// stream returns the whole stream, shared: callers must not modify it.
func (e *cachedStream) stream() *image.ImageStream {
	if is := e.flat.Load(); is != nil {
		return is
	}
	is := *e.meta
	is.Status.Tags, _ = flattenChunks(*e.chunks.Load())
	e.flat.CompareAndSwap(nil, &is)
	return e.flat.Load()
}

// tagJSONs returns the JSON of every status tag of stream(), or nil when
// not known.
func (e *cachedStream) tagJSONs() []*tagJSON {
	if e.flat.Load() != nil && e.meta == nil {
		return e.tags
	}
	if c := e.chunks.Load(); c != nil {
		_, js := flattenChunks(*c)
		return js
	}
	return nil
}

// metaStream returns the stream without status tags, shared.
func (e *cachedStream) metaStream() *image.ImageStream {
	if e.meta != nil {
		return e.meta
	}
	m := *e.flat.Load()
	m.Status.Tags = nil
	return &m
}

// chunked returns the status tags in chunks, encoding the tags whose
// JSON is not known.
func (e *cachedStream) chunked() ([]*tagChunk, error) {
	if c := e.chunks.Load(); c != nil {
		return *c, nil
	}
	tags := e.flat.Load().Status.Tags
	js := e.tags
	if js == nil {
		js = make([]*tagJSON, len(tags))
		for i := range tags {
			j, err := encodeTag(&tags[i], nil, nil)
			if err != nil {
				return nil, err
			}
			js[i] = j
		}
	}
	c := cutChunks(tags, js)
	e.chunks.CompareAndSwap(nil, &c)
	return *e.chunks.Load(), nil
}

// streamFacts are what a push would otherwise learn by looking at every
// tag of the stream it writes to. They are computed once per revision
// that a push did not write (decoded, created or updated otherwise, all
// of which look at every tag anyway); a push derives its revision's facts
// from those it started from, so the cost of appending a tag event does
// not grow with the number of other tags.
type streamFacts struct {
	// zeroGen lists the status tags whose newest event has generation 0;
	// the status strategy gives those a generation on any status write.
	zeroGen []string
	// specSettled reports Strategy.specTagsSettled of the spec tags:
	// defaulting and Normalize would leave them as they are.
	specSettled bool
	// tracking reports whether some spec tag is of kind ImageStreamTag
	// and so may track a tag of the stream (SEMANTICS §5.3).
	tracking bool
}

// factsOf computes the facts of a stream by looking at every tag.
func (s *Strategy) factsOf(is *image.ImageStream) streamFacts {
	f := streamFacts{specSettled: s.specTagsSettled(is.Spec.Tags)}
	for i := range is.Spec.Tags {
		if from := is.Spec.Tags[i].From; from != nil && from.Kind == image.KindImageStreamTag {
			f.tracking = true
			break
		}
	}
	for i := range is.Status.Tags {
		if l := &is.Status.Tags[i]; len(l.Items) > 0 && l.Items[0].Generation == 0 {
			f.zeroGen = append(f.zeroGen, l.Tag)
		}
	}
	return f
}

// afterPush is the facts of the revision a push writes over a revision
// with facts f: the spec is shared, and the status strategy has given
// every newest event a generation.
func (f streamFacts) afterPush() *streamFacts {
	f.zeroGen = nil
	return &f
}

// streamCache maps a stream key to its newest cachedStream.
type streamCache struct {
	size int // maximum entries; 0 disables the cache

	mu    sync.Mutex
	m     map[string]*cachedStream // guarded by mu
	bytes int                      // sum of sizes, guarded by mu
}

func (c *streamCache) get(key string, rv int64) *cachedStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil && e.rv == rv {
		return e
	}
	return nil
}

// put caches e for key unless an entry for a newer revision is there.
func (c *streamCache) put(key string, e *cachedStream) {
	if c.size == 0 || e.size > streamCacheBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*cachedStream)
	}
	if old := c.m[key]; old != nil {
		if old.rv > e.rv {
			return
		}
		c.bytes -= old.size
		delete(c.m, key)
	}
	for k, v := range c.m { // map order makes this a random eviction
		if len(c.m) < c.size && c.bytes+e.size <= streamCacheBytes {
			break
		}
		c.bytes -= v.size
		delete(c.m, k)
	}
	c.m[key] = e
	c.bytes += e.size
}

// remove forgets key, so that a stream deleted and created again is not
// served from a stale entry whose revision happens to match.
func (c *streamCache) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		c.bytes -= e.size
		delete(c.m, key)
	}
}

// shallowStatusCopy returns a copy of is sharing everything but the status
// tag list, whose header it copies so entries can be replaced. Callers
// must give a tag its own items (cloneStatusTag) before changing it.
func shallowStatusCopy(is *image.ImageStream) *image.ImageStream {
	out := *is
	out.Status.Tags = slices.Clone(is.Status.Tags)
	return &out
}

// cloneStatusTag gives tag its own items and conditions, with room for one
// more event, so that AddTagEvent can change it without touching a shared
// stream.
func cloneStatusTag(is *image.ImageStream, tag string) {
	if l := StatusTag(is, tag); l != nil {
		l.Items = append(make([]image.TagEvent, 0, len(l.Items)+1), l.Items...)
		l.Conditions = slices.Clone(l.Conditions)
	}
}

// encodeBuffers recycles the buffers streams are encoded into for stores
// that copy what they are given (a storage.Interface requirement checked
// by storagetest): a buffer is free again once the write returns. Stores
// that take buffers over (ownedUpdater) get a fresh one per write instead.
type encodeBuffers struct{ pool sync.Pool }

func (p *encodeBuffers) get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return *b
	}
	return nil
}

func (p *encodeBuffers) put(b []byte) {
	if cap(b) <= 4<<20 { // do not pin the buffers of rare huge streams
		p.pool.Put(&b)
	}
}

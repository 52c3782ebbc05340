package imagestream

import (
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// Even with the JSON of every unchanged tag reused (encode.go), a push
// into a stream of n tags still copied O(n): the decoded tag list (copy on
// write), one tagJSON pointer per tag, and the whole new value. A stream
// with thousands of tags paid for all of them on every push.
//
// So the push path keeps a stream's status tags in chunks: runs of
// consecutive tags (in tag order) with their decoded lists, their JSON
// and the JSON of the run joined. Chunks are immutable and shared by
// successive revisions; a push copies the list of chunks (n/chunkTags
// pointers) and the chunks holding the tags it changes. A store that
// keeps a value as parts (partsUpdater, the memory store) is handed the
// chunks' JSON as they are, so nothing else is copied: the cost of
// appending a tag event no longer depends on the number of other tags.
// The flat *image.ImageStream that every other operation reads is built
// from the chunks only when one asks for it (cachedStream.stream).

// Chunk bounds: a chunk is cut when it reaches chunkTags tags or
// chunkBytes of JSON, so that rewriting one stays cheap while the list of
// chunks stays short; a chunk a push grows past twice either bound is cut
// again.
const (
	chunkTags  = 32
	chunkBytes = 8 << 10
)

// tagChunk is a run of status tags, immutable once built.
type tagChunk struct {
	tags []image.NamedTagEventList
	json []*tagJSON
	// joined is the JSON of the tags separated by commas.
	joined []byte
}

// last returns the name of the chunk's last tag.
func (c *tagChunk) last() string { return c.tags[len(c.tags)-1].Tag }

// cutChunks splits tags, with their JSON, into chunks.
func cutChunks(tags []image.NamedTagEventList, js []*tagJSON) []*tagChunk {
	var out []*tagChunk
	for start := 0; start < len(tags); {
		end, size := start, 0
		for end < len(tags) && end-start < chunkTags && (end == start || size+len(js[end].b) <= chunkBytes) {
			size += len(js[end].b) + 1
			end++
		}
		out = append(out, newChunk(tags[start:end:end], js[start:end:end]))
		start = end
	}
	return out
}

// newChunk joins the JSON of tags into a chunk that owns both slices.
func newChunk(tags []image.NamedTagEventList, js []*tagJSON) *tagChunk {
	n := len(js)
	for _, j := range js {
		n += len(j.b)
	}
	b := make([]byte, 0, n)
	for i, j := range js {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, j.b...)
	}
	return &tagChunk{tags: tags, json: js, joined: b}
}

// chunkOf returns the index of the chunk where tag is or would be
// inserted, and the tag's position in it (-1 when absent).
func chunkOf(chunks []*tagChunk, tag string) (ci, ti int) {
	ci, _ = slices.BinarySearchFunc(chunks, tag, func(c *tagChunk, t string) int { return strings.Compare(c.last(), t) })
	if ci == len(chunks) {
		ci-- // after every tag: the last chunk grows
	}
	if ci < 0 {
		return 0, -1
	}
	i, ok := slices.BinarySearchFunc(chunks[ci].tags, tag, func(l image.NamedTagEventList, t string) int { return strings.Compare(l.Tag, t) })
	if !ok {
		return ci, -1
	}
	return ci, i
}

// findTag returns the status tag named tag of chunks, or nil.
func findTag(chunks []*tagChunk, tag string) *image.NamedTagEventList {
	if len(chunks) == 0 {
		return nil
	}
	ci, ti := chunkOf(chunks, tag)
	if ti < 0 {
		return nil
	}
	return &chunks[ci].tags[ti]
}

// replaceTags returns chunks with the given status tags put in: each
// replaces the tag of the same name or is inserted in order. changed is
// sorted by tag. Only the chunks holding those tags are rebuilt; the JSON
// of each changed tag reuses what it can of the old one (encodeTag).
func replaceTags(chunks []*tagChunk, changed []image.NamedTagEventList) ([]*tagChunk, error) {
	out := slices.Clone(chunks)
	// Chunks already copied for this call, by index in out; a copy owns
	// its slices, so later tags of the same chunk change it in place.
	var copied []int
	if len(out) == 0 {
		out, copied = []*tagChunk{{}}, []int{0}
	}
	for i := range changed {
		l := &changed[i]
		ci, ti := 0, -1
		if len(out[0].tags) > 0 { // else the one chunk of a stream with no tags yet
			ci, ti = chunkOf(out, l.Tag)
		}
		c := out[ci]
		if !slices.Contains(copied, ci) {
			c = &tagChunk{tags: slices.Clone(c.tags), json: slices.Clone(c.json)}
			out[ci] = c
			copied = append(copied, ci)
		}
		var was *image.NamedTagEventList
		var wasJSON *tagJSON
		if ti >= 0 {
			was, wasJSON = &c.tags[ti], c.json[ti]
		}
		j, err := encodeTag(l, was, wasJSON)
		if err != nil {
			return nil, err
		}
		if ti >= 0 {
			c.tags[ti], c.json[ti] = *l, j
			continue
		}
		at, _ := slices.BinarySearchFunc(c.tags, l.Tag, func(x image.NamedTagEventList, t string) int { return strings.Compare(x.Tag, t) })
		c.tags = slices.Insert(c.tags, at, *l)
		c.json = slices.Insert(c.json, at, j)
	}
	// Join the rebuilt chunks, from the last so that cutting one into
	// several does not move the indices still to do.
	slices.Sort(copied)
	for k := len(copied) - 1; k >= 0; k-- {
		ci := copied[k]
		c := out[ci]
		size := 0
		for _, j := range c.json {
			size += len(j.b) + 1
		}
		if len(c.tags) > 2*chunkTags || (len(c.tags) > 1 && size > 2*chunkBytes) {
			out = slices.Replace(out, ci, ci+1, cutChunks(c.tags, c.json)...)
			continue
		}
		out[ci] = newChunk(c.tags, c.json)
	}
	return out, nil
}

// flattenChunks returns the status tags of chunks as one list, sharing
// every tag's items.
func flattenChunks(chunks []*tagChunk) ([]image.NamedTagEventList, []*tagJSON) {
	n := 0
	for _, c := range chunks {
		n += len(c.tags)
	}
	if n == 0 {
		return nil, nil
	}
	tags := make([]image.NamedTagEventList, 0, n)
	js := make([]*tagJSON, 0, n)
	for _, c := range chunks {
		tags = append(tags, c.tags...)
		js = append(js, c.json...)
	}
	return tags, js
}

// Separators of the parts of a chunked encoding; never modified.
var (
	partComma   = []byte(",")
	partTagsEnd = []byte("]}}")
)

// streamParts returns the encoding of a stream whose head (see
// encodeHead) is head, or rather its prefix up to and including
// `"tags":[` as made by tagsPrefix, and whose status tags are chunks: a
// list of slices whose concatenation is the JSON, sharing the chunks'
// bytes. It also returns the total length.
func streamParts(prefix []byte, chunks []*tagChunk) ([][]byte, int) {
	parts := make([][]byte, 0, 2*len(chunks)+1)
	parts = append(parts, prefix)
	size := len(prefix) + len(partTagsEnd)
	for i, c := range chunks {
		if i > 0 {
			parts = append(parts, partComma)
			size++
		}
		parts = append(parts, c.joined)
		size += len(c.joined)
	}
	return append(parts, partTagsEnd), size
}

// tagsPrefix returns head without its final "}}" followed by `,"tags":[`,
// or false when head does not end the way encodeHead ends a stream with
// a non-empty status (see encodeStream).
func tagsPrefix(head []byte) ([]byte, bool) {
	n := len(head)
	if n < 3 || head[n-2] != '}' || head[n-1] != '}' || head[n-3] == '{' {
		return nil, false
	}
	b := make([]byte, 0, n-2+len(`,"tags":[`))
	b = append(b, head[:n-2]...)
	return append(b, `,"tags":[`...), true
}

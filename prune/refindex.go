package prune

import (
	"cmp"
	"slices"
	"strings"
)

// refIndex groups the parsed references by stream, so that rows 2 and 5
// of stage 1 (PRUNE.md §1.3) search a stream's few references instead of
// hashing "ns/name:tag" keys, and holds no per-key allocations.
type refIndex struct {
	// Stream si's references are tags[tagOff[si]:tagOff[si+1]], sorted
	// by tag then reference, and likewise images by image index.
	tagOff, imgOff []int32
	tags           []tagRef
	images         []imgRef
	// byImage[imgAt[i]:imgAt[i+1]] are the references, in any repository,
	// to image i; only for Options.KeepReferencedImages.
	imgAt   []int32
	byImage []int32
}

type tagRef struct {
	tag string
	ref int32
}

type imgRef struct{ img, ref int32 }

// buildRefIndex groups refs by stream.
func buildRefIndex(refs []parsedRef, x *index, p *policy) *refIndex {
	n := len(x.streams)
	ri := &refIndex{tagOff: make([]int32, n+1), imgOff: make([]int32, n+1)}
	// Resolve digests to images once; a digest that is no image cannot
	// match an event row 5 reaches (its image exists).
	img := make([]int32, len(refs))
	for i := range refs {
		img[i] = -1
		r := &refs[i]
		if r.kind == refImage {
			if id, ok := x.image(r.item); ok {
				img[i] = id
			}
		}
		switch {
		case r.stream < 0:
		case r.kind == refTag:
			ri.tagOff[r.stream+1]++
		case img[i] >= 0:
			ri.imgOff[r.stream+1]++
		}
	}
	for si := range n {
		ri.tagOff[si+1] += ri.tagOff[si]
		ri.imgOff[si+1] += ri.imgOff[si]
	}
	ri.tags = make([]tagRef, ri.tagOff[n])
	ri.images = make([]imgRef, ri.imgOff[n])
	tagAt, imgAt := slices.Clone(ri.tagOff[:n]), slices.Clone(ri.imgOff[:n])
	for i := range refs {
		r := &refs[i]
		switch {
		case r.stream < 0:
		case r.kind == refTag:
			ri.tags[tagAt[r.stream]] = tagRef{r.item, r.ref}
			tagAt[r.stream]++
		case img[i] >= 0:
			ri.images[imgAt[r.stream]] = imgRef{img[i], r.ref}
			imgAt[r.stream]++
		}
	}
	for si := range n {
		slices.SortFunc(ri.tags[ri.tagOff[si]:ri.tagOff[si+1]], func(a, b tagRef) int {
			return cmp.Or(strings.Compare(a.tag, b.tag), cmp.Compare(a.ref, b.ref))
		})
		slices.SortFunc(ri.images[ri.imgOff[si]:ri.imgOff[si+1]], func(a, b imgRef) int {
			return cmp.Or(cmp.Compare(a.img, b.img), cmp.Compare(a.ref, b.ref))
		})
	}
	if p.KeepReferencedImages {
		ri.imgAt = make([]int32, len(x.images)+1)
		for _, id := range img {
			if id >= 0 {
				ri.imgAt[id+1]++
			}
		}
		for i := range x.images {
			ri.imgAt[i+1] += ri.imgAt[i]
		}
		ri.byImage = make([]int32, ri.imgAt[len(x.images)])
		at := slices.Clone(ri.imgAt)
		for i, id := range img {
			if id >= 0 {
				ri.byImage[at[id]] = refs[i].ref
				at[id]++
			}
		}
	}
	return ri
}

// tagRefs returns the references to tag of stream si.
func (ri *refIndex) tagRefs(si int, tag string) []tagRef {
	return equalRange(ri.tags[ri.tagOff[si]:ri.tagOff[si+1]], tag, func(e tagRef, t string) int { return strings.Compare(e.tag, t) })
}

// imageRefs returns the references to image img in stream si.
func (ri *refIndex) imageRefs(si int, img int32) []imgRef {
	return equalRange(ri.images[ri.imgOff[si]:ri.imgOff[si+1]], img, func(e imgRef, t int32) int { return cmp.Compare(e.img, t) })
}

// equalRange returns the run of g, sorted by compare, whose elements
// compare equal to key; nil when there is none.
func equalRange[E, K any](g []E, key K, compare func(E, K) int) []E {
	i, ok := slices.BinarySearchFunc(g, key, compare)
	if !ok {
		return nil
	}
	j := i + 1
	for j < len(g) && compare(g[j], key) == 0 {
		j++
	}
	return g[i:j]
}

// anyRefs returns the references to image img in any repository.
func (ri *refIndex) anyRefs(img int) []int32 {
	if ri.imgAt == nil {
		return nil
	}
	return ri.byImage[ri.imgAt[img]:ri.imgAt[img+1]]
}

// slabSize is how many elements a slab allocates at a time: results
// made of many small slices (links, referrers) are cut from a few large
// arrays instead of one allocation each.
const slabSize = 2048

// slab hands out small slices cut from larger arrays. Each slice is
// capped, so appending to it never writes into its neighbour.
type slab[T any] struct{ buf []T }

func (s *slab[T]) alloc(n int) []T {
	if n == 0 {
		return nil
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(n, slabSize))
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l+n : l+n]
}

// referrers returns the owners of up to max references, cut from s.
func referrers[E any](s *slab[Referrer], refs []Reference, es []E, ref func(E) int32, max int) []Referrer {
	out := s.alloc(min(len(es), max))
	for i := range out {
		out[i] = refs[ref(es[i])].referrer()
	}
	return out
}

package memory

import (
	"iter"
	"slices"
	"sort"
	"strings"
)

// chunkMax bounds the entries of one index chunk. Inserting into a chunk
// moves at most this many entries, and a split moves only the list of
// chunks, so inserts stay cheap at a million keys while lookups and ordered
// scans stay as simple as on a sorted slice.
const chunkMax = 512

// entry is one key of the index with its record.
type entry struct {
	key string
	rec *record
}

// index is an ordered set of keys: a list of sorted, non-empty chunks, each
// holding keys greater than those of the chunk before it. It is not safe
// for concurrent use; the Store's mutex guards it.
type index struct {
	chunks [][]entry
}

// find returns the chunk that holds key or would receive it, and the
// position of the first entry >= key in it. For a key greater than every
// key it returns the last chunk and its length; with no chunks, (-1, 0).
func (x *index) find(key string) (ci, ei int) {
	if len(x.chunks) == 0 {
		return -1, 0
	}
	ci = sort.Search(len(x.chunks), func(i int) bool {
		c := x.chunks[i]
		return c[len(c)-1].key >= key
	})
	if ci == len(x.chunks) {
		ci--
		return ci, len(x.chunks[ci])
	}
	c := x.chunks[ci]
	ei = sort.Search(len(c), func(i int) bool { return c[i].key >= key })
	return ci, ei
}

// insert adds key, which must not be in the index.
func (x *index) insert(key string, rec *record) {
	ci, ei := x.find(key)
	if ci < 0 {
		x.chunks = append(x.chunks, []entry{{key, rec}})
		return
	}
	c := slices.Insert(x.chunks[ci], ei, entry{key, rec})
	if len(c) <= chunkMax {
		x.chunks[ci] = c
		return
	}
	half := len(c) / 2
	// The upper half gets its own array: the lower half keeps growing in
	// place and would otherwise overwrite it.
	upper := append(make([]entry, 0, chunkMax), c[half:]...)
	clear(c[half:])
	x.chunks[ci] = c[:half]
	x.chunks = slices.Insert(x.chunks, ci+1, upper)
}

// remove deletes key if present.
func (x *index) remove(key string) {
	ci, ei := x.find(key)
	if ci < 0 || ei == len(x.chunks[ci]) || x.chunks[ci][ei].key != key {
		return
	}
	c := slices.Delete(x.chunks[ci], ei, ei+1)
	x.chunks[ci] = c
	switch {
	case len(c) == 0:
		x.chunks = slices.Delete(x.chunks, ci, ci+1)
	case len(c) < chunkMax/4 && ci+1 < len(x.chunks) && len(c)+len(x.chunks[ci+1]) <= chunkMax:
		// Merge a sparse chunk into its neighbour so that deletes cannot
		// leave many near-empty chunks behind.
		x.chunks[ci] = append(c, x.chunks[ci+1]...)
		x.chunks = slices.Delete(x.chunks, ci+1, ci+2)
	}
}

// ascend yields the entries with keys >= from that start with prefix, in
// order.
func (x *index) ascend(from, prefix string) iter.Seq[entry] {
	return func(yield func(entry) bool) {
		ci, ei := x.find(from)
		if ci < 0 {
			return
		}
		for ; ci < len(x.chunks); ci, ei = ci+1, 0 {
			for _, e := range x.chunks[ci][ei:] {
				if !strings.HasPrefix(e.key, prefix) || !yield(e) {
					return
				}
			}
		}
	}
}

// len returns the number of keys.
func (x *index) len() int {
	n := 0
	for _, c := range x.chunks {
		n += len(c)
	}
	return n
}

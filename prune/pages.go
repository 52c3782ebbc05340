package prune

import "math/bits"

// pages is an append-only sequence stored in pages that never move. An
// IndexBuilder does not know how large the snapshot is; regrowing one
// large slice would copy it again and again into fresh memory, which
// costs more than the building. Pages start small, for small snapshots,
// and double up to pageMax elements. When the size is known, reserve
// makes it one flat slice instead.
type pages[T any] struct {
	p    [][]T
	n    int
	flat []T // when reserved
}

// reserve makes s, still empty, one slice of capacity n.
func (s *pages[T]) reserve(n int) { s.flat = make([]T, 0, n) }

const (
	pageMinBits = 8
	pageMaxBits = 16
)

// pageOf returns the page holding element i and i's offset in it: page 0
// holds [0, 256), page k in [1, 8] holds [256<<(k-1), 256<<k), and the
// pages after them hold 1<<16 elements each.
func pageOf(i int) (page, off int) {
	switch {
	case i < 1<<pageMinBits:
		return 0, i
	case i < 1<<pageMaxBits:
		k := bits.Len(uint(i >> pageMinBits))
		return k, i - 1<<(pageMinBits+k-1)
	default:
		return pageMaxBits - pageMinBits + i>>pageMaxBits, i & (1<<pageMaxBits - 1)
	}
}

// pageLen is the length of page k.
func pageLen(k int) int {
	switch {
	case k == 0:
		return 1 << pageMinBits
	case k <= pageMaxBits-pageMinBits:
		return 1 << (pageMinBits + k - 1)
	default:
		return 1 << pageMaxBits
	}
}

func (s *pages[T]) add(v T) {
	if s.flat != nil {
		s.flat = append(s.flat, v)
		s.n++
		return
	}
	k, off := pageOf(s.n)
	if off == 0 {
		s.p = append(s.p, make([]T, pageLen(k)))
	}
	s.p[k][off] = v
	s.n++
}

func (s *pages[T]) at(i int) *T {
	if s.flat != nil {
		return &s.flat[i]
	}
	k, off := pageOf(i)
	return &s.p[k][off]
}

func (s *pages[T]) len() int { return s.n }

// appendTo appends elements [from, to) to out.
func (s *pages[T]) appendTo(out []T, from, to int) []T {
	if s.flat != nil {
		return append(out, s.flat[from:to]...)
	}
	for from < to {
		k, off := pageOf(from)
		n := min(to-from, len(s.p[k])-off)
		out = append(out, s.p[k][off:off+n]...)
		from += n
	}
	return out
}

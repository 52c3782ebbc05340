package prune

import (
	"hash/maphash"
	"math/bits"
)

// Interning (PRUNE.md §6.5): every digest of the snapshot gets a dense
// id, so the stages count with arrays instead of string-keyed maps. At
// 100,000 images the plan is bound by memory latency more than by work,
// so the tables touch as little memory as they can: 8-byte slots with no
// pointers (the collector never scans them), a hash read from the hex
// digits themselves, and a table of image names of its own, small enough
// to stay in cache for the million tag-event lookups.

// digests is the id space: id → digest.
type digests struct {
	names []string
}

// hasher hashes digests for the tables of one index; sharing it lets a
// digest hashed once be looked up in several tables.
//
// The hash of a "sha256:" digest mixes 16 of its hex digits with random
// keys: cheaper than hashing 71 bytes, and still unknown to whoever names
// images. Other strings go through maphash.
type hasher struct {
	seed   maphash.Seed
	k0, k1 uint64
}

func newHasher() hasher {
	seed := maphash.MakeSeed()
	return hasher{seed: seed, k0: maphash.String(seed, "k0"), k1: maphash.String(seed, "k1")}
}

func (hs *hasher) hash(d string) uint64 {
	if len(d) == 71 && d[:7] == "sha256:" {
		a := uint64(d[7]) | uint64(d[8])<<8 | uint64(d[9])<<16 | uint64(d[10])<<24 |
			uint64(d[11])<<32 | uint64(d[12])<<40 | uint64(d[13])<<48 | uint64(d[14])<<56
		b := uint64(d[15]) | uint64(d[16])<<8 | uint64(d[17])<<16 | uint64(d[18])<<24 |
			uint64(d[19])<<32 | uint64(d[20])<<40 | uint64(d[21])<<48 | uint64(d[22])<<56
		hi, lo := bits.Mul64(a^hs.k0, b^hs.k1)
		return hi ^ lo
	}
	return maphash.String(hs.seed, d)
}

// digestTable maps digests to ids of a digests it is used with. It is
// open addressing over slots holding the top 32 bits of the hash and id+1
// (0 is empty). A slot's position comes from the top bits of the hash,
// so the table doubles without reading a single digest again.
type digestTable struct {
	slots []uint64
	shift uint // 64 - log2(len(slots))
	n     int
}

func newDigestTable(capacity int) *digestTable {
	t := &digestTable{}
	t.resize(capacity)
	return t
}

// resize makes room for n digests at a load of at most 1/2.
func (t *digestTable) resize(n int) {
	size, shift := 16, uint(60)
	for size < 2*n {
		size, shift = size<<1, shift-1
	}
	old := t.slots
	t.slots, t.shift = make([]uint64, size), shift
	for _, v := range old {
		if v != 0 {
			i := v >> t.shift
			for t.slots[i] != 0 {
				i = (i + 1) & uint64(size-1)
			}
			t.slots[i] = v
		}
	}
}

// hexless marks a slot of the names table whose image name is not kept
// in index.nameHex.
const hexless = 1 << 31

// slotID returns the id a non-empty slot holds.
func slotID(v uint64) int32 { return int32(uint32(v)&^hexless) - 1 }

// find returns the id of d, whose hash is h, or -1 with the empty slot
// where d belongs.
func (t *digestTable) find(d string, h uint64, ds *digests) (id int32, slot uint64) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return -1, i
		}
		if v>>32 == h>>32 {
			if id := slotID(v); ds.names[id] == d {
				return id, i
			}
		}
	}
}

// add records id for a digest with hash h that find did not find at slot,
// with flags (hexless or 0).
func (t *digestTable) add(h uint64, slot uint64, id int32, flags uint64) {
	t.slots[slot] = h>>32<<32 | uint64(id+1) | flags
	t.n++
	if 2*t.n > len(t.slots) {
		t.resize(2 * t.n)
	}
}

package prune

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
)

// Interning (PRUNE.md §6.5): every digest of the snapshot gets a dense
// id, so the stages count with arrays instead of string-keyed maps. At
// 100,000 images interning is bound by memory latency more than by work,
// so the tables touch as little memory as they can: 8-byte slots with no
// pointers (the collector never scans them) and a hash read from the hex
// digits themselves.

// recordSize is the length of a "sha256:" digest, the stride of
// digestText's records.
const recordSize = len("sha256:") + 64

// digestText is the id space: it holds the text of every interned digest
// in fixed-size records, so that a digest's string is cut from it by id
// without reading memory. A plan hands out millions of link digests; at
// 100,000 images, reading each one's string from an id → string table
// would miss the cache every time. A digest of any other form than
// "sha256:" and 64 characters (odd) gets a blank record and keeps its
// text in a map.
//
// The records are in pages (see pageOf) that never move, strings the
// collector never scans; ids are assigned in order of first sight.
type digestText struct {
	pages []string
	// last is the last page, still growing; a pointer, since a
	// strings.Builder must not be copied and digestText is.
	last   *strings.Builder
	next   int32 // the next id
	odd    map[int32]string
	oddBit []uint64 // bit id is set when id is odd
}

var blankRecord = strings.Repeat("-", recordSize)

// isRecord reports whether d is stored in a record rather than as odd.
func isRecord(d string) bool { return len(d) == recordSize && d[:7] == "sha256:" }

// add stores d and returns its id.
func (t *digestText) add(d string) int32 {
	id := t.next
	t.next++
	k, off := pageOf(int(id))
	if off == 0 {
		t.last = new(strings.Builder) // the previous page's bytes stay put
		t.last.Grow(recordSize * pageLen(k))
		t.pages = append(t.pages, "")
	}
	if isRecord(d) {
		t.last.WriteString(d)
	} else {
		t.last.WriteString(blankRecord)
		t.setOdd(id, d)
	}
	t.pages[k] = t.last.String()
	return id
}

func (t *digestText) setOdd(id int32, d string) {
	if t.odd == nil {
		t.odd = make(map[int32]string)
	}
	t.odd[id] = d
	w := int(id >> 6)
	if w >= len(t.oddBit) {
		t.oddBit = append(t.oddBit, make([]uint64, w+1-len(t.oddBit))...)
	}
	t.oddBit[w] |= 1 << (id & 63)
}

func (t *digestText) isOdd(id int32) bool {
	w := int(id >> 6)
	return w < len(t.oddBit) && t.oddBit[w]>>(id&63)&1 != 0
}

// record returns id's record, blank for an odd digest.
func (t *digestText) record(id int32) string {
	k, off := pageOf(int(id))
	return t.pages[k][recordSize*off : recordSize*(off+1)]
}

// at returns the digest whose id is id.
func (t *digestText) at(id int32) string {
	if t.isOdd(id) {
		return t.odd[id]
	}
	return t.record(id)
}

// is reports whether id is d. It reads no more than one record.
func (t *digestText) is(id int32, d string) bool {
	if isRecord(d) {
		return t.record(id) == d // an odd id's blank record is no digest
	}
	return t.isOdd(id) && t.odd[id] == d
}

// len returns the number of ids.
func (t *digestText) len() int { return int(t.next) }

// digests is the id space and the tables that find an id by digest,
// built by an IndexBuilder and read by its index. names holds the
// digests first seen as image names, others the rest: a snapshot's
// million events mostly name images, so their lookups probe a table a
// tenth the size, whose records lie together.
type digests struct {
	hasher        hasher
	names, others *digestTable
	text          digestText
}

// lookup returns the id of d, whose hash is h, or -1 with the slot of
// others where d belongs. It changes nothing.
func (ds *digests) lookup(d string, h uint64) (int32, uint64) {
	if id, _ := ds.names.find(d, h, &ds.text); id >= 0 {
		return id, 0
	}
	return ds.others.find(d, h, &ds.text)
}

// lookupBatch is how many digests a caller of lookupAll looks up at
// once: enough for many misses to overlap, few enough that the slots and
// records they load stay in the cache until they are used.
const lookupBatch = 256

// batch is the scratch of lookupAll: a hash and a result per digest.
type batch struct {
	hs    []uint64
	slots []uint64
	ids   []int32
}

// lookupAll looks every digest of qs up in first and then in second, as
// lookup does, setting b.ids[i] to the id of qs[i], -1 when neither
// table has it, and b.hs[i] to its hash.
//
// At 100,000 images the tables miss the cache, and a lookup waits for
// its slot and then for its record. One lookup after another, the
// processor overlaps few of those misses; here each step is a loop over
// the whole batch whose loads do not wait for each other, so their
// misses overlap. Only a digest whose first slot is taken by another
// goes through find.
func (ds *digests) lookupAll(qs []string, first, second *digestTable, b *batch) {
	n := len(qs)
	b.hs = slices.Grow(b.hs[:0], n)[:n]
	b.slots = slices.Grow(b.slots[:0], n)[:n]
	b.ids = slices.Grow(b.ids[:0], n)[:n]
	for i, d := range qs {
		b.hs[i], b.ids[i] = ds.hasher.hash(d), -1
	}
	for _, t := range [2]*digestTable{first, second} {
		if t.n == 0 {
			continue
		}
		for i, h := range b.hs {
			if b.ids[i] < 0 {
				b.slots[i] = t.slots[h>>t.shift]
			}
		}
		for i, d := range qs {
			if b.ids[i] < 0 {
				b.ids[i] = ds.settle(d, b.hs[i], b.slots[i], t)
			}
		}
	}
}

// settle returns the id of d, whose hash is h, in t, or -1, given v, the
// slot where t's search for d starts.
func (ds *digests) settle(d string, h, v uint64, t *digestTable) int32 {
	if v == 0 {
		return -1
	}
	if id := slotID(v); v>>32 == h>>32 && isRecord(d) && ds.text.record(id) == d {
		return id
	}
	id, _ := t.find(d, h, &ds.text)
	return id
}

// hasher hashes digests for the tables of one index; sharing it lets a
// digest hashed once be looked up in several tables.
//
// The hash of a "sha256:" digest multiplies its 64 hex digits, as eight
// words, in pairs with random keys: cheaper than a general hash of 71
// bytes. Every digit counts: Image objects are named by whoever creates
// them, and digests that hash alike by design would make every probe
// walk the same run of slots. Other strings go through maphash.
type hasher struct {
	seed maphash.Seed
	k    [8]uint64
}

func newHasher() hasher {
	hs := hasher{seed: maphash.MakeSeed()}
	for i := range hs.k {
		hs.k[i] = maphash.String(hs.seed, string(rune('0'+i)))
	}
	return hs
}

// le64 reads s[i:i+8] as a little-endian word; the compiler makes it one
// load.
func le64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func (hs *hasher) hash(d string) uint64 {
	if len(d) == 71 && d[:7] == "sha256:" {
		k := &hs.k
		return mix(le64(d, 7)^k[0], le64(d, 15)^k[1]) ^ mix(le64(d, 23)^k[2], le64(d, 31)^k[3]) ^
			mix(le64(d, 39)^k[4], le64(d, 47)^k[5]) ^ mix(le64(d, 55)^k[6], le64(d, 63)^k[7])
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

// slotID returns the id a non-empty slot holds.
func slotID(v uint64) int32 { return int32(uint32(v)) - 1 }

// find returns the id of d, whose hash is h, or -1 with the empty slot
// where d belongs.
func (t *digestTable) find(d string, h uint64, ds *digestText) (id int32, slot uint64) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return -1, i
		}
		if v>>32 == h>>32 {
			if id := slotID(v); ds.is(id, d) {
				return id, i
			}
		}
	}
}

// add records id for a digest with hash h that find did not find at slot.
func (t *digestTable) add(h uint64, slot uint64, id int32) {
	t.slots[slot] = h>>32<<32 | uint64(id+1)
	t.n++
	if 2*t.n > len(t.slots) {
		t.resize(len(t.slots)) // doubles: a load of 1/4 to 1/2
	}
}

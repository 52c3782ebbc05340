package prune

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// refTable is the references reduced to what plans read of them (PRUNE.md
// §1.2), built once with the Index: each reference that names a tag or an
// image of a stream is resolved to that tag or image, and the records are
// laid out so that rows 2 and 5 of §1.3 read a short contiguous run, in
// the order the references were given. Whether a record counts depends
// on the options, so plans decide it from the record (refFilter).
type refTable struct {
	// recs[tagStart[t]:tagEnd[t]] reference tag t of the index; tags of
	// a stream that share a name share the run.
	tagStart, tagEnd []int32
	// recs[imgOff[si]:imgOff[si+1]] reference images in stream si, sorted
	// by image, whose index is recImg[i-imgOff[0]] for recs[i]. The
	// records after imgOff[len(streams)] reference images in repositories
	// that are no stream of the index.
	imgOff []int32
	recImg []int32
	// byImage[imgAt[i]:imgAt[i+1]] index the records, in any repository,
	// of image i; Options.KeepReferencedImages reads them.
	imgAt, byImage []int32
	recs           []refRecord
	// strs holds the owners' kinds and namespaces and the field paths,
	// which repeat: a record names them by index.
	strs    []string
	invalid []invalidRef // in the order of the references

	// While building: the ids of strs, the last of each field, and the
	// blocks the strings are copied into.
	ids   map[string]int32
	last  [3]lastStr
	arena strArena
}

// refRecord is a reference as a plan reads it: whether it counts, and
// whom to report as its referrer. It holds one pointer, so that the
// collector has little to mark in a long-lived Index.
type refRecord struct {
	name                       string // the owner's
	created                    stamp  // the owner's
	kind, namespace, fieldPath int32  // in refTable.strs
	active                     bool
	// salvaged is set when the spec is invalid and names what it does
	// only as salvaged (salvageSpec); the record counts only when the
	// plan salvages.
	salvaged bool
}

// invalidRef is an InvalidReference with what decides whether a plan
// reports it: oc skips an old inactive owner's references before parsing
// them.
type invalidRef struct {
	InvalidReference
	created stamp
	active  bool
}

// refFilter is what of a policy decides whether a reference counts.
type refFilter struct {
	threshold stamp
	// salvage is whether an invalid spec that salvageSpec salvages
	// counts (PRUNE.md §3.3, §6.12): not when invalid references are
	// ignored or rejected.
	salvage bool
}

func newRefFilter(p *policy) refFilter {
	return refFilter{threshold: stampAt(p.threshold), salvage: !p.IgnoreInvalidRefs && !p.StrictRefs}
}

// live reports whether an owner's references count at all: an inactive
// owner's only while it is younger than the threshold, created after it,
// as oc treats finished pods: it skips one "at least as old as" the
// threshold (!CreationTimestamp.After(threshold)), so one created exactly
// then does not count, nor, in size mode, one without a creation time.
func (f refFilter) live(active bool, created stamp) bool {
	return active || f.threshold.before(created)
}

func (f refFilter) counts(r *refRecord) bool {
	return f.live(r.active, r.created) && (f.salvage || !r.salvaged)
}

// tagRecs returns the records of references to tag t of the index.
func (t *refTable) tagRecs(tag int32) []refRecord {
	return t.recs[t.tagStart[tag]:t.tagEnd[tag]]
}

// imageRecs returns the records of references to image img in stream si.
func (t *refTable) imageRecs(si int, img int32) []refRecord {
	start, end := t.imgOff[si], t.imgOff[si+1]
	base := t.imgOff[0]
	ids := t.recImg[start-base : end-base]
	i, ok := slices.BinarySearch(ids, img)
	if !ok {
		return nil
	}
	j := i + 1
	for j < len(ids) && ids[j] == img {
		j++
	}
	return t.recs[int(start)+i : int(start)+j]
}

// anyRecs returns the indices of the records of references to image img
// in any repository.
func (t *refTable) anyRecs(img int) []int32 { return t.byImage[t.imgAt[img]:t.imgAt[img+1]] }

func (t *refTable) referrer(r *refRecord) Referrer {
	return Referrer{Owner: Owner{Kind: t.strs[r.kind], Namespace: t.strs[r.namespace], Name: r.name}, FieldPath: t.strs[r.fieldPath]}
}

// referrers returns the owners of the first max records that count among
// n records, record i being at(i), cut from s; nil when none counts.
func (t *refTable) referrers(f refFilter, s *slab[Referrer], n int, at func(int) *refRecord, max int) []Referrer {
	k := 0
	for i := 0; i < n && k < max; i++ {
		if f.counts(at(i)) {
			k++
		}
	}
	out := s.alloc(k)
	for i, j := 0, 0; j < k; i++ {
		if r := at(i); f.counts(r) {
			out[j] = t.referrer(r)
			j++
		}
	}
	return out
}

// runReferrers is referrers over a run of records.
func (t *refTable) runReferrers(f refFilter, s *slab[Referrer], recs []refRecord, max int) []Referrer {
	return t.referrers(f, s, len(recs), func(i int) *refRecord { return &recs[i] }, max)
}

// invalidRefs returns the invalid references that count under f.
func (t *refTable) invalidRefs(f refFilter) []InvalidReference {
	var out []InvalidReference
	for i := range t.invalid {
		iv := &t.invalid[i]
		if !f.live(iv.active, iv.created) {
			continue
		}
		r := iv.InvalidReference
		if !f.salvage {
			r.Salvaged = ""
		}
		out = append(out, r)
	}
	return out
}

// parsedRefs is the references parsed, before the index exists: the
// uses of stream tags and images, and the invalid references.
type parsedRefs struct {
	refs         []Reference
	tags, images []refUse
	invalid      []int32 // indices in refs
	errs         []refError
	// salvaged[i] is set when refs[i] names what it does only as
	// salvaged; nil when none does.
	salvaged []bool
}

// refError is why a reference is invalid, and the spec that salvages it.
type refError struct{ err, salvaged string }

// refUse is a reference that names a tag or an image of a stream.
type refUse struct {
	item   string
	stream int32 // index of the sorted streams, or -1
	ref    int32 // index in refs
}

// parseReferences parses every reference, whatever its owner's age,
// and resolves its stream. A reference is dropped when it is blank, when
// it cannot name a stream (no registry, no namespace, or a deeper path)
// or names a tag of no stream of the index, exactly as oc ignores it; the
// registry host is ignored (§1.2).
//
// Pods of one workload repeat the same pull spec, so specs go through a
// direct-mapped cache: a repeated spec is parsed once, with memory
// bounded whatever the number of references.
//
// It returns nil when ctx ends first.
func parseReferences(ctx context.Context, refs []Reference, names *streamNames) *parsedRefs {
	type cached struct {
		specResult
		hash   uint64 // of spec, compared first: most misses cost no read of the cached spec
		stream int32
	}
	if ctx.Err() != nil {
		return nil // before allocating, for the same reason as newIndex
	}
	pr := &parsedRefs{refs: refs}
	// The tags fill uses from the front and the images from the back: one
	// array, of a size known in advance, rather than two regrown ones.
	uses := make([]refUse, len(refs))
	nTags, nImages := 0, 0
	cache := make([]cached, specCacheSize(len(refs)))
	seed := maphash.MakeSeed()
	// ctx is checked per chunk of references (PRUNE.md §6.14), a fraction
	// of a millisecond of parsing.
	for i := range refs {
		if stopped(ctx, i, refChunk) {
			return nil
		}
		r := &refs[i]
		var (
			namespace, name, item string
			kind                  uint8
			salvaged              bool
			stream                int32 = -2 // not looked up
		)
		switch r.Kind {
		case "", image.KindDockerImage:
			if strings.TrimSpace(r.Spec) == "" {
				continue
			}
			h := maphash.String(seed, r.Spec)
			c := &cache[h&uint64(len(cache)-1)]
			if c.hash != h || c.spec != r.Spec {
				c.specResult, c.hash = parseSpec(r.Spec), h
				c.stream = -1
				if c.kind == refTag || c.kind == refImage {
					c.stream = names.find(c.namespace, c.name)
				}
			}
			if c.invalid {
				pr.invalid = append(pr.invalid, int32(i))
				pr.errs = append(pr.errs, refError{c.err, c.salvaged})
			}
			kind, item, salvaged, stream = c.kind, c.item, c.invalid, c.stream
		case image.KindImageStreamImage:
			var ok bool
			if name, item, ok = splitOnce(r.Spec, "@"); !ok {
				pr.invalidRef(i, fmt.Errorf("expected exactly one @ in the isimage name %q", r.Spec))
				continue
			}
			namespace, kind = r.namespace(), refImage
		case image.KindImageStreamTag:
			if strings.Contains(r.Spec, "@") {
				pr.invalidRef(i, fmt.Errorf("%q is an image stream image, not an image stream tag", r.Spec))
				continue
			}
			var ok bool
			if name, item, ok = splitOnce(r.Spec, ":"); !ok {
				pr.invalidRef(i, fmt.Errorf("expected exactly one : delimiter in the istag %q", r.Spec))
				continue
			}
			namespace, kind = r.namespace(), refTag
		default:
			continue
		}
		if kind == refNone {
			continue
		}
		if stream == -2 {
			stream = names.find(namespace, name)
		}
		if salvaged {
			if pr.salvaged == nil {
				pr.salvaged = make([]bool, len(refs))
			}
			pr.salvaged[i] = true
		}
		u := refUse{item: item, stream: stream, ref: int32(i)}
		switch {
		case kind == refImage || kind == refAnyImage:
			nImages++
			uses[len(uses)-nImages] = u
		case stream >= 0:
			uses[nTags] = u
			nTags++
		}
	}
	pr.tags, pr.images = uses[:nTags:nTags], uses[len(uses)-nImages:]
	slices.Reverse(pr.images)
	return pr
}

// invalidRef records reference i as invalid for err.
func (pr *parsedRefs) invalidRef(i int, err error) {
	pr.invalid = append(pr.invalid, int32(i))
	pr.errs = append(pr.errs, refError{err: fmt.Errorf("%w: %w", ErrInvalidReference, err).Error()})
}

// table lays the parsed references out against the index x. Each use is
// given its record's place first; the records are then filled in the
// order of the references, which are read once, front to back.
//
// It returns nil when ctx ends first: the loops over references check it
// per chunk, and the steps between them read nothing a cut loop left
// partial.
func (pr *parsedRefs) table(ctx context.Context, x *index) *refTable {
	t := &refTable{}
	place := make([]int32, len(pr.refs)) // 1 + the record of each reference

	// Tags: each use goes to the first tag of its name in its stream, and
	// the uses are laid out by tag in the order of the references. The
	// tags are searched while the images are looked up below: both only
	// read the index, and both wait on memory at 100,000 images.
	nTags := len(x.tags)
	tagOf := make([]int32, len(pr.tags))
	count := make([]int32, nTags+1)
	searched := make(chan struct{})
	go func() {
		defer close(searched)
		byTag := func(ti tagInfo, tag string) int { return strings.Compare(ti.name(), tag) }
		for i := range pr.tags {
			if stopped(ctx, i, refChunk) {
				return
			}
			u := &pr.tags[i]
			st := &x.streams[u.stream]
			j, ok := slices.BinarySearchFunc(x.tags[st.tagStart:st.tagEnd], u.item, byTag)
			tagOf[i] = -1
			if ok {
				tagOf[i] = st.tagStart + int32(j)
				count[tagOf[i]+1]++
			}
		}
	}()

	// Images: the uses of images of the index, by stream (the streams
	// not in the index last), then image, then order of the references.
	nStreams := len(x.streams)
	imgOf := make([]int32, len(pr.images)) // -1: no image of the index
	perStream := make([]int32, nStreams+2)
	streamOf := func(u *refUse) int32 {
		if u.stream < 0 {
			return int32(nStreams)
		}
		return u.stream
	}
	var (
		bt batch
		qs []string
	)
	for start := 0; start < len(pr.images); start += lookupBatch {
		if ctx.Err() != nil {
			break
		}
		part := pr.images[start:min(start+lookupBatch, len(pr.images))]
		qs = qs[:0]
		for i := range part {
			qs = append(qs, part[i].item)
		}
		x.lookupAll(qs, x.names, x.others, &bt)
		for j, id := range bt.ids {
			imgOf[start+j] = -1
			if id >= 0 {
				imgOf[start+j] = x.imageOf[id]
			}
		}
	}
	if ctx.Err() == nil { // else imgOf is partial
		for i := range pr.images {
			if imgOf[i] >= 0 {
				perStream[streamOf(&pr.images[i])+1]++
			}
		}
	}
	<-searched
	if ctx.Err() != nil {
		return nil
	}

	// The tags' runs; duplicate tag names share the first one's.
	for ti := range nTags {
		count[ti+1] += count[ti]
	}
	nTagRecs := int(count[nTags])
	t.tagStart, t.tagEnd = count[:nTags:nTags], slices.Clone(count[1:])
	for _, st := range x.streams {
		for ti := st.tagStart + 1; ti < st.tagEnd; ti++ {
			if x.tags[ti].name() == x.tags[ti-1].name() {
				t.tagStart[ti], t.tagEnd[ti] = t.tagStart[ti-1], t.tagEnd[ti-1]
			}
		}
	}

	for si := range nStreams + 1 {
		perStream[si+1] += perStream[si]
	}
	order := make([]int32, perStream[nStreams+1]) // uses of images, in layout order
	at := slices.Clone(perStream)
	for i := range pr.images {
		if imgOf[i] >= 0 {
			si := streamOf(&pr.images[i])
			order[at[si]] = int32(i)
			at[si]++
		}
	}
	for si := range nStreams + 1 {
		if stopped(ctx, si, refChunk) {
			return nil
		}
		slices.SortStableFunc(order[perStream[si]:perStream[si+1]], func(a, b int32) int { return cmp.Compare(imgOf[a], imgOf[b]) })
	}
	t.imgOff = make([]int32, nStreams+1)
	for si := range t.imgOff {
		t.imgOff[si] = int32(nTagRecs) + perStream[si]
	}

	// Every record's place, then the records. Each place is a write to
	// memory the cache does not hold: at 100,000 images, each of these
	// two loops takes some 30 ms, so they check ctx per chunk.
	t.recs = make([]refRecord, nTagRecs+len(order))
	at = slices.Clone(t.tagStart)
	for i := range pr.tags {
		if stopped(ctx, i, refChunk) {
			return nil
		}
		if ti := tagOf[i]; ti >= 0 {
			place[pr.tags[i].ref] = at[ti] + 1
			at[ti]++
		}
	}
	t.recImg = make([]int32, len(order))
	for i, use := range order {
		if stopped(ctx, i, refChunk) {
			return nil
		}
		t.recImg[i] = imgOf[use]
		place[pr.images[use].ref] = int32(nTagRecs+i) + 1
	}
	t.fill(ctx, pr, place)
	if ctx.Err() != nil {
		return nil
	}

	// Every image's records, in the order of the references.
	t.imgAt = make([]int32, len(x.images)+1)
	for _, img := range imgOf {
		if img >= 0 {
			t.imgAt[img+1]++
		}
	}
	for i := range x.images {
		t.imgAt[i+1] += t.imgAt[i]
	}
	t.byImage = make([]int32, len(order))
	at = slices.Clone(t.imgAt)
	for i, img := range imgOf {
		if img >= 0 {
			t.byImage[at[img]] = place[pr.images[i].ref] - 1
			at[img]++
		}
	}

	t.invalid = make([]invalidRef, len(pr.invalid))
	for i, ri := range pr.invalid {
		r := &pr.refs[ri]
		t.invalid[i] = invalidRef{
			InvalidReference: InvalidReference{
				Referrer: t.referrer(&refRecord{name: t.arena.copy(r.Owner.Name), kind: t.str(r.Owner.Kind), namespace: t.str(r.Owner.Namespace), fieldPath: t.str(r.FieldPath)}),
				Spec:     t.arena.copy(r.Spec), Error: pr.errs[i].err, Salvaged: t.arena.copy(pr.errs[i].salvaged),
			},
			created: stampAt(r.Created), active: !r.Inactive,
		}
	}
	t.ids, t.arena, t.last = nil, strArena{}, [3]lastStr{}
	return t
}

// fill fills in the record of every reference i with place[i] > 0. The
// second half of the references is filled meanwhile on another goroutine
// with strings of its own, whose ids are shifted past the first half's
// afterwards: at 100,000 images each record is a write to memory the
// cache does not hold, and the second core would otherwise be idle. The
// ids of strings are never shown, so a string in both lists changes no
// plan. It stops, some records empty, when ctx ends.
func (t *refTable) fill(ctx context.Context, pr *parsedRefs, place []int32) {
	mid := len(place) / 2
	second := &refTable{recs: t.recs}
	done := make(chan struct{})
	go func() {
		defer close(done)
		second.fillRange(ctx, pr, place, mid, len(place))
	}()
	t.fillRange(ctx, pr, place, 0, mid)
	<-done
	if ctx.Err() != nil {
		return
	}
	shift := int32(len(t.strs))
	t.strs = append(t.strs, second.strs...)
	for _, p := range place[mid:] {
		if p > 0 {
			rec := &t.recs[p-1]
			rec.kind += shift
			rec.namespace += shift
			rec.fieldPath += shift
		}
	}
}

// fillRange fills in the records of references from to to, checking ctx
// per chunk of references.
func (t *refTable) fillRange(ctx context.Context, pr *parsedRefs, place []int32, from, to int) {
	for i := from; i < to; i++ {
		if stopped(ctx, i-from, refChunk) {
			return
		}
		p := place[i]
		if p == 0 {
			continue
		}
		r, rec := &pr.refs[i], &t.recs[p-1]
		rec.name, rec.created, rec.active = t.arena.copy(r.Owner.Name), stampAt(r.Created), !r.Inactive
		rec.salvaged = pr.salvaged != nil && pr.salvaged[i]
		// Most references share their owner's kind and namespace and
		// their field path with the reference before them.
		rec.kind = t.strAt(0, r.Owner.Kind)
		rec.namespace = t.strAt(1, r.Owner.Namespace)
		rec.fieldPath = t.strAt(2, r.FieldPath)
	}
}

// refChunk is how many references a loop over them all handles between
// two checks of its context (PRUNE.md §6.14): at most a few tenths of a
// millisecond of work, beside which the check costs nothing.
const refChunk = 1024

// lastStr is the string a field of the last record had, and its id.
type lastStr struct {
	s  string
	id int32
}

// strAt is str, remembering the last string of field f.
func (t *refTable) strAt(f int, s string) int32 {
	if l := &t.last[f]; l.id > 0 && l.s == s {
		return l.id - 1
	}
	id := t.str(s)
	t.last[f] = lastStr{s, id + 1}
	return id
}

// str returns the id of s in t.strs, adding a copy of s.
func (t *refTable) str(s string) int32 {
	if t.ids == nil {
		t.ids = map[string]int32{}
	}
	id, ok := t.ids[s]
	if !ok {
		id = int32(len(t.strs))
		t.ids[s] = id
		t.strs = append(t.strs, t.arena.copy(s))
	}
	return id
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

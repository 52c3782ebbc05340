package prune

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Stage 1: prune tag history, stream by stream (PRUNE.md §1.3). oc walks
// streams in map order on several workers; each stream's outcome depends
// only on the snapshot and the usage maps, so walking them in name order
// gives the same result deterministically.

// counter holds oc's per-repository reference counts (§1.3 step 2) for
// one stream at a time. A stream touches a few hundred digests out of
// possibly millions, so the counts live in a small open-addressing table
// that stays in the core's cache, whatever the snapshot's size, and is
// cleared through the list of slots in use. Manifest and blob counts
// share it, keyed by 2*id+kind. Each count pairs the uses with the
// deleted uses.
type counter struct {
	slots []use
	mask  uint32
	// used lists the slots in use in order of first use, the order
	// released reports digests in; it spares released a second lookup
	// of each key.
	used []uint32
	ids  [2][]int32 // released's buffers, by kind
}

// use is a slot of the table: a key and its counts side by side, so that
// a probe and the count it finds share a cache line. key holds the key
// plus one, so that 0 marks an empty slot.
type use struct{ key, total, gone int32 }

// scratch is a stage-1 worker's reusable state: its counter and the
// slabs its results are cut from.
type scratch struct {
	counter
	strs slab[string]
	refs slab[Referrer]
	// releaseLinks' buffers
	imageUses []imageUse
	blobIDs   []int32
}

// imageUse is an image whose manifest and blobs a stream's event uses.
type imageUse struct {
	span imageSpan
	gone bool
}

func newScratch() *scratch {
	c := &scratch{}
	c.grow(1024)
	return c
}

// grow moves the counts to a table of size slots, keeping their order
// of first use.
func (c *counter) grow(size int) {
	slots, used := c.slots, c.used
	c.slots, c.mask = make([]use, size), uint32(size-1)
	c.used = make([]uint32, 0, cap(used))
	for _, i := range used {
		*c.slot(slots[i].key - 1) = slots[i]
	}
}

// slot returns the slot of key, adding it with zero counts when absent.
func (c *counter) slot(key int32) *use {
	for i := uint32(key) * 0x9E3779B1 & c.mask; ; i = (i + 1) & c.mask {
		switch u := &c.slots[i]; u.key {
		case key + 1:
			return u
		case 0:
			u.key = key + 1
			c.used = append(c.used, i)
			return u
		}
	}
}

func (c *counter) count(key int32, g int32) {
	if 2*(len(c.used)+1) > len(c.slots) {
		c.grow(2 * len(c.slots))
	}
	u := c.slot(key)
	u.total++
	u.gone += g
}

// released returns the counted digests whose every use is gone, of each
// kind (manifests, then blobs), in order of first use.
func (c *counter) released(text *digestText, s *slab[string]) (manifests, blobs []string) {
	ids := [2][]int32{c.ids[0][:0], c.ids[1][:0]}
	for _, i := range c.used {
		if u := &c.slots[i]; u.gone == u.total {
			key := u.key - 1
			ids[key&1] = append(ids[key&1], key>>1)
		}
	}
	c.ids = ids
	var out [2][]string
	for kind := range out {
		out[kind] = s.alloc(len(ids[kind]))
		for i, id := range ids[kind] {
			out[kind][i] = text.at(id)
		}
	}
	return out[0], out[1]
}

// reset empties the table for the next stream through the slots in use,
// without clearing a table some large stream made large.
func (c *counter) reset() {
	for _, i := range c.used {
		c.slots[i] = use{}
	}
	c.used = c.used[:0]
}

// add counts the uses of an image's manifest and blobs.
func (c *counter) add(manifest int32, blobs []int32, gone bool) {
	g := int32(0)
	if gone {
		g = 1
	}
	c.count(2*manifest, g)
	for _, b := range blobs {
		c.count(2*b+1, g)
	}
}

// streamChunk is how many streams a worker claims at a time: enough to
// make the shared counter cheap, few enough to balance the load.
const streamChunk = 64

// pruneStreams decides every stream on up to GOMAXPROCS workers. Each
// stream writes only its own slots of the shared slices, so the result
// does not depend on the number of workers or their timing.
//
// The workers check ctx per chunk of streams, about a millisecond of
// work at 100,000 images (PRUNE.md §6.14); once it has ended they stop,
// leaving streams undecided, and so does pruneStreams.
func (pl *planner) pruneStreams(ctx context.Context) {
	n := len(pl.x.streams)
	if pl.events == nil {
		pl.layout()
	}
	workers := min(runtime.GOMAXPROCS(0), (n+streamChunk-1)/streamChunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			c := newScratch()
			for {
				start := int(next.Add(streamChunk)) - streamChunk
				if start >= n || ctx.Err() != nil {
					return
				}
				for si := start; si < min(start+streamChunk, n); si++ {
					pl.pruneStream(si, c)
				}
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	pl.markTagged(ctx)
}

// layout allocates the decisions of every stream, tag and event, which
// depend only on the streams' shapes, so Plan can do it while the
// references are parsed. Every stream's tags and events are cut from two
// arrays, one allocation each for the whole plan. (Cutting the events
// from pages of 16,384 instead cut the page faults of a 100,000-image
// plan, which must find a 70 MB run of free pages, by about a quarter,
// but was no faster in four alternating runs, so the plan keeps one
// array.)
func (pl *planner) layout() {
	x := pl.x
	pl.d.Streams = make([]StreamDecision, len(x.streams))
	allTags := make([]TagDecision, len(x.tags))
	pl.events = make([]EventDecision, len(x.evName))
	pl.gone = make([]bool, len(x.evName))
	for i := range x.streams {
		st := &x.streams[i]
		pl.d.Streams[i].Tags = allTags[st.tagStart:st.tagEnd:st.tagEnd]
	}
}

// pruneStream decides every event of one stream and, when some are
// deleted, which of the repository's links they release.
func (pl *planner) pruneStream(si int, c *scratch) {
	p, x := pl.p, pl.x
	st := &x.streams[si]
	sd := &pl.d.Streams[si]
	sd.Namespace, sd.Name, sd.ResourceVersion = st.namespace, st.name, st.resourceVersion
	inScope := p.Namespace == "" || p.Namespace == st.namespace
	young := false
	if inScope && !p.sizeMode {
		sp := p.forTag(st, "", true)
		young = sp.hasAge && st.created.After(sp.threshold)
	}
	for ti := range sd.Tags {
		t := &x.tags[int(st.tagStart)+ti]
		td := &sd.Tags[ti]
		td.Tag = t.name()
		td.Events = pl.events[t.evStart:t.evEnd:t.evEnd]
		var tp tagPolicy
		if inScope && !young {
			tp = p.forTag(st, t.name(), false)
		}
		deleted := 0
		for r := range td.Events {
			k := int(t.evStart) + r
			e := &td.Events[r]
			idx := x.evImage[k]
			// The text comes from one large object: the collector marks
			// a million pointers into it far faster than into as many
			// small strings spread over the snapshot.
			e.Revision, e.Image, e.Created = int32(r), x.digest(x.evName[k]), x.evCreated[k].time()
			switch {
			case !inScope:
				e.Action, e.Reason = Keep, ReasonOutOfScope
			case young:
				e.Action, e.Reason = Keep, ReasonYoungStream
			default:
				pl.decideEvent(e, si, st, int32(int(st.tagStart)+ti), idx, tp, c)
			}
			if e.Action == Delete {
				pl.gone[k] = true
				deleted++
			}
		}
		sd.Deleted += deleted
		td.Removed = deleted > 0 && deleted == len(td.Events)
	}
	if sd.Deleted > 0 && !p.SkipRegistry {
		pl.releaseLinks(si, sd, x.evImage[st.evStart:st.evEnd], x.evName[st.evStart:st.evEnd], c)
	}
}

// decideEvent applies the rows of PRUNE.md §1.3's table, first match wins.
func (pl *planner) decideEvent(e *EventDecision, si int, st *streamInfo, tag int32, idx int32, tp tagPolicy, c *scratch) {
	p := pl.p
	keep := func(r Reason) { e.Action, e.Reason = Keep, r }
	if tp.never {
		keep(ReasonNeverPrune)
		return
	}
	// Row 1.
	if !p.sizeMode && tp.hasAge && e.Created.After(tp.threshold) {
		keep(ReasonYoung)
		return
	}
	// Row 2: a tag reference protects only the newest revision.
	if e.Revision == 0 {
		if refs := pl.refs.runReferrers(pl.rf, &c.refs, pl.refs.tagRecs(tag), p.maxReferrers); len(refs) > 0 {
			keep(ReasonTagReferenced)
			e.Referrers = refs
			return
		}
	}
	// Row 3: runs before keep-N, so a dangling event goes even when it is
	// among the newest revisions.
	if idx < 0 {
		e.Action, e.Reason = Delete, ReasonDangling
		return
	}
	// Rows 4a and 4b; under AgeAndSize an image over the limit skips 4b.
	over := (p.sizeMode || p.ageAndSize) && pl.exceedsLimit(st.namespace, pl.x.images[idx].size)
	switch {
	case p.sizeMode && !over:
		keep(ReasonWithinSizeLimit)
		return
	case !p.sizeMode && !over && int(e.Revision) < tp.keepRevisions:
		keep(ReasonWithinRevisions)
		return
	}
	// Row 5: a digest reference protects the image in this repository only.
	if refs := pl.refs.runReferrers(pl.rf, &c.refs, pl.refs.imageRecs(si, idx), p.maxReferrers); len(refs) > 0 {
		keep(ReasonDigestReferenced)
		e.Referrers = refs
		return
	}
	// Row 6.
	e.Action, e.Reason = Delete, ReasonUnused
	if over {
		e.Reason = ReasonOverSizeLimit
	}
}

// referencedIn reports whether a reference that counts names image img
// by digest in stream si.
func (pl *planner) referencedIn(si int, img int32) bool {
	for i, recs := 0, pl.refs.imageRecs(si, img); i < len(recs); i++ {
		if pl.rf.counts(&recs[i]) {
			return true
		}
	}
	return false
}

// exceedsLimit is oc's exceedsLimits (PRUNE.md §1.7): the image's size is
// above the namespace's smallest openshift.io/Image max storage.
func (pl *planner) exceedsLimit(ns string, size int64) bool {
	limit, ok := pl.p.ImageSizeLimits[ns]
	return ok && limit < size
}

// markTagged records, for stage 2, every image a remaining event names,
// in stream order so that TaggedBy is deterministic. It counts first, so
// that every TaggedBy is cut from one array, then fills that array
// through a cursor per image: the cursors are a small array that stays
// in cache, where slice headers per image did not at 100,000 images.
// A tag whose history names an image twice is listed once: its events
// come one after the other, so the image's last label is the tag's.
// It stops, pl.tagged unset, when ctx ends.
func (pl *planner) markTagged(ctx context.Context) {
	if pl.p.Namespace != "" {
		return
	}
	n := len(pl.x.images)
	start := make([]int32, n+1)
	count := func(idx int32, _ *tagInfo) {
		if int(start[idx+1]) < pl.p.maxReferrers {
			start[idx+1]++
		}
	}
	tags := len(pl.x.tags)
	for lo := 0; lo < tags; lo += tagChunk {
		if ctx.Err() != nil {
			return
		}
		pl.eachRemaining(lo, min(lo+tagChunk, tags), count)
	}
	for i := range n {
		start[i+1] += start[i]
	}
	all := make([]string, start[n])
	next := slices.Clone(start[:n])
	record := func(idx int32, t *tagInfo) {
		if j := next[idx]; j < start[idx+1] && (j == start[idx] || all[j-1] != t.label) {
			all[j] = t.label
			next[idx] = j + 1
		}
	}
	for lo := 0; lo < tags; lo += tagChunk {
		if ctx.Err() != nil {
			return
		}
		pl.eachRemaining(lo, min(lo+tagChunk, tags), record)
	}
	pl.tagged, pl.taggedStart, pl.taggedEnd = all, start, next
}

// named reports whether a remaining event names image i: MaxReferrers
// is at least 1, so such an image has a label.
func (pl *planner) named(i int) bool { return pl.taggedStart[i+1] > pl.taggedStart[i] }

// taggedBy returns the labels markTagged recorded for image i.
func (pl *planner) taggedBy(i int) []string {
	lo, hi := pl.taggedStart[i], pl.taggedEnd[i]
	return pl.tagged[lo:hi:hi]
}

// eachRemaining calls fn for every event that stays and names an image,
// in plan order (the index lays tags out by stream), with its tag. It
// reads the index and pl.gone, a few megabytes, rather than the
// decisions, which no longer fit in the processor's caches. It walks
// tags lo to hi, a chunk between two checks of the caller's context; it
// stays small enough to be inlined, and fn with it.
func (pl *planner) eachRemaining(lo, hi int, fn func(idx int32, t *tagInfo)) {
	x := pl.x
	for ti := lo; ti < hi; ti++ {
		t := &x.tags[ti]
		for k := t.evStart; k < t.evEnd; k++ {
			if idx := x.evImage[k]; idx >= 0 && !pl.gone[k] {
				fn(idx, t)
			}
		}
	}
}

// tagChunk is how many tags markTagged walks between two checks of its
// context (PRUNE.md §6.14): at the proportions of §6.5, some 25,000
// events, a fraction of a millisecond.
const tagChunk = 4096

// releaseLinks finds the links of the repository that no remaining event
// needs: oc decrements per-repository counts for each deleted event and
// unlinks at zero, which is the same as "every counted use is deleted".
// Dangling events are not counted, and a malformed image counts as kept.
//
// With list-aware links (§6.9), a list's children count as its uses,
// those the snapshot has no Image object for by their manifest link
// alone; a kept dangling event keeps its manifest link, which such a
// child may share; and a child that a reference counted names by digest
// in this repository stays, as a workload pulls it from here.
func (pl *planner) releaseLinks(si int, sd *StreamDecision, evImage, evName []int32, c *scratch) {
	x := pl.x
	// Three steps, each a loop of reads that do not wait for each other,
	// so that their cache misses overlap (see resolver.resolve): the images
	// whose uses count, then all their blobs, then the counting.
	uses := c.imageUses[:0]
	k := 0
	for ti := range sd.Tags {
		for ei := range sd.Tags[ti].Events {
			idx, name, deleted := evImage[k], evName[k], sd.Tags[ti].Events[ei].Action == Delete
			k++
			if idx < 0 {
				if pl.p.listAwareLinks && !deleted {
					uses = append(uses, imageUse{imageSpan{manifest: name}, false})
				}
				continue
			}
			sp := x.spans[idx]
			gone := deleted && !sp.bad
			uses = append(uses, imageUse{sp, gone})
			if sp.list && pl.p.listAwareLinks {
				info := &x.images[idx]
				for _, m := range x.manifests[info.manStart:info.manEnd] {
					if child := x.imageOf[m]; child >= 0 {
						// A workload pulling the child by digest from this
						// repository keeps its links here.
						csp := x.spans[child]
						uses = append(uses, imageUse{csp, gone && !csp.bad && !pl.referencedIn(si, child)})
					} else if x.validDigest(m) {
						uses = append(uses, imageUse{imageSpan{manifest: m}, gone})
					}
				}
			}
		}
	}
	blobs := c.blobIDs[:0]
	for _, u := range uses {
		blobs = append(blobs, x.blobs[u.span.blobStart:u.span.blobEnd]...)
	}
	c.imageUses, c.blobIDs = uses[:0], blobs[:0]
	for _, u := range uses {
		n := u.span.blobEnd - u.span.blobStart
		c.add(u.span.manifest, blobs[:n], u.gone)
		blobs = blobs[n:]
	}
	sd.ManifestLinks, sd.LayerLinks = c.released(&x.text, &c.strs)
	c.reset()
}

package prune

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/imagestreams/imagestreams/image"
)

// Stage 1: prune tag history, stream by stream (PRUNE.md §1.3). oc walks
// streams in map order on several workers; each stream's outcome depends
// only on the snapshot and the usage maps, so walking them in name order
// gives the same result deterministically.

// counter holds oc's per-repository reference counts (§1.3 step 2) as
// dense arrays over digest ids, reset after each stream through the
// touched lists, so a stream costs what its own events cost. Each count
// pairs the uses with the deleted uses, so one cache line serves both.
type counter struct {
	blob, manifest   []use
	blobs, manifests []int32 // touched ids, in order of first use
}

type use struct{ total, gone int32 }

func newCounter(n int) *counter {
	return &counter{blob: make([]use, n), manifest: make([]use, n)}
}

// released returns the touched digests whose every use is gone, in order
// of first use, and resets their counts.
func (c *counter) released(touched []int32, counts []use, digests []string) []string {
	n := 0
	for _, id := range touched {
		if counts[id].gone == counts[id].total {
			n++
		}
	}
	var out []string
	if n > 0 {
		out = make([]string, 0, n)
	}
	for _, id := range touched {
		if counts[id].gone == counts[id].total {
			out = append(out, digests[id])
		}
		counts[id] = use{}
	}
	return out
}

func (c *counter) add(x *index, info *imageInfo, gone bool) {
	g := int32(0)
	if gone {
		g = 1
	}
	m := &c.manifest[info.manifest]
	if m.total == 0 {
		c.manifests = append(c.manifests, info.manifest)
	}
	m.total++
	m.gone += g
	for _, b := range x.blobsOf(info) {
		u := &c.blob[b]
		if u.total == 0 {
			c.blobs = append(c.blobs, b)
		}
		u.total++
		u.gone += g
	}
}

// streamChunk is how many streams a worker claims at a time: enough to
// make the shared counter cheap, few enough to balance the load.
const streamChunk = 64

// pruneStreams decides every stream on up to GOMAXPROCS workers. Each
// stream writes only its own slots of the shared slices, so the result
// does not depend on the number of workers or their timing.
func (pl *planner) pruneStreams() {
	x := pl.x
	n := len(x.streams)
	pl.d.Streams = make([]StreamDecision, n)
	pl.evOff = make([]int, n+1)
	for i, is := range x.streams {
		events := 0
		for _, t := range is.Status.Tags {
			events += len(t.Items)
		}
		pl.evOff[i+1] = pl.evOff[i] + events
	}
	pl.events = make([]EventDecision, pl.evOff[n])
	pl.evImage = make([]int32, pl.evOff[n])

	workers := min(runtime.GOMAXPROCS(0), (n+streamChunk-1)/streamChunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			c := newCounter(len(x.digests))
			for {
				start := int(next.Add(streamChunk)) - streamChunk
				if start >= n {
					return
				}
				for si := start; si < min(start+streamChunk, n); si++ {
					pl.pruneStream(si, c)
				}
			}
		})
	}
	wg.Wait()
	pl.markTagged()
}

// pruneStream decides every event of one stream and, when some are
// deleted, which of the repository's links they release.
func (pl *planner) pruneStream(si int, c *counter) {
	p, x := pl.p, pl.x
	is := x.streams[si]
	sd := &pl.d.Streams[si]
	sd.Namespace, sd.Name, sd.ResourceVersion = is.Namespace, is.Name, is.ResourceVersion
	inScope := p.Namespace == "" || p.Namespace == is.Namespace
	young := false
	if inScope && !p.sizeMode {
		sp := p.forTag(is, "", true)
		young = sp.hasAge && is.CreationTimestamp.After(sp.threshold)
	}
	order := sortedTags(is)
	events := pl.events[pl.evOff[si]:pl.evOff[si+1]]
	evImage := pl.evImage[pl.evOff[si]:pl.evOff[si+1]]
	k := 0
	sd.Tags = make([]TagDecision, len(order))
	for ti, t := range order {
		list := &is.Status.Tags[t]
		td := &sd.Tags[ti]
		td.Tag = list.Tag
		td.Events, events = events[:len(list.Items):len(list.Items)], events[len(list.Items):]
		var tp tagPolicy
		if inScope && !young {
			tp = p.forTag(is, list.Tag, false)
		}
		deleted := 0
		for r := range list.Items {
			item := &list.Items[r]
			e := &td.Events[r]
			e.Revision, e.Image, e.Created = int32(r), item.Image, item.Created
			idx, ok := x.image(item.Image)
			if !ok {
				idx = -1
			}
			evImage[k] = idx
			k++
			switch {
			case !inScope:
				e.Action, e.Reason = Keep, ReasonOutOfScope
			case young:
				e.Action, e.Reason = Keep, ReasonYoungStream
			default:
				pl.decideEvent(e, si, is, list.Tag, item, idx, tp)
			}
			if e.Action == Delete {
				deleted++
			}
		}
		sd.Deleted += deleted
		td.Removed = deleted > 0 && deleted == len(list.Items)
	}
	if sd.Deleted > 0 && !p.SkipRegistry {
		pl.releaseLinks(sd, evImage, c)
	}
}

// decideEvent applies the rows of PRUNE.md §1.3's table, first match wins.
func (pl *planner) decideEvent(e *EventDecision, si int, is *image.ImageStream, tag string, item *image.TagEvent, idx int32, tp tagPolicy) {
	p := pl.p
	keep := func(r Reason) { e.Action, e.Reason = Keep, r }
	if tp.never {
		keep(ReasonNeverPrune)
		return
	}
	// Row 1.
	if !p.sizeMode && tp.hasAge && item.Created.After(tp.threshold) {
		keep(ReasonYoung)
		return
	}
	// Row 2: a tag reference protects only the newest revision.
	if e.Revision == 0 {
		if refs := pl.use.tags[repoKey{is.Namespace, is.Name, tag}]; len(refs) > 0 {
			keep(ReasonTagReferenced)
			e.Referrers = referrers(pl.refs, refs, p.maxReferrers)
			return
		}
	}
	// Row 3: runs before keep-N, so a dangling event goes even when it is
	// among the newest revisions.
	if idx < 0 {
		e.Action, e.Reason = Delete, ReasonDangling
		return
	}
	// Rows 4a and 4b.
	if p.sizeMode {
		if !pl.exceedsLimit(is.Namespace, pl.x.images[idx].img) {
			keep(ReasonWithinSizeLimit)
			return
		}
	} else if int(e.Revision) < tp.keepRevisions {
		keep(ReasonWithinRevisions)
		return
	}
	// Row 5: a digest reference protects the image in this repository only.
	if refs := pl.imageRefs[imageRefKey(si, idx)]; len(refs) > 0 {
		keep(ReasonDigestReferenced)
		e.Referrers = referrers(pl.refs, refs, p.maxReferrers)
		return
	}
	// Row 6.
	e.Action, e.Reason = Delete, ReasonUnused
	if p.sizeMode {
		e.Reason = ReasonOverSizeLimit
	}
}

// exceedsLimit is oc's exceedsLimits (PRUNE.md §1.7): the image's size is
// above the namespace's smallest openshift.io/Image max storage.
func (pl *planner) exceedsLimit(ns string, img *image.Image) bool {
	limit, ok := pl.p.ImageSizeLimits[ns]
	return ok && limit < img.DockerImageMetadata.Size
}

// markTagged records, for stage 2, every image a remaining event names,
// in stream order so that TaggedBy is deterministic.
func (pl *planner) markTagged() {
	if pl.p.Namespace != "" {
		return
	}
	pl.named = make([]bool, len(pl.x.images))
	pl.taggedBy = make([][]string, len(pl.x.images))
	for si := range pl.d.Streams {
		sd := &pl.d.Streams[si]
		evImage := pl.evImage[pl.evOff[si]:pl.evOff[si+1]]
		k := 0
		for ti := range sd.Tags {
			td := &sd.Tags[ti]
			for ei := range td.Events {
				idx := evImage[k]
				k++
				if idx < 0 || td.Events[ei].Action == Delete {
					continue
				}
				pl.named[idx] = true
				if len(pl.taggedBy[idx]) < pl.p.maxReferrers {
					pl.taggedBy[idx] = append(pl.taggedBy[idx], sd.Namespace+"/"+sd.Name+":"+td.Tag)
				}
			}
		}
	}
}

// releaseLinks finds the links of the repository that no remaining event
// needs: oc decrements per-repository counts for each deleted event and
// unlinks at zero, which is the same as "every counted use is deleted".
// Dangling events are not counted, and a malformed image counts as kept.
func (pl *planner) releaseLinks(sd *StreamDecision, evImage []int32, c *counter) {
	x := pl.x
	k := 0
	for ti := range sd.Tags {
		for ei := range sd.Tags[ti].Events {
			idx := evImage[k]
			k++
			if idx < 0 {
				continue
			}
			info := &x.images[idx]
			gone := sd.Tags[ti].Events[ei].Action == Delete && info.bad == ""
			c.add(x, info, gone)
			if pl.p.ListAwareLinks {
				for _, child := range info.children {
					ci := &x.images[child]
					c.add(x, ci, gone && ci.bad == "")
				}
			}
		}
	}
	sd.ManifestLinks = c.released(c.manifests, c.manifest, x.digests)
	sd.LayerLinks = c.released(c.blobs, c.blob, x.digests)
	c.manifests, c.blobs = c.manifests[:0], c.blobs[:0]
}

package prune

import (
	"context"
	"slices"
)

// Stage 2: delete Image objects and blobs (PRUNE.md §1.4), after stage 1
// decided every stream. Skipped in namespace mode, as in oc.

// pruneImages decides every image and blob. Its loops over the images
// check ctx per chunk (PRUNE.md §6.14); once it has ended it stops,
// leaving images undecided.
func (pl *planner) pruneImages(ctx context.Context) {
	p, x, d := pl.p, pl.x, pl.d
	d.Images = make([]ImageDecision, len(x.images))
	// Even this loop takes tens of milliseconds at 100,000 images when
	// it is the first to touch d.Images' fresh memory.
	for i := range x.images {
		if stopped(ctx, i, imageChunk) {
			return
		}
		d.Images[i].Name = x.name(int32(i))
	}
	if p.Namespace != "" {
		for i := range d.Images {
			d.Images[i].Action, d.Images[i].Reason = Keep, ReasonOutOfScope
		}
		return
	}

	// oc's usedImages: every image a remaining event names, then the
	// children of those that are lists (f5d8dce). oc adds the children to
	// the map it is ranging over, so whether it visits a child list and
	// adds its children in turn is up to Go's map iteration. The plan
	// does, the outcome that keeps a nested list whole, and the one
	// Execute's re-check reproduces.
	lists := make(map[int32][]string)
	var work []int32
	var queued []bool
	for i := range x.images {
		if pl.named(i) && len(x.images[i].children) > 0 {
			if queued == nil {
				queued = make([]bool, len(x.images))
			}
			queued[i] = true
			work = append(work, int32(i))
		}
	}
	for len(work) > 0 {
		l := work[0]
		work = work[1:]
		for _, c := range x.images[l].children {
			if len(lists[c]) < p.maxReferrers {
				lists[c] = append(lists[c], x.name(l))
			}
			if len(x.images[c].children) > 0 && !queued[c] {
				queued[c] = true
				work = append(work, c)
			}
		}
	}
	for i := range x.images {
		if stopped(ctx, i, imageChunk) {
			return
		}
		info, dec := &x.images[i], &d.Images[i]
		dec.Action = Keep
		switch {
		case info.bad != "":
			dec.Reason = ReasonMalformed
		case pl.named(i):
			dec.Reason, dec.TaggedBy = ReasonTagged, pl.taggedBy(i)
		case len(lists[int32(i)]) > 0:
			dec.Reason, dec.Lists = ReasonListChild, lists[int32(i)]
		case p.KeepReferencedImages && pl.referencedAnywhere(i, dec):
			dec.Reason = ReasonDigestReferenced
		case p.OnlyManaged && !info.managed:
			dec.Reason = ReasonUnmanaged
		case !p.sizeMode && info.created.After(p.threshold):
			dec.Reason = ReasonYoung
		default:
			dec.Action, dec.Reason = Delete, ReasonUnused
		}
	}
	switch {
	case p.keepAllListChildren:
		pl.keepChildren(func(dec *ImageDecision) bool { return dec.Action == Keep })
	case p.KeepReferencedImages:
		// Under OCCompatible too: a list kept because a workload runs it
		// is pulled with its children, whatever oc does with the
		// children of lists no tag event names.
		pl.keepChildren(func(dec *ImageDecision) bool { return dec.Reason == ReasonDigestReferenced })
	}
	pl.releaseBlobs(ctx)
}

// keepChildren keeps the children of the lists whose decision seed
// accepts, and theirs in turn: every kept list by default, or those a
// workload references (see Options.OCCompatible and
// KeepReferencedImages). A child that was to go is kept as a list child;
// one kept already is followed all the same, since its own reason may
// not protect its children.
func (pl *planner) keepChildren(seed func(*ImageDecision) bool) {
	x, d := pl.x, pl.d
	var (
		work []int32
		seen []bool // lists queued once
	)
	for i := range x.images {
		if len(x.images[i].children) > 0 && seed(&d.Images[i]) {
			if seen == nil {
				seen = make([]bool, len(x.images))
			}
			seen[i] = true
			work = append(work, int32(i))
		}
	}
	for len(work) > 0 {
		l := work[len(work)-1]
		work = work[:len(work)-1]
		for _, c := range x.images[l].children {
			dec := &d.Images[c]
			if dec.Action == Delete {
				dec.Action, dec.Reason = Keep, ReasonListChild
			}
			if name := x.name(l); dec.Reason == ReasonListChild && len(dec.Lists) < pl.p.maxReferrers && !slices.Contains(dec.Lists, name) {
				dec.Lists = append(dec.Lists, name)
			}
			if len(x.images[c].children) > 0 && !seen[c] {
				seen[c] = true
				work = append(work, c)
			}
		}
	}
}

// releaseBlobs counts every image's blobs and manifest globally, kept
// images included, and deletes the blobs whose every user is deleted
// (oc decrements per deleted image and deletes at zero). It stops when
// ctx ends, checked per chunk of images.
func (pl *planner) releaseBlobs(ctx context.Context) {
	x, d := pl.x, pl.d
	var total, gone []int32
	if !pl.p.SkipRegistry {
		total, gone = make([]int32, x.text.len()), make([]int32, x.text.len())
	}
	for i := range x.images {
		if stopped(ctx, i, imageChunk) {
			return
		}
		info := &x.images[i]
		del := d.Images[i].Action == Delete
		if del {
			d.Images[i].Blobs = pl.blobNames(info)
			d.Images[i].Created = info.created
		}
		if ms := x.manifests[info.manStart:info.manEnd]; len(ms) > 0 && (del || pl.deletesChild(info)) {
			d.Images[i].Children = pl.strSlab.alloc(len(ms))
			for j, c := range ms {
				d.Images[i].Children[j] = x.digest(c)
			}
		}
		if total == nil {
			continue
		}
		total[info.manifest]++
		for _, b := range x.blobsOf(info) {
			total[b]++
		}
		if del {
			gone[info.manifest]++
			for _, b := range x.blobsOf(info) {
				gone[b]++
			}
		}
	}
	for id := range gone {
		if gone[id] > 0 && gone[id] == total[id] {
			d.Blobs = append(d.Blobs, Blob{Digest: x.digest(int32(id)), Size: x.sizes[id]})
		}
	}
}

// deletesChild reports whether the plan deletes a child of the list
// info, or of a list among its children, and so on down. A kept list
// then records its children, so that Execute keeps them, and theirs, if
// a tag event names the list by the time it runs (§1.6, §6.8).
func (pl *planner) deletesChild(info *imageInfo) bool {
	var seen map[int32]bool // lists walked; a snapshot may make a cycle
	var walk func(info *imageInfo) bool
	walk = func(info *imageInfo) bool {
		for _, c := range info.children {
			if pl.d.Images[c].Action == Delete {
				return true
			}
		}
		for _, c := range info.children {
			if child := &pl.x.images[c]; len(child.children) > 0 && !seen[c] {
				if seen == nil {
					seen = map[int32]bool{}
				}
				seen[c] = true
				if walk(child) {
					return true
				}
			}
		}
		return false
	}
	return walk(info)
}

// blobNames lists an image's blobs and its manifest once each, sorted.
func (pl *planner) blobNames(info *imageInfo) []string {
	blobs := pl.x.blobsOf(info)
	out := pl.strSlab.alloc(len(blobs) + 1)[:0]
	out = append(out, pl.x.digest(info.manifest))
	for _, b := range blobs {
		out = append(out, pl.x.digest(b))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// referencedAnywhere reports whether a reference in any repository names
// image i, recording up to maxReferrers of them in dec.
func (pl *planner) referencedAnywhere(i int, dec *ImageDecision) bool {
	recs := pl.refs.anyRecs(i)
	dec.Referrers = pl.refs.referrers(pl.rf, &pl.refSlab, len(recs), func(j int) *refRecord { return &pl.refs.recs[recs[j]] }, pl.p.maxReferrers)
	return len(dec.Referrers) > 0
}

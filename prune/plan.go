package prune

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
)

// ErrMalformedImage is wrapped by Plan's error under Options.StrictImages.
var ErrMalformedImage = errors.New("malformed image")

// Plan decides what pruning s under opts deletes, with oc's rules
// (PRUNE.md §1) in oc's order. It is pure: it reads no clock (ages are
// measured from opts.Now), does no I/O, never changes s, and returns the
// same Decisions, down to the bytes of their JSON, for the same input.
//
// It fails only on invalid options, or on an invalid reference or a
// malformed image when opts.StrictRefs or opts.StrictImages asks it to.
func Plan(s *Snapshot, opts Options) (*Decisions, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		s = &Snapshot{}
	}
	p := resolve(opts)
	d := &Decisions{SchemaVersion: SchemaVersion, Policy: p.summary()}
	pl := &planner{p: &p, refs: s.References, d: d}
	// Two goroutines share the work before stage 1. One builds the image
	// index: first the names, then the blobs. The other lays out the
	// stream decisions and parses the references, which need no index,
	// then groups the references by stream, which needs only the names.
	// Then both look up the tag events' images, which also need only the
	// names, sharing the streams between them.
	streams := sortStreams(s)
	var use usage
	var ri *refIndex
	var next atomic.Int64
	named := make(chan *index, 1)
	laid, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		pl.layout(streams)
		close(laid)
		use = analyzeReferences(s.References, &p, streams)
		x := <-named
		ri = buildRefIndex(use.refs, x, &p)
		use.refs = nil // grouped into ri; let the collector have it
		pl.resolveEvents(x, &next)
	}()
	x := indexNames(s, streams)
	named <- x
	x.addBlobs()
	<-laid
	pl.resolveEvents(x, &next)
	<-done
	if p.StrictRefs && !p.IgnoreInvalidRefs && len(use.invalid) > 0 {
		return nil, &ReferencesError{Invalid: use.invalid}
	}
	d.InvalidReferences = use.invalid
	for i := range x.images {
		if bad := x.images[i].bad; bad != "" {
			d.InvalidImages = append(d.InvalidImages, InvalidImage{Name: x.images[i].img.Name, Error: bad})
		}
	}
	if p.StrictImages && len(d.InvalidImages) > 0 {
		bad := d.InvalidImages[0]
		return nil, fmt.Errorf("%w %q: %s (and %d more)", ErrMalformedImage, bad.Name, bad.Error, len(d.InvalidImages)-1)
	}

	pl.x, pl.ri = x, ri
	pl.pruneStreams()
	pl.pruneImages()
	pl.finish()
	return d, nil
}

// planner carries the state shared by the two stages.
type planner struct {
	p    *policy
	x    *index
	ri   *refIndex
	refs []Reference
	d    *Decisions

	// events and evImage hold every event's decision and image index
	// (-1: missing); stream si owns [evOff[si], evOff[si+1]).
	events  []EventDecision
	evImage []int32
	evOff   []int

	// named and taggedBy record, per image, the remaining tag events that
	// name it; stage 1 fills them and stage 2 reads them. Nil in
	// namespace mode, where stage 2 does not run.
	named    []bool
	taggedBy [][]string

	// Stage 2 cuts its small result slices from these.
	strSlab slab[string]
	refSlab slab[Referrer]
}

func (pl *planner) finish() {
	d := pl.d
	slices.SortFunc(d.Blobs, func(a, b Blob) int { return strings.Compare(a.Digest, b.Digest) })

	st := &d.Stats
	for i := range d.Streams {
		st.DeletedLayerLinks += len(d.Streams[i].LayerLinks)
		st.DeletedManifestLinks += len(d.Streams[i].ManifestLinks)
		if n := d.Streams[i].Deleted; n > 0 {
			st.UpdatedImageStreams++
			st.DeletedImageStreamTagItems += n
		}
	}
	for i := range d.Images {
		if d.Images[i].Action == Delete {
			st.DeletedImages++
		}
	}
	st.DeletedBlobs = len(d.Blobs)
	for _, b := range d.Blobs {
		st.BytesFreed += b.Size
	}
}

package prune

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
// It is PlanContext with context.Background(), which cannot be cancelled.
func Plan(s *Snapshot, opts Options) (*Decisions, error) {
	return PlanContext(context.Background(), s, opts)
}

// PlanContext is Plan that stops early when ctx ends (PRUNE.md §6.14):
// at 100,000 images a plan takes over half a second of CPU, which a
// server must be able to cancel. It checks ctx between chunks of work of
// at most a millisecond or so (only a sort of unsorted input and the
// allocation of the plan's large arrays are not cut), and once ctx has
// ended returns nil and ctx.Err() itself, for errors.Is, after every
// goroutine it started has finished. Invalid options are reported
// first, whatever ctx.
//
// ctx only decides whether the plan stops: a plan that completes is
// Plan's, byte for byte.
func PlanContext(ctx context.Context, s *Snapshot, opts Options) (*Decisions, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := resolve(opts)
	ix, err := NewIndexContext(ctx, s)
	if err != nil {
		return nil, err
	}
	return ix.plan(ctx, &p)
}

// Plan is the package's Plan over the snapshot ix was built from. It is
// PlanContext with context.Background().
func (ix *Index) Plan(opts Options) (*Decisions, error) {
	return ix.PlanContext(context.Background(), opts)
}

// PlanContext is the package's PlanContext over the snapshot ix was
// built from: it stops early, returning nil and ctx.Err(), when ctx ends
// (PRUNE.md §6.14). Invalid options are reported first, whatever ctx.
func (ix *Index) PlanContext(ctx context.Context, opts Options) (*Decisions, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if ix == nil {
		ix = NewIndex(nil)
	}
	p := resolve(opts)
	return ix.plan(ctx, &p)
}

// plan plans with p, unless ctx ends first. A step cut short by ctx
// leaves its results partial, so ctx is checked again after each step,
// once its goroutines are done, and before the next one reads them.
func (ix *Index) plan(ctx context.Context, p *policy) (*Decisions, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := ix.x
	d := &Decisions{SchemaVersion: SchemaVersion, Policy: p.summary()}
	pl := &planner{p: p, x: x, refs: ix.refs, rf: newRefFilter(p), d: d}
	invalid := ix.refs.invalidRefs(pl.rf)
	if p.StrictRefs && !p.IgnoreInvalidRefs && len(invalid) > 0 {
		return nil, &ReferencesError{Invalid: invalid}
	}
	d.InvalidReferences = invalid
	pl.layout()
	for i := range x.images {
		if bad := x.images[i].bad; bad != "" {
			d.InvalidImages = append(d.InvalidImages, InvalidImage{Name: x.name(int32(i)), Error: bad})
		}
	}
	if p.StrictImages && len(d.InvalidImages) > 0 {
		bad := d.InvalidImages[0]
		err := fmt.Errorf("%w %q: %s", ErrMalformedImage, bad.Name, bad.Error)
		if more := len(d.InvalidImages) - 1; more > 0 {
			err = fmt.Errorf("%w (and %d more)", err, more)
		}
		return nil, err
	}

	pl.pruneStreams(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pl.pruneImages(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pl.finish()
	return d, nil
}

// stopped reports whether ctx has ended, looking only when i is a
// multiple of every, a power of two: a loop over hundreds of thousands of
// items checks it a fraction of a millisecond of work apart (PRUNE.md
// §6.14), at the cost of a test of i's low bits per item.
func stopped(ctx context.Context, i, every int) bool {
	return i&(every-1) == 0 && ctx.Err() != nil
}

// planner carries the state shared by the two stages.
type planner struct {
	p    *policy
	x    *index
	refs *refTable
	rf   refFilter // which references count
	d    *Decisions

	// events holds every event's decision, in the order of the index's
	// events.
	events []EventDecision
	// gone[k] records whether event k is deleted, for the passes after
	// stage 1.
	gone []bool

	// tagged records, per image, the remaining tag events that name it:
	// image i's TaggedBy is tagged[taggedStart[i]:taggedEnd[i]], within
	// room up to taggedStart[i+1].
	// Stage 1 fills it and stage 2 reads it. Nil in namespace mode, where
	// stage 2 does not run.
	tagged                 []string
	taggedStart, taggedEnd []int32

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

package prune

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// Defaults of Execute.
const (
	// DefaultWorkers is oc's --num-workers default.
	DefaultWorkers = 5
	// DefaultConflictRetries is how often a stream update is retried after
	// a conflict: client-go's retry.DefaultRetry, which oc uses, makes 5
	// attempts.
	DefaultConflictRetries = 4
)

// ErrIncomplete is returned by Execute when some deletion failed; the
// Report lists the failures. Running Execute again with the same plan
// retries exactly what is left.
var ErrIncomplete = errors.New("prune: execution incomplete")

// Phase is a step of Execute, in the order they run.
type Phase string

// Phases.
const (
	PhaseStreams       Phase = "streams"
	PhaseRecheck       Phase = "recheck"
	PhaseLayerLinks    Phase = "layer-links"
	PhaseManifestLinks Phase = "manifest-links"
	PhaseBlobs         Phase = "blobs"
	PhaseImages        Phase = "images"
)

// Progress reports one finished operation of Execute.
type Progress struct {
	Phase Phase
	// Target names what was changed: "ns/name" for a stream,
	// "ns/name@digest" for a link, a digest for a blob or an image.
	Target      string
	Done, Total int
	Err         error
}

// ExecuteOptions tune Execute. The zero value is ready to use.
type ExecuteOptions struct {
	// Workers bounds the operations in flight in each phase; ≤ 0 means
	// DefaultWorkers.
	Workers int
	// ConflictRetries bounds the re-reads of a stream whose update lost a
	// compare-and-swap, each after a wait of 10 ms (with a jitter of 0.1)
	// as in client-go's retry.DefaultRetry; ≤ 0 means
	// DefaultConflictRetries.
	ConflictRetries int
	// Progress, if set, is called after every operation, one call at a
	// time.
	Progress func(Progress)
	// NoRecheck skips the re-checks before the destructive phases
	// (PRUNE.md §6.8; see Execute). Only for a registry and cluster known
	// to be quiet: without them an image pushed or tagged after planning
	// can lose its blobs.
	NoRecheck bool
	// GracePeriod keeps every image created less than this long before
	// the re-check, and its blobs, even if the plan deletes it: an image
	// pushed again (deleted and re-created) after planning, or planned
	// long ago, survives. Zero disables it. Creation times come from
	// Targets.Lister when set, else from the plan.
	GracePeriod time.Duration
	// Now returns the current time for GracePeriod; nil means time.Now.
	Now func() time.Time
	// Journal, if set, records every deletion that succeeds, and the run
	// skips those an earlier run of the same plan recorded (PRUNE.md
	// §6.7; see Journal). A journal of another plan fails the run before
	// anything is changed.
	Journal Journal
}

// StreamOutcome is what Execute did with a stream.
type StreamOutcome string

// Stream outcomes.
const (
	// StreamUpdated: the planned events were removed.
	StreamUpdated StreamOutcome = "updated"
	// StreamRebased: the stream changed since planning; the planned
	// events still present were removed from the fresh stream.
	StreamRebased StreamOutcome = "rebased"
	// StreamUnchanged: the run removed no event: none of the planned
	// events is left (an earlier run removed them), or those left are
	// kept (see StreamResult.Kept).
	StreamUnchanged StreamOutcome = "unchanged"
	// StreamGone: the stream no longer exists.
	StreamGone StreamOutcome = "gone"
	// StreamFailed: the update failed; nothing it released is deleted.
	StreamFailed StreamOutcome = "failed"
	// StreamSkipped: the context ended before the stream was updated.
	StreamSkipped StreamOutcome = "skipped"
)

// StreamResult is the outcome for one stream the plan updates.
type StreamResult struct {
	Namespace string        `json:"namespace"`
	Name      string        `json:"name"`
	Outcome   StreamOutcome `json:"outcome"`
	// Deleted counts the events removed by this run.
	Deleted int `json:"deleted"`
	// NewEvents counts events the fresh stream has and the plan does not;
	// their images are kept and the stream's links are left alone.
	NewEvents int `json:"newEvents,omitempty"`
	// Kept counts events the plan deletes that stayed because a workload
	// references them now (Targets.References), or because the image a
	// dangling one names exists now (Targets.Lister); likewise their
	// images and the stream's links are kept.
	Kept  int    `json:"kept,omitempty"`
	Error string `json:"error,omitempty"`
}

// Failure is an operation that failed.
type Failure struct {
	Phase  Phase  `json:"phase"`
	Target string `json:"target"`
	Error  string `json:"error"`
}

// Withheld lists planned deletions Execute did not attempt because
// something may still use them: a stream whose update failed or that
// changed since planning, a reference or image its re-checks found
// (PRUNE.md §6.8), ExecuteOptions.GracePeriod, a re-check that failed,
// or, for a blob, a link to it that failed to go. Nothing still in use
// is lost.
type Withheld struct {
	Images        []string `json:"images,omitempty"`
	Blobs         []string `json:"blobs,omitempty"`
	LayerLinks    int      `json:"layerLinks,omitempty"`
	ManifestLinks int      `json:"manifestLinks,omitempty"`
}

// Report is the result of Execute, with a stable JSON form.
type Report struct {
	SchemaVersion string `json:"schemaVersion"`
	// Planned counts what the plan asked for; Deleted the deletions this
	// run sent that succeeded, a target already gone included (as oc
	// counts it): without a journal, a run after a complete one counts
	// its deletions again.
	Planned Stats `json:"planned"`
	Deleted Stats `json:"deleted"`
	// Journaled counts the deletions an earlier run recorded in
	// ExecuteOptions.Journal, which this run did not send again; nil
	// without a journal.
	Journaled *Stats         `json:"journaled,omitempty"`
	Streams   []StreamResult `json:"streams,omitempty"`
	Withheld  Withheld       `json:"withheld"`
	Failures  []Failure      `json:"failures,omitempty"`
}

// Summary returns oc's closing line for what this run deleted.
func (r *Report) Summary() string { return r.Deleted.Summary() }

// Execute carries out a plan in an order that never loses data in use
// (PRUNE.md §6.7): stream status updates first, each a compare-and-swap
// on a fresh read; then the layer and manifest links the updated streams
// released; then blobs; then Image objects. A stream whose update fails
// keeps everything it named: its links, the images its events name and
// their blobs are withheld. An image whose blob failed to delete is kept,
// so a later run finds it again.
//
// Before deleting, Execute looks again at what is in use (PRUNE.md §6.8),
// unless opts.NoRecheck, and applies the plan's rules to what it sees:
// when nothing changed since planning it deletes what the plan says. An
// image a fresh tag event names is kept with its children and blobs, a
// stream with events the plan does not know keeps its links, and with
// opts.GracePeriod a recently created image is kept. With
// Targets.References it also lists the workloads' references, counted
// as the plan counts them (an old finished owner's do not), before the
// stream updates (an event referenced now stays, as rows 2 and 5 of
// §1.3 would keep it) and before every later phase (under
// KeepReferencedImages a referenced image stays with its blobs). With
// Targets.Lister it lists all streams and images before each of the
// links, blobs and images phases, so a push into a new stream, a kept
// list's included, or a new image sharing a planned blob, is seen.
// Without it, it re-reads the plan's streams once, before the links; an
// event there that names an image the plan does not know, which it
// cannot read, keeps every image and blob the plan deletes. A push that
// lands between the last re-check and the deletion it races is not seen:
// only a registry that refuses pushes while pruning closes that window.
//
// Every step is idempotent ("not found" is success, and is counted as a
// deletion, as oc counts it), so Execute can be re-run with the same
// plan after a failure or a cancellation and converges to the same end
// state; with opts.Journal it sends none of the deletions an earlier run
// recorded. Resume with the same plan (saved as JSON, for one): a new
// plan made after the stream updates cannot see the links they released,
// and leaves them to PlanSweep. It returns ErrIncomplete when an
// operation failed and the context's error when it ended early; the
// report is valid in both cases.
func Execute(ctx context.Context, d *Decisions, t Targets, opts ExecuteOptions) (*Report, error) {
	if d == nil {
		return nil, errors.New("prune: Execute needs a plan")
	}
	e := &executor{d: d, t: t, opts: opts, rf: planFilter(d), rep: &Report{SchemaVersion: SchemaVersion, Planned: d.Stats}}
	if e.opts.Workers <= 0 {
		e.opts.Workers = DefaultWorkers
	}
	if e.opts.ConflictRetries <= 0 {
		e.opts.ConflictRetries = DefaultConflictRetries
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	if err := e.beginJournal(d); err != nil {
		return nil, err
	}
	e.protected, e.heldStreams = map[string]bool{}, map[int]bool{}
	if !e.opts.NoRecheck {
		if err := e.keepReferenced(ctx); err != nil {
			return e.rep, err
		}
		if err := e.recheckDangling(ctx); err != nil {
			return e.rep, err
		}
	}
	if err := e.updateStreams(ctx); err != nil {
		return e.rep, err
	}
	for i, step := range []func(context.Context) error{e.deleteLinks, e.deleteBlobs, e.deleteImages} {
		// Every destructive phase starts from a fresh look at what is in
		// use (PRUNE.md §6.8). Reading each stream again is costly, so
		// without a Lister only the first phase does it.
		if !e.opts.NoRecheck {
			if i == 0 || e.t.Lister != nil {
				if err := e.recheckStreams(ctx); err != nil {
					return e.rep, err
				}
			}
			e.recheckReferences(ctx)
		}
		e.withhold()
		if err := step(ctx); err != nil {
			return e.rep, err
		}
	}
	if len(e.rep.Failures) > 0 {
		return e.rep, fmt.Errorf("%w: %d operation(s) failed", ErrIncomplete, len(e.rep.Failures))
	}
	return e.rep, nil
}

type executor struct {
	d    *Decisions
	t    Targets
	opts ExecuteOptions
	rep  *Report

	mu          sync.Mutex      // guards the fields below and rep
	protected   map[string]bool // images a fresh or un-updated stream still names
	extraBlobs  map[string]bool // blobs of images the plan does not know
	planned     map[string]*ImageDecision
	known       map[string]bool               // every image of the plan
	repos       map[string]int                // "namespace/name" → index in d.Streams
	children    map[string][]string           // the children of the listed lists, with a Lister
	rf          refFilter                     // the plan's
	fresh       map[string]*image.ImageStream // the last re-check's streams by repository
	refKeep     map[string]*refKeep           // by repository, from the references before the stream updates
	heldStreams map[int]bool                  // streams whose links must stay
	failedBlobs map[string]bool
	failedLinks map[string]bool // digests whose link deletion failed in some repository
	heldImages  map[string]bool
	heldBlobs   map[string]bool
	exists      map[string]bool // images listed before the stream updates (recheckDangling), or nil
}

func (e *executor) check() error {
	needStreams, needRegistry, needImages := false, len(e.d.Blobs) > 0, false
	for i := range e.d.Streams {
		sd := &e.d.Streams[i]
		needStreams = needStreams || sd.Deleted > 0
		needRegistry = needRegistry || len(sd.LayerLinks)+len(sd.ManifestLinks) > 0
	}
	for i := range e.d.Images {
		needImages = needImages || e.d.Images[i].Action == Delete
	}
	switch {
	case needStreams && e.t.Streams == nil:
		return errors.New("prune: the plan updates streams but Targets.Streams is nil")
	case !e.opts.NoRecheck && e.t.Lister == nil && e.t.Streams == nil:
		return errors.New("prune: Targets.Streams is nil, and without a Lister the re-check reads the streams through it (or set NoRecheck)")
	case needRegistry && e.t.Registry == nil:
		return errors.New("prune: the plan deletes registry data but Targets.Registry is nil")
	case needImages && e.t.Images == nil:
		return errors.New("prune: the plan deletes images but Targets.Images is nil")
	}
	return nil
}

// beginJournal binds opts.Journal, if any, to plan, the Decisions or
// Sweep being carried out.
func (e *executor) beginJournal(plan interface{ fingerprint() (string, error) }) error {
	if e.opts.Journal == nil {
		return nil
	}
	fp, err := plan.fingerprint()
	if err != nil {
		return err
	}
	if err := e.opts.Journal.Begin(fp); err != nil {
		return err
	}
	e.rep.Journaled = &Stats{}
	return nil
}

// journaled reports whether an earlier run recorded the deletion of
// target in phase, counting it, of size bytes, in the report.
func (e *executor) journaled(phase Phase, target string, size int64) bool {
	if e.opts.Journal == nil || !e.opts.Journal.Done(phase, target) {
		return false
	}
	j := e.rep.Journaled
	switch phase {
	case PhaseLayerLinks:
		j.DeletedLayerLinks++
	case PhaseManifestLinks:
		j.DeletedManifestLinks++
	case PhaseBlobs:
		j.DeletedBlobs++
		j.BytesFreed += size
	case PhaseImages:
		j.DeletedImages++
	}
	return true
}

func (e *executor) fail(phase Phase, target string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rep.Failures = append(e.rep.Failures, Failure{Phase: phase, Target: target, Error: err.Error()})
}

// run calls fn for 0..n-1 on up to opts.Workers goroutines and reports
// progress. It stops handing out work when ctx ends and then returns
// ctx's error; fn's errors are recorded as failures, not returned.
func (e *executor) run(ctx context.Context, phase Phase, n int, fn func(i int) (target string, err error)) error {
	var next, done atomic.Int64
	var progressMu sync.Mutex // serializes Progress calls
	var wg sync.WaitGroup
	for range min(e.opts.Workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				target, err := fn(i)
				if err == nil && e.opts.Journal != nil && slices.Contains(journalPhases, phase) {
					if err = e.opts.Journal.Record(phase, target); err != nil {
						err = fmt.Errorf("deleted, but not journaled: %w", err)
					}
				}
				if err != nil {
					e.fail(phase, target, err)
				}
				if e.opts.Progress != nil {
					progressMu.Lock()
					e.opts.Progress(Progress{Phase: phase, Target: target, Done: int(done.Add(1)), Total: n, Err: err})
					progressMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// withhold computes what must not be deleted because a stream still names
// it: the images of protected events, the children of those that are
// lists (Decisions does not know which children the plan kept for other
// reasons, so all planned-deleted children are held), and their blobs.
func (e *executor) withhold() {
	e.heldImages, e.heldBlobs = map[string]bool{}, map[string]bool{}
	for b := range e.extraBlobs {
		e.heldBlobs[b] = true
	}
	// Links go before their blobs (PRUNE.md §6.7): a blob whose link
	// failed to go may still be served through it.
	for b := range e.failedLinks {
		e.heldBlobs[b] = true
	}
	byName := e.plannedImages()
	kept := map[string][]string{} // the children the plan records of lists it keeps
	for i := range e.d.Images {
		if img := &e.d.Images[i]; img.Action == Keep && len(img.Children) > 0 {
			kept[img.Name] = img.Children
		}
	}
	var work []string
	for name := range e.protected {
		work = append(work, name)
	}
	slices.Sort(work)
	seen := map[string]bool{}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[name] {
			continue
		}
		seen[name] = true
		img := byName[name]
		if img == nil {
			// A list the plan keeps: the plan records its children when
			// it deletes some of them, and a Lister's listing shows them
			// too, for a list new since planning.
			work = append(work, kept[name]...)
			work = append(work, e.children[name]...)
			continue
		}
		e.heldImages[name] = true
		for _, b := range img.Blobs {
			e.heldBlobs[b] = true
		}
		work = append(work, img.Children...)
	}
	e.rep.Withheld = Withheld{}
	w := &e.rep.Withheld
	for name := range e.heldImages {
		w.Images = append(w.Images, name)
	}
	for _, b := range e.d.Blobs {
		if e.heldBlobs[b.Digest] {
			w.Blobs = append(w.Blobs, b.Digest)
		}
	}
	slices.Sort(w.Images)
	for si := range e.heldStreams {
		w.LayerLinks += len(e.d.Streams[si].LayerLinks)
		w.ManifestLinks += len(e.d.Streams[si].ManifestLinks)
	}
}

func (e *executor) deleteLinks(ctx context.Context) error {
	e.failedLinks = map[string]bool{}
	type link struct {
		stream int
		digest string
	}
	for _, phase := range []Phase{PhaseLayerLinks, PhaseManifestLinks} {
		var links []link
		for si := range e.d.Streams {
			if e.heldStreams[si] {
				continue
			}
			digests := e.d.Streams[si].LayerLinks
			if phase == PhaseManifestLinks {
				digests = e.d.Streams[si].ManifestLinks
			}
			for _, dg := range digests {
				if e.journaled(phase, e.d.Streams[si].Repository()+"@"+dg, 0) {
					continue
				}
				links = append(links, link{si, dg})
			}
		}
		err := e.run(ctx, phase, len(links), func(i int) (string, error) {
			l := links[i]
			repo := e.d.Streams[l.stream].Repository()
			var err error
			if phase == PhaseLayerLinks {
				err = e.t.Registry.DeleteLayerLink(ctx, repo, l.digest)
			} else {
				err = e.t.Registry.DeleteManifestLink(ctx, repo, l.digest)
			}
			if err != nil {
				e.mu.Lock()
				e.failedLinks[l.digest] = true
				e.mu.Unlock()
			} else {
				e.mu.Lock()
				if phase == PhaseLayerLinks {
					e.rep.Deleted.DeletedLayerLinks++
				} else {
					e.rep.Deleted.DeletedManifestLinks++
				}
				e.mu.Unlock()
			}
			return repo + "@" + l.digest, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *executor) deleteBlobs(ctx context.Context) error {
	var blobs []Blob
	for _, b := range e.d.Blobs {
		if !e.heldBlobs[b.Digest] && !e.journaled(PhaseBlobs, b.Digest, b.Size) {
			blobs = append(blobs, b)
		}
	}
	e.failedBlobs = map[string]bool{}
	return e.run(ctx, PhaseBlobs, len(blobs), func(i int) (string, error) {
		b := blobs[i]
		err := e.t.Registry.DeleteBlob(ctx, b.Digest)
		e.mu.Lock()
		defer e.mu.Unlock()
		if err != nil {
			e.failedBlobs[b.Digest] = true
		} else {
			e.rep.Deleted.DeletedBlobs++
			e.rep.Deleted.BytesFreed += b.Size
		}
		return b.Digest, err
	})
}

func (e *executor) deleteImages(ctx context.Context) error {
	var images []*ImageDecision
	for i := range e.d.Images {
		img := &e.d.Images[i]
		if img.Action != Delete || e.heldImages[img.Name] {
			continue
		}
		// An image whose blob could not be deleted, or whose link to one
		// could not, stays, so that the next run (re-planned or not)
		// still finds and retries it. oc keeps it only when every blob
		// failed.
		if slices.ContainsFunc(img.Blobs, func(b string) bool { return e.failedBlobs[b] || e.failedLinks[b] }) {
			continue
		}
		if e.journaled(PhaseImages, img.Name, 0) {
			continue
		}
		images = append(images, img)
	}
	return e.run(ctx, PhaseImages, len(images), func(i int) (string, error) {
		name := images[i].Name
		err := e.t.Images.DeleteImage(ctx, name)
		if isNotFound(err) {
			err = nil
		}
		if err == nil {
			e.mu.Lock()
			e.rep.Deleted.DeletedImages++
			e.mu.Unlock()
		}
		return name, err
	})
}

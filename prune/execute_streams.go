package prune

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, storage.ErrConflict) }

// eventKey identifies a tag event across reads of a stream.
type eventKey struct {
	tag, image string
	created    int64
}

// updateStreams is phase 1: every stream with planned deletions is read
// fresh and updated by compare-and-swap.
func (e *executor) updateStreams(ctx context.Context) error {
	var todo []int
	for si := range e.d.Streams {
		if e.d.Streams[si].Deleted > 0 {
			todo = append(todo, si)
		}
	}
	results := make([]StreamResult, len(todo))
	for i, si := range todo {
		results[i] = StreamResult{Namespace: e.d.Streams[si].Namespace, Name: e.d.Streams[si].Name, Outcome: StreamSkipped}
	}
	err := e.run(ctx, PhaseStreams, len(todo), func(i int) (string, error) {
		sd := &e.d.Streams[todo[i]]
		res, err := e.updateStream(ctx, sd)
		results[i] = res
		return sd.Repository(), err
	})
	for i, res := range results {
		switch {
		case res.Outcome == StreamFailed || res.Outcome == StreamSkipped:
			// Nothing it released may go: it still names every image of
			// the plan (the fresh read may have failed).
			e.heldStreams[todo[i]] = true
			e.protectAll(&e.d.Streams[todo[i]])
		case res.NewEvents > 0 || res.Kept > 0:
			e.heldStreams[todo[i]] = true
		}
		e.rep.Deleted.DeletedImageStreamTagItems += res.Deleted
		if res.Outcome == StreamUpdated || res.Outcome == StreamRebased {
			e.rep.Deleted.UpdatedImageStreams++
		}
	}
	e.rep.Streams = results
	return err
}

func (e *executor) protectAll(sd *StreamDecision) {
	for _, td := range sd.Tags {
		for _, ev := range td.Events {
			e.protected[ev.Image] = true
		}
	}
}

// errNoStream is a StreamUpdater's answer of neither a stream nor an
// error: a broken adapter, whose stream is then treated as unreadable.
var errNoStream = errors.New("prune: GetImageStream returned neither a stream nor an error")

// getStream reads sd's stream through s.
func getStream(ctx context.Context, s StreamUpdater, sd *StreamDecision) (*image.ImageStream, error) {
	is, err := s.GetImageStream(ctx, sd.Namespace, sd.Name)
	if err == nil && is == nil {
		err = errNoStream
	}
	return is, err
}

// updateStream removes the planned events from a fresh read of the
// stream, retrying on conflict. Events the plan does not know (pushed
// since planning) stay, and their images are protected.
func (e *executor) updateStream(ctx context.Context, sd *StreamDecision) (StreamResult, error) {
	res := StreamResult{Namespace: sd.Namespace, Name: sd.Name}
	for attempt := 0; ; attempt++ {
		fresh, err := getStream(ctx, e.t.Streams, sd)
		if isNotFound(err) {
			res.Outcome = StreamGone
			return res, nil
		}
		if err != nil {
			res.Outcome, res.Error = StreamFailed, err.Error()
			return res, err
		}
		is := fresh.DeepCopy()
		removed, newImages, keptBack := rebase(is, sd, e.refKeep[sd.Repository()], e.exists)
		res.NewEvents, res.Kept = len(newImages), len(keptBack)
		e.mu.Lock()
		for _, img := range append(newImages, keptBack...) {
			e.protected[img] = true
		}
		e.mu.Unlock()
		if removed == 0 {
			res.Outcome = StreamUnchanged
			return res, nil
		}
		_, err = e.t.Streams.UpdateImageStreamStatus(ctx, is)
		switch {
		case err == nil:
			res.Outcome, res.Deleted = StreamUpdated, removed
			if fresh.ResourceVersion != sd.ResourceVersion {
				res.Outcome = StreamRebased
			}
			return res, nil
		case isNotFound(err):
			res.Outcome = StreamGone
			return res, nil
		case isConflict(err) && attempt < e.opts.ConflictRetries && ctx.Err() == nil:
			if err := conflictWait(ctx); err != nil {
				res.Outcome, res.Error = StreamSkipped, err.Error()
				return res, err
			}
			continue
		}
		res.Outcome, res.Error = StreamFailed, err.Error()
		return res, err
	}
}

// conflictBackoff is the wait between two attempts of a stream update,
// as in client-go's retry.DefaultRetry, which oc uses (PRUNE.md §1.3):
// 10 ms with a jitter of 0.1, so that a stream another writer updates
// often is not re-read in a tight loop.
const conflictBackoff = 10 * time.Millisecond

// conflictWait waits conflictBackoff, jittered, or until ctx ends.
func conflictWait(ctx context.Context) error {
	t := time.NewTimer(conflictBackoff + rand.N(conflictBackoff/10))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rebase removes from is the events sd deletes, matching them by tag,
// image and creation time, so that the plan applies to a stream that
// changed since planning. It drops tags it empties, and returns how many
// events it removed and the images of events sd does not know.
//
// An event keep names (a workload references its image, or the tag when
// it is the newest) stays although the plan deletes it, and so does a
// dangling one whose image exists now, when exists is known, and an
// unused one that has moved up the history since planning, since newer
// events went: it may be within the tag's keep-tag-revisions now (row 4b
// of PRUNE.md §1.3, which oc applies to the fresh stream), and the next
// plan decides. They are returned in keptBack.
func rebase(is *image.ImageStream, sd *StreamDecision, keep *refKeep, exists map[string]bool) (removed int, newImages, keptBack []string) {
	del := map[eventKey]int{}
	known := map[eventKey]int{}
	dangling := map[eventKey]bool{}
	revision := map[eventKey]int32{} // of unused events, the oldest equal one's
	for _, td := range sd.Tags {
		for _, ev := range td.Events {
			k := eventKey{td.Tag, ev.Image, ev.Created.Unix()}
			known[k]++
			if ev.Action == Delete {
				del[k]++
				dangling[k] = ev.Reason == ReasonDangling
				if ev.Reason == ReasonUnused {
					revision[k] = max(revision[k], ev.Revision)
				}
			}
		}
	}
	tags := is.Status.Tags[:0]
	for _, list := range is.Status.Tags {
		items := make([]image.TagEvent, 0, len(list.Items))
		cut := 0
		// Walk oldest first, so that when equal events are both kept and
		// deleted the older one goes, as its revision is the deleted one.
		for i := len(list.Items) - 1; i >= 0; i-- {
			ev := list.Items[i]
			k := eventKey{list.Tag, ev.Image, ev.Created.Unix()}
			if known[k] == 0 {
				newImages = append(newImages, ev.Image)
			} else {
				known[k]--
			}
			if del[k] > 0 {
				del[k]--
				if keep.has(list.Tag, ev.Image, i == 0, dangling[k]) || dangling[k] && exists[ev.Image] || int32(i) < revision[k] {
					keptBack = append(keptBack, ev.Image)
				} else {
					cut++
					continue
				}
			}
			items = append(items, ev)
		}
		// items were collected oldest first; restore newest first.
		for a, b := 0, len(items)-1; a < b; a, b = a+1, b-1 {
			items[a], items[b] = items[b], items[a]
		}
		removed += cut
		list.Items = items
		if cut > 0 && len(items) == 0 {
			continue
		}
		tags = append(tags, list)
	}
	is.Status.Tags = tags
	return removed, newImages, keptBack
}

// refKeep is what current references keep in one repository: images by
// digest, and the newest event of tags.
type refKeep struct{ images, tags map[string]bool }

// has reports whether k keeps an event of tag naming img, the tag's
// newest when newest is set. A tag reference keeps the newest event even
// when its image is gone, a digest reference does not: in oc's order a
// dangling event is deleted after the first check and before the second
// (rows 2, 3 and 5 of PRUNE.md §1.3).
func (k *refKeep) has(tag, img string, newest, dangling bool) bool {
	return k != nil && (!dangling && k.images[img] || newest && k.tags[tag])
}

package prune

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// plannedImages maps the names of the images the plan deletes to their
// decisions.
func (e *executor) plannedImages() map[string]*ImageDecision {
	if e.planned == nil {
		e.planned = map[string]*ImageDecision{}
		for i := range e.d.Images {
			if e.d.Images[i].Action == Delete {
				e.planned[e.d.Images[i].Name] = &e.d.Images[i]
			}
		}
	}
	return e.planned
}

// knownImages is the set of the images the plan decides on.
func (e *executor) knownImages() map[string]bool {
	if e.known == nil {
		e.known = make(map[string]bool, len(e.d.Images))
		for i := range e.d.Images {
			e.known[e.d.Images[i].Name] = true
		}
	}
	return e.known
}

// streamIndex maps the repositories of the plan's streams to their
// indexes in d.Streams.
func (e *executor) streamIndex() map[string]int {
	if e.repos == nil {
		e.repos = make(map[string]int, len(e.d.Streams))
		for si := range e.d.Streams {
			e.repos[e.d.Streams[si].Repository()] = si
		}
	}
	return e.repos
}

// recheckStreams looks at what is in use now (PRUNE.md §6.8) and protects it:
// the images every fresh event names, the links of plan streams that have
// events the plan does not know, and, under GracePeriod, recent images.
// It only ever adds protection, so repeating it is safe.
func (e *executor) recheckStreams(ctx context.Context) error {
	if e.extraBlobs == nil {
		e.extraBlobs = map[string]bool{}
	}
	byRepo := e.streamIndex()
	e.fresh = map[string]*image.ImageStream{}
	known := e.knownImages()
	check := func(is *image.ImageStream) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.fresh[is.Namespace+"/"+is.Name] = is
		for _, list := range is.Status.Tags {
			for _, ev := range list.Items {
				e.protected[ev.Image] = true
			}
		}
		si, ok := byRepo[is.Namespace+"/"+is.Name]
		if !ok {
			return
		}
		unknown := unknownEvents(is, &e.d.Streams[si])
		if len(unknown) > 0 {
			e.heldStreams[si] = true
		}
		if e.t.Lister != nil || !slices.ContainsFunc(unknown, func(img string) bool { return !known[img] }) {
			return
		}
		// A new event names an image the plan does not know, and
		// without a Lister it cannot be read: any blob of the plan may
		// be one of its blobs, and, if it is a list, any image the plan
		// deletes one of its children.
		for _, b := range e.d.Blobs {
			e.extraBlobs[b.Digest] = true
		}
		for name := range e.plannedImages() {
			e.protected[name] = true
		}
	}
	if e.t.Lister != nil {
		streams, err := e.t.Lister.ListImageStreams(ctx)
		if err != nil {
			e.fail(PhaseRecheck, "imagestreams", err)
			e.holdEverything()
			return nil
		}
		for _, is := range streams {
			if is != nil { // skipped, as Plan skips them
				check(is)
			}
		}
		images, err := e.t.Lister.ListImages(ctx)
		if err != nil {
			e.fail(PhaseRecheck, "images", err)
			e.holdEverything()
			return nil
		}
		planned, known := e.plannedImages(), e.knownImages()
		e.children = map[string][]string{}
		for _, img := range images {
			if img == nil {
				continue
			}
			// A list the plan keeps keeps its children only once it is
			// protected (withhold): as in the plan, the children of a list
			// no tag names may go (PRUNE.md §1.6).
			for _, c := range img.DockerImageManifests {
				e.children[img.Name] = append(e.children[img.Name], c.Digest)
			}
			switch {
			case !known[img.Name]:
				// New since planning: whatever it uses stays, its
				// children included.
				for _, b := range blobsOfImage(img) {
					e.extraBlobs[b] = true
				}
				for _, c := range img.DockerImageManifests {
					e.protected[c.Digest] = true
				}
			case planned[img.Name] != nil && e.recent(img.CreationTimestamp):
				e.protected[img.Name] = true
			}
		}
		return nil
	}
	for _, d := range e.plannedImages() {
		if e.recent(d.Created) {
			e.protected[d.Name] = true
		}
	}
	return e.run(ctx, PhaseRecheck, len(e.d.Streams), func(i int) (string, error) {
		sd := &e.d.Streams[i]
		is, err := getStream(ctx, e.t.Streams, sd)
		switch {
		case isNotFound(err):
			return sd.Repository(), nil // gone: it names nothing now
		case err != nil:
			e.mu.Lock()
			e.protectAll(sd)
			e.heldStreams[i] = true
			e.mu.Unlock()
		default:
			check(is)
		}
		return sd.Repository(), err
	})
}

// holdEverything keeps all that remains when a re-check cannot tell what
// is in use: nothing more is deleted in this run, which then reports
// ErrIncomplete.
func (e *executor) holdEverything() {
	for name := range e.plannedImages() {
		e.protected[name] = true
	}
	for si := range e.d.Streams {
		e.heldStreams[si] = true
	}
}

// recent reports whether an image created at t is inside the grace
// period.
func (e *executor) recent(t image.Time) bool {
	if e.opts.GracePeriod <= 0 || t.IsZero() {
		return false
	}
	now := time.Now
	if e.opts.Now != nil {
		now = e.opts.Now
	}
	return now().Sub(t.Time) < e.opts.GracePeriod
}

// unknownEvents returns the images of is's events that sd does not list.
func unknownEvents(is *image.ImageStream, sd *StreamDecision) []string {
	known := map[eventKey]int{}
	for _, td := range sd.Tags {
		for _, ev := range td.Events {
			known[eventKey{td.Tag, ev.Image, ev.Created.Unix()}]++
		}
	}
	var out []string
	for _, list := range is.Status.Tags {
		for _, ev := range list.Items {
			k := eventKey{list.Tag, ev.Image, ev.Created.Unix()}
			if known[k] == 0 {
				out = append(out, ev.Image)
				continue
			}
			known[k]--
		}
	}
	return out
}

// blobsOfImage is every registry blob an image uses: its manifest, its
// layers and, for schema 2 and OCI images, its config (PRUNE.md §1.5).
func blobsOfImage(img *image.Image) []string {
	out := []string{img.Name}
	for _, l := range img.DockerImageLayers {
		out = append(out, l.Name)
	}
	if hasConfig(img) {
		out = append(out, img.DockerImageMetadata.ID)
	}
	return out
}

// recheckReferences protects what the workloads' current references name
// (Targets.References), counted as the plan counted them (see
// resolveReference): the newest image of a referenced tag in the fresh
// streams; under KeepReferencedImages an image referenced by digest in
// any repository; and an image referenced by digest in a stream whose
// links the plan releases for it, which then keeps them. That last one
// is a workload that started to use a digest after planning: the plan,
// which keeps the events such a reference names, would have kept it.
func (e *executor) recheckReferences(ctx context.Context) {
	if e.t.References == nil {
		return
	}
	refs, err := e.t.References.ListReferences(ctx)
	if err != nil {
		e.fail(PhaseRecheck, "references", err)
		e.holdEverything()
		return
	}
	byRepo := e.streamIndex()
	for i := range refs {
		ns, name, item, kind := e.resolveReference(&refs[i])
		repo := ns + "/" + name
		img := ""
		switch kind {
		case refImage:
			si, ok := byRepo[repo]
			switch {
			case ok && slices.Contains(e.d.Streams[si].ManifestLinks, item):
				e.heldStreams[si] = true
			case !e.d.Policy.KeepReferencedImages:
				continue // as in the plan, a digest protects events, not images (§1.4)
			}
			e.protected[item] = true
			continue
		case refAnyImage:
			if e.d.Policy.KeepReferencedImages {
				e.protected[item] = true
			}
			continue
		case refTag:
			if is := e.fresh[repo]; is != nil {
				for _, list := range is.Status.Tags {
					if list.Tag == item && len(list.Items) > 0 {
						img = list.Items[0].Image
					}
				}
			}
		}
		if img == "" {
			continue
		}
		e.protected[img] = true
		if si, ok := byRepo[repo]; ok && slices.Contains(e.d.Streams[si].ManifestLinks, img) {
			e.heldStreams[si] = true
		}
	}
}

// resolveReference returns what r names in a stream, as Plan reads it
// (PRUNE.md §1.2), or kind refNone when r names no stream or does not
// count under the plan's policy: an inactive owner's reference counts
// only while the owner is younger than the plan's keep-younger-than, and
// an invalid spec that salvageSpec salvages only when the plan repairs
// specs (§3.3, §6.12).
func (e *executor) resolveReference(r *Reference) (namespace, name, item string, kind uint8) {
	if !e.rf.live(!r.Inactive, stampAt(r.Created)) {
		return "", "", "", refNone
	}
	switch r.Kind {
	case "", image.KindDockerImage:
		if strings.TrimSpace(r.Spec) == "" {
			return "", "", "", refNone
		}
		res := parseSpec(r.Spec)
		if res.invalid && (res.salvaged == "" || !e.rf.salvage) {
			return "", "", "", refNone
		}
		return res.namespace, res.name, res.item, res.kind
	case image.KindImageStreamImage:
		if name, id, ok := splitOnce(r.Spec, "@"); ok {
			return r.namespace(), name, id, refImage
		}
	case image.KindImageStreamTag:
		if name, tag, ok := splitOnce(r.Spec, ":"); ok && !strings.Contains(r.Spec, "@") {
			return r.namespace(), name, tag, refTag
		}
	}
	return "", "", "", refNone
}

// planFilter is the reference filter of the plan d, from the policy it
// records, so that Execute counts the references Plan counted. A plan
// whose keep-younger-than cannot be read counts every reference, the
// safe side. StrictRefs is not recorded: a strict plan had no spec to
// repair, so one that appears since is repaired, again the safe side.
func planFilter(d *Decisions) refFilter {
	p := &d.Policy
	f := refFilter{salvage: !p.IgnoreInvalidRefs, threshold: stampAt(time.Time{})}
	if p.KeepYoungerThan != "" {
		kyt, err := time.ParseDuration(p.KeepYoungerThan)
		if err != nil {
			return refFilter{salvage: true, threshold: stamp{sec: math.MinInt64}}
		}
		f.threshold = stampAt(p.Now.Add(-kyt))
	}
	return f
}

// recheckDangling lists the images, when the plan deletes events whose
// image was missing (row 3 of PRUNE.md §1.3) and a Lister can tell, so
// that such an event stays once its image exists: it is dangling no more,
// and only a new plan can tell whether another row deletes it. When the
// images cannot be listed nothing is changed: Execute stops before the
// first update.
func (e *executor) recheckDangling(ctx context.Context) error {
	if e.t.Lister == nil || !slices.ContainsFunc(e.d.Streams, func(sd StreamDecision) bool {
		return slices.ContainsFunc(sd.Tags, func(td TagDecision) bool {
			return slices.ContainsFunc(td.Events, func(ev EventDecision) bool { return ev.Action == Delete && ev.Reason == ReasonDangling })
		})
	}) {
		return nil
	}
	images, err := e.t.Lister.ListImages(ctx)
	if err != nil {
		e.fail(PhaseRecheck, "images", err)
		return fmt.Errorf("%w: listing images: %w", ErrIncomplete, err)
	}
	e.exists = map[string]bool{}
	for _, img := range images {
		if img != nil {
			e.exists[img.Name] = true
		}
	}
	return nil
}

// keepReferenced lists the references before the stream updates, so that
// an event a workload started to use after planning is not removed: a
// digest reference keeps that image's events in its repository (row 5 of
// PRUNE.md §1.3), a tag reference the tag's newest event (row 2).
//
// When the references cannot be listed nothing is changed: Execute stops
// before the first update.
func (e *executor) keepReferenced(ctx context.Context) error {
	if e.t.References == nil {
		return nil
	}
	refs, err := e.t.References.ListReferences(ctx)
	if err != nil {
		e.fail(PhaseRecheck, "references", err)
		return fmt.Errorf("%w: listing references: %w", ErrIncomplete, err)
	}
	e.refKeep = map[string]*refKeep{}
	for i := range refs {
		ns, name, item, kind := e.resolveReference(&refs[i])
		if kind == refNone {
			continue
		}
		k := e.refKeep[ns+"/"+name]
		if k == nil {
			k = &refKeep{images: map[string]bool{}, tags: map[string]bool{}}
			e.refKeep[ns+"/"+name] = k
		}
		if kind == refImage {
			k.images[item] = true
			if e.d.Policy.KeepReferencedImages {
				e.protected[item] = true
			}
		} else {
			k.tags[item] = true
		}
	}
	return nil
}

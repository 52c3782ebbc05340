package prune

import (
	"context"
	"fmt"
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

// recheckStreams looks at what is in use now (PRUNE.md §6.8) and protects it:
// the images every fresh event names, the links of plan streams that have
// events the plan does not know, and, under GracePeriod, recent images.
// It only ever adds protection, so repeating it is safe.
func (e *executor) recheckStreams(ctx context.Context) error {
	if e.extraBlobs == nil {
		e.extraBlobs = map[string]bool{}
	}
	byRepo := make(map[string]int, len(e.d.Streams))
	for si := range e.d.Streams {
		byRepo[e.d.Streams[si].Repository()] = si
	}
	e.fresh = map[string]*image.ImageStream{}
	check := func(is *image.ImageStream) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.fresh[is.Namespace+"/"+is.Name] = is
		for _, list := range is.Status.Tags {
			for _, ev := range list.Items {
				e.protected[ev.Image] = true
			}
		}
		if si, ok := byRepo[is.Namespace+"/"+is.Name]; ok && len(unknownEvents(is, &e.d.Streams[si])) > 0 {
			e.heldStreams[si] = true
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
			check(is)
		}
		images, err := e.t.Lister.ListImages(ctx)
		if err != nil {
			e.fail(PhaseRecheck, "images", err)
			e.holdEverything()
			return nil
		}
		planned := e.plannedImages()
		for _, img := range images {
			switch {
			case planned[img.Name] == nil:
				// New since planning, or kept: whatever it uses stays,
				// its children included.
				for _, b := range blobsOfImage(img) {
					e.extraBlobs[b] = true
				}
				for _, c := range img.DockerImageManifests {
					e.protected[c.Digest] = true
				}
			case e.recent(img.CreationTimestamp):
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
		is, err := e.t.Streams.GetImageStream(ctx, sd.Namespace, sd.Name)
		switch {
		case isNotFound(err):
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
// (Targets.References): an image referenced by digest, in any repository,
// and the newest image of a referenced tag in the fresh streams; a stream
// whose links the plan releases for such an image keeps them. Every
// reference counts, active or not: Execute does not know the plan's
// keep-younger-than, and keeping is the safe side.
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
	byRepo := make(map[string]int, len(e.d.Streams))
	for si := range e.d.Streams {
		byRepo[e.d.Streams[si].Repository()] = si
	}
	for i := range refs {
		ns, name, item, kind := resolveReference(&refs[i])
		repo := ns + "/" + name
		img := ""
		switch kind {
		case refImage:
			img = item
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
// (PRUNE.md §1.2), salvaging a spec that trimming repairs as Plan does by
// default; kind is refNone when r names no stream.
func resolveReference(r *Reference) (namespace, name, item string, kind uint8) {
	switch r.Kind {
	case "", image.KindDockerImage:
		if strings.TrimSpace(r.Spec) == "" {
			return "", "", "", refNone
		}
		res := parseSpec(r.Spec)
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
		ns, name, item, kind := resolveReference(&refs[i])
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
			e.protected[item] = true
		} else {
			k.tags[item] = true
		}
	}
	return nil
}

package imagestream

import (
	"context"
	"errors"
	"slices"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// ImageStreamMappings returns the client that tags images into the streams
// of namespace ns, as the integrated registry does after a push.
func (s *Service) ImageStreamMappings(ns string) *ImageStreamMappings {
	return &ImageStreamMappings{s: s, ns: ns}
}

// ImageStreamMappings creates ImageStreamMappings (SEMANTICS §6).
type ImageStreamMappings struct {
	s  *Service
	ns string
}

// Create stores the mapping's Image unless it exists and makes it the
// newest event of the mapping's tag, then updates the tags that track that
// tag (SEMANTICS §6). The stream must exist. Only the status changes: a
// pushed tag has no spec tag. The event's generation is the stream's
// generation (QUIRK §14.11). Pushing what the tag already shows changes
// nothing. The result is a Success status.
//
// When the stored stream changed between read and write, the write is
// retried on the fresh stream as long as the tag still shows what the
// mapping saw, up to ten times (then ServerTimeout); if another writer
// changed the tag meanwhile the mapping fails with a Conflict (§6.2 step
// 6). Such conflicts can only come from writers outside this Service:
// the mappings of one Service into one stream take turns, and those that
// arrive while another is being written share the next write.
func (c *ImageStreamMappings) Create(ctx context.Context, in *image.ImageStreamMapping) (*image.Status, error) {
	if err := needObject(in, "ImageStreamMapping"); err != nil {
		return nil, err
	}
	ism := &image.ImageStreamMapping{TypeMeta: in.TypeMeta, ObjectMeta: in.ObjectMeta, Image: copyForPrepare(&in.Image), Tag: in.Tag}
	if ism.Namespace == "" {
		ism.Namespace = c.ns
	}
	if ism.Namespace != c.ns {
		return nil, NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	// §6.1: the strategy's PrepareForCreate, then validation (§3.6).
	img := &ism.Image
	if img.DockerImageReference == "" && c.s.strategy.RegistryHostname != "" {
		img.DockerImageReference = reference.DockerImageReference{
			Registry: c.s.strategy.RegistryHostname, Namespace: ism.Namespace, Name: ism.Name, ID: img.Name,
		}.Exact()
	}
	img.Signatures = nil
	if err := image.ValidateImageStreamMapping(ism); err != nil {
		return nil, NewInvalid("ImageStreamMapping", ism.Name, err)
	}

	// §6.2 step 1: the stream must exist before the image is created.
	cur, err := c.s.loadStream(ctx, ism.Namespace, ism.Name)
	if err != nil {
		return nil, err
	}
	tag := ism.Tag
	if tag == "" {
		tag = image.DefaultImageTag
	}
	// Step 3: create the image through the Image strategy, unless it
	// exists (see imageExists). The strategy prepares img in place; name,
	// pull spec and annotations stay the request's. Validation of the
	// mapping covered the image as sent; preparing it adds only a valid
	// annotation and, for a manifest list, the children, so only a list
	// needs validating again. OpenShift prepares and validates before it
	// finds the image exists, so a list that fails validation is refused
	// even then: only an existing image whose manifest cannot be a list
	// skips the strategy.
	existed := c.s.imageExists(ctx, img.Name)
	if !existed || (img.DockerImageManifest != "" && mayBeList(img.DockerImageManifestMediaType)) {
		c.s.prepareImageForCreate(img)
		if len(img.DockerImageManifests) > 0 {
			if err := image.ValidateImage(img); err != nil {
				return nil, NewInvalid("Image", img.Name, err)
			}
		}
	}
	if !existed {
		if _, existed, err = c.s.createPreparedImage(ctx, img); err != nil {
			return nil, err
		}
	}
	// Step 4: a managed image that exists already (a blob mounted from
	// another stream) is pulled through this stream.
	ref := img.DockerImageReference
	if existed && img.Annotations[image.ManagedByOpenShiftAnnotation] == "true" {
		if r, ok := referenceForStream(cur.metaStream()); ok {
			r.Tag, r.ID = "", img.Name
			ref = r.Exact()
		}
	}
	if err := c.s.allowNewPullSpec(cur, tag, ref); err != nil {
		return nil, err
	}
	// Steps 5 and 6.
	p := &push{ctx: ctx, tag: tag, next: image.TagEvent{Created: image.NewTime(c.s.now()), DockerImageReference: ref, Image: img.Name}}
	ns, name := ism.Namespace, ism.Name
	if err := c.s.pushes.commit(streamKey(ns, name), p, func(ctx context.Context, batch []*push) {
		c.s.applyPushes(ctx, ns, name, batch)
	}); err != nil {
		return nil, err
	}
	// Step 7.
	return &image.Status{TypeMeta: image.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: image.StatusSuccess}, nil
}

// applyPushes writes the tag events of batch into stream ns/name in one
// revision, through the status strategy (SEMANTICS §4.5), and sets the
// outcome of every push. The stream as cached is never modified: only the
// tags the pushes change are copied (see cache.go), so the cost of a push
// does not depend on the number of other tags beyond copying bytes.
func (s *Service) applyPushes(ctx context.Context, ns, name string, batch []*push) {
	unlock, err := s.locks.Lock(ctx, streamKey(ns, name))
	if err != nil {
		for _, p := range batch {
			p.err = err
		}
		return
	}
	defer unlock()
	// An error other than a conflict may belong to one push alone (a
	// limit that only the last one exceeds, say), and a push must fare as
	// if written alone (pushqueue.go): write the pushes one by one then,
	// in queue order, each under its own context.
	for _, p := range s.writePushes(ctx, ns, name, batch) {
		s.writePushes(p.ctx, ns, name, []*push{p})
	}
}

// writePushes is applyPushes under the stream's lock: it writes pending in
// one revision, retrying conflicts (§6.2 step 6), and sets the outcome of
// every push, except when more than one push is left and the write failed
// with an error other than too many conflicts: it then returns those
// pushes, unsettled.
func (s *Service) writePushes(ctx context.Context, ns, name string, pending []*push) (failed []*push) {
	settle := func(err error) []*push {
		if err != nil && len(pending) > 1 {
			return pending
		}
		for _, p := range pending {
			p.err = err
		}
		return nil
	}
	for attempt := range maxConflictRetries {
		cur, err := s.loadStream(ctx, ns, name)
		if err != nil {
			return settle(err)
		}
		if attempt > 0 {
			pending = dropConflicting(cur.stream(), name, pending)
			if len(pending) == 0 {
				return nil
			}
		}
		// The chunked write needs spec tags that the strategy leaves as
		// they are (so only status tags change) and no limit check (which
		// looks at whole streams).
		if cur.facts.specSettled && s.strategy.VerifyLimits == nil {
			err = s.pushChunked(ctx, cur, pending)
		} else {
			err = s.pushFlat(ctx, cur, pending)
		}
		if !errors.Is(err, storage.ErrConflict) {
			return settle(err) // nil: written, or nothing to write
		}
	}
	// Not settle: each push alone would meet the same outside writers.
	err := NewServerTimeout(ResourceImageStreams, "create", 2)
	for _, p := range pending {
		p.err = err
	}
	return nil
}

// pushFlat is one attempt of applyPushes on the whole decoded stream.
func (s *Service) pushFlat(ctx context.Context, cur *cachedStream, pending []*push) error {
	old := cur.stream()
	updated := shallowStatusCopy(old)
	var cloned []string
	clone := func(tag string) {
		if !slices.Contains(cloned, tag) {
			cloned = append(cloned, tag)
			cloneStatusTag(updated, tag)
		}
	}
	facts := &cur.facts
	if !addPushEvents(updated, old, facts.tracking, pending, clone) {
		return nil // nothing to write: the tags already show every push
	}
	// The status strategy gives newest events of generation 0 a
	// generation; such tags must not be shared with the cache.
	for _, tag := range facts.zeroGen {
		clone(tag)
	}
	// Only the cloned tags can differ from old or have newest events of
	// generation 0: the strategy looks at those alone.
	s.strategy.prepareStatusUpdate(updated, old, facts.specSettled, cloned)
	if errs := s.strategy.verifyStatusLimits(ctx, updated, old); len(errs) > 0 {
		return NewInvalid("ImageStream", old.Name, &image.InvalidError{Kind: "ImageStream", Name: old.Name, Errs: errs})
	}
	_, err := s.storeStream(ctx, updated, cur.rv, cur, headUnchanged(updated, old), facts.afterPush())
	return err
}

// addPushEvents adds the event of every push to updated, in order, and
// reports whether a tag changed. clone must give updated its own copy of
// a tag (and old the tag as it was) before the tag changes; tracking says
// whether spec tags may follow the pushed tags (§5.3). Each push records
// the newest event its tag had in old, for the conflict rule of §6.2 step
// 6; old is never modified.
func addPushEvents(updated, old *image.ImageStream, tracking bool, pending []*push, clone func(tag string)) bool {
	changed := false
	for _, p := range pending {
		clone(p.tag)
		p.seen = LatestTaggedImage(old, p.tag)
		if tracking {
			for i := range updated.Spec.Tags {
				if tracks(updated, &updated.Spec.Tags[i], p.tag) {
					clone(updated.Spec.Tags[i].Name)
				}
			}
		}
		p.next.Generation = updated.Generation // QUIRK §14.11: the stream's, not the tag's
		if AddTagEvent(updated, p.tag, p.next) {
			changed = true
			if tracking {
				UpdateTrackingTags(updated, p.tag, p.next)
			}
		}
	}
	return changed
}

// pushChunked is pushFlat on the chunks of cur (chunks.go): the tags the
// pushes touch are copied out into a stream that holds them alone and
// shares everything else with cur, the history rules and the status
// strategy run on it exactly as on the whole stream (they look at
// nothing but the tags they change, the spec and the metadata), and the
// changed tags go back into copies of their chunks.
func (s *Service) pushChunked(ctx context.Context, cur *cachedStream, pending []*push) error {
	chunks, err := cur.chunked()
	if err != nil {
		return NewInternalError(err)
	}
	meta := cur.metaStream()
	updated, old := *meta, *meta // Status.Tags: only the touched tags
	var cloned []string
	clone := func(tag string) {
		if slices.Contains(cloned, tag) {
			return
		}
		cloned = append(cloned, tag)
		l := findTag(chunks, tag)
		if l == nil {
			return
		}
		i, _ := statusIndex(&old, tag)
		old.Status.Tags = slices.Insert(old.Status.Tags, i, *l)
		c := *l
		c.Items = append(make([]image.TagEvent, 0, len(l.Items)+1), l.Items...)
		c.Conditions = slices.Clone(l.Conditions)
		j, _ := statusIndex(&updated, tag) // updated may have new tags
		updated.Status.Tags = slices.Insert(updated.Status.Tags, j, c)
	}
	facts := &cur.facts
	if !addPushEvents(&updated, &old, facts.tracking, pending, clone) {
		return nil
	}
	for _, tag := range facts.zeroGen {
		clone(tag)
	}
	s.strategy.prepareStatusUpdate(&updated, &old, true, cloned)
	next, err := replaceTags(chunks, updated.Status.Tags)
	if err != nil {
		return NewInternalError(err)
	}
	sameHead := headUnchanged(&updated, meta)
	updated.Status.Tags = nil
	_, err = s.storeChunks(ctx, &updated, next, cur.rv, cur, sameHead, facts.afterPush())
	return err
}

// dropConflicting applies the rule of SEMANTICS §6.2 step 6 after a
// failed compare-and-swap: a push whose tag had an event when its attempt
// started goes on only if the fresh stream's newest event of the tag is
// still that one, compared by pull spec and image (not generation or
// time); the others fail with a Conflict. Pushes to tags that had no
// history retry.
func dropConflicting(fresh *image.ImageStream, name string, pending []*push) []*push {
	kept := pending[:0]
	for _, p := range pending {
		if p.seen != nil {
			now := LatestTaggedImage(fresh, p.tag)
			if now == nil || now.DockerImageReference != p.seen.DockerImageReference || now.Image != p.seen.Image {
				p.err = NewConflict(ResourceImageStreams, name, errModified)
				continue
			}
		}
		kept = append(kept, p)
	}
	clear(pending[len(kept):])
	return kept
}

// headUnchanged reports whether a push left everything but the status
// tags as in old, so that old's JSON of it can be reused. Pushes never
// touch metadata; the status strategy resets the spec and recomputes the
// repositories.
func headUnchanged(is, old *image.ImageStream) bool {
	return is.Generation == old.Generation &&
		is.Status.DockerImageRepository == old.Status.DockerImageRepository &&
		is.Status.PublicDockerImageRepository == old.Status.PublicDockerImageRepository &&
		specEqual(&is.Spec, &old.Spec)
}

// allowNewPullSpec checks a pull spec a push adds to a stream's status
// against the registry allow-list, as the status update does for pull
// specs new to the status (SEMANTICS §3.5, §3.11). The pull spec of a
// mapping parses: validation or the stream's repository made sure. A
// refused pull spec is reported at the pushed tag and at every spec tag
// that tracks it, where UpdateTrackingTags would add it too (§5.3);
// OpenShift reports them in map order, this in the order of the spec.
func (s *Service) allowNewPullSpec(cur *cachedStream, tag, spec string) error {
	allow := s.strategy.Validation.AllowRegistry
	if allow == nil {
		return nil
	}
	is := cur.metaStream()
	ref, err := reference.Parse(spec)
	if err == nil {
		if err = allow(ref, is.Annotations[image.InsecureRepositoryAnnotation] == "true"); err == nil {
			return nil
		}
	}
	for _, l := range cur.stream().Status.Tags { // pull specs already in the status stay allowed
		for _, e := range l.Items {
			if e.DockerImageReference == spec {
				return nil
			}
		}
	}
	forbidden := func(tag string) *image.FieldError {
		return image.NewPath("status", "tags").Key(tag).Child("items").Index(0).Child("dockerImageReference").Forbidden(err.Error())
	}
	errs := image.ErrorList{forbidden(tag)}
	seen := map[string]bool{tag: true}
	full := cur.stream()
	for i := range full.Spec.Tags {
		if t := &full.Spec.Tags[i]; !seen[t.Name] && tracks(full, t, tag) {
			seen[t.Name] = true
			errs = append(errs, forbidden(t.Name))
		}
	}
	return NewInvalid("ImageStream", is.Name, &image.InvalidError{Kind: "ImageStream", Name: is.Name, Errs: errs})
}

// copyForPrepare copies a mapping's image deeply enough for the Image
// strategy to prepare the copy in place: metadata (annotations gain the
// layer order), layers (reordered in place) and signatures (dropped);
// everything else the strategy replaces rather than modifies, so it is
// shared with the caller's image, read-only.
func copyForPrepare(in *image.Image) image.Image {
	img := *in
	img.ObjectMeta = *in.ObjectMeta.DeepCopy()
	img.DockerImageLayers = slices.Clone(in.DockerImageLayers)
	img.Signatures = nil
	return img
}

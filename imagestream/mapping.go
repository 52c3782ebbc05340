package imagestream

import (
	"context"
	"errors"

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

// Create stores the mapping's Image if it is new and makes it the newest
// event of the mapping's tag (default "latest"), updating the tags that
// track it. The stream must exist. Only the status changes: a pushed tag
// has no spec tag. Concurrent mappings into one stream all land: a
// conflicting write is retried while the tag's newest event is still the
// one this mapping saw, up to ten times; if another writer changed that
// tag meanwhile, the Conflict is returned.
func (c *ImageStreamMappings) Create(ctx context.Context, in *image.ImageStreamMapping) (*image.Status, error) {
	ism := *in
	ism.Image = *in.Image.DeepCopy()
	if ism.Namespace == "" {
		ism.Namespace = c.ns
	}
	// §6.1 PrepareForCreate.
	if ism.Image.DockerImageReference == "" && c.s.strategy.RegistryHostname != "" {
		ism.Image.DockerImageReference = reference.DockerImageReference{
			Registry: c.s.strategy.RegistryHostname, Namespace: ism.Namespace, Name: ism.Name, ID: ism.Image.Name,
		}.Exact()
	}
	ism.Image.Signatures = nil
	if err := image.ValidateImageStreamMapping(&ism); err != nil {
		return nil, NewInvalid("ImageStreamMapping", ism.Name, err)
	}

	key := streamKey(ism.Namespace, ism.Name)
	// Writers of one stream in this process take turns, so that many
	// concurrent pushes queue instead of failing each other's
	// compare-and-swap; writers elsewhere are handled by the retry below.
	// The stream is read under the lock, after any queued writer.
	unlock, err := c.s.locks.Lock(ctx, key)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := c.s.loadStream(ctx, ism.Namespace, ism.Name)
	if err != nil {
		return nil, err
	}
	tag := ism.Tag
	if tag == "" {
		tag = image.DefaultImageTag
	}
	stored, existed, err := c.s.createImageIfAbsent(ctx, &ism.Image)
	if err != nil {
		return nil, err
	}
	ref := stored.DockerImageReference
	if existed && ism.Image.Annotations[image.ManagedByOpenShiftAnnotation] == "true" {
		// A blob mounted from another stream: pull it through this one.
		if r, ok := referenceForStream(cur.is); ok {
			r.Tag, r.ID = "", stored.Name
			ref = r.Exact()
		}
	}
	// The status update adds this one pull spec (tracking tags copy the
	// same event), so it is the only one to validate (SEMANTICS §4.5).
	if err := c.s.validateNewPullSpec(ism.Name, tag, ref); err != nil {
		return nil, err
	}
	next := image.TagEvent{Created: image.NewTime(c.s.now()), DockerImageReference: ref, Image: stored.Name}

	for attempt := 0; attempt < maxConflictRetries; attempt++ {
		if attempt > 0 {
			fresh, err := c.s.loadStream(ctx, ism.Namespace, ism.Name)
			if err != nil {
				return nil, err
			}
			// §6.2: retry only while the tag still shows what this mapping
			// saw; otherwise someone else changed it and the caller must
			// decide.
			before, now := LatestTaggedImage(cur.is, tag), LatestTaggedImage(fresh.is, tag)
			if before != nil && (now == nil || now.DockerImageReference != before.DockerImageReference || now.Image != before.Image) {
				return nil, NewConflict(ResourceImageStreams, ism.Name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
			}
			cur = fresh
		}
		updated := shallowStatusCopy(cur.is)
		cloneStatusTag(updated, tag)
		for _, st := range updated.Spec.Tags {
			if st.From != nil && st.From.Kind == image.KindImageStreamTag {
				cloneStatusTag(updated, st.Name)
			}
		}
		next.Generation = updated.Generation // QUIRK §14.11: the stream's, not the tag's
		if !AddTagEvent(updated, tag, next) {
			return successStatus(), nil
		}
		UpdateTrackingTags(updated, tag, next)
		c.s.strategy.PrepareForStatusUpdate(updated, cur.is)
		_, err := c.s.storeStream(ctx, updated, cur.rv, cur)
		if err == nil {
			return successStatus(), nil
		}
		if !errors.Is(err, storage.ErrConflict) {
			return nil, err
		}
	}
	return nil, NewServerTimeout(ResourceImageStreams, "create", 2)
}

func successStatus() *image.Status {
	return &image.Status{TypeMeta: image.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: image.StatusSuccess}
}

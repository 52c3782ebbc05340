package imagestream

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// ImageStreamTags returns the client for the "<stream>:<tag>" views of
// namespace ns (SEMANTICS §12.1).
func (s *Service) ImageStreamTags(ns string) *ImageStreamTags {
	return &ImageStreamTags{s: s, ns: ns}
}

// ImageStreamTags reads and writes single tags of streams.
type ImageStreamTags struct {
	s  *Service
	ns string
}

// istagNameError is the BadRequest for a name without "<stream>:<tag>".
func istagNameError() error {
	return NewBadRequest("ImageStreamTags must be retrieved with <name>:<tag>")
}

// Create adds the spec tag in.Tag as tag "<stream>:<tag>" of a stream,
// creating the stream when it does not exist (SEMANTICS §12.1). A spec
// tag of that name already there is AlreadyExists; with in.Tag nil an
// existing stream is left as it is. The new spec tag takes the name of
// the tag part; the ImageStreamTag's annotations are not copied to it
// (QUIRK §14.16). The stream then goes through the ImageStream strategy
// (§4.3, §4.4): the generation grows and the tag is resolved, so a tag
// pointing at another tag or at an image has status at once. The result
// is the ImageStreamTag as stored; for a tag without history yet, or
// whose newest event names no image, its creation time is the stream's,
// its generation 0 and its image empty.
func (c *ImageStreamTags) Create(ctx context.Context, in *image.ImageStreamTag) (*image.ImageStreamTag, error) {
	if err := needObject(in, "ImageStreamTag"); err != nil {
		return nil, err
	}
	ist := copyISTag(in)
	is, tag, err := c.s.createTagView(ctx, c.ns, istagKind(), ist, &ist.ObjectMeta, func() error {
		prepareISTagForCreate(ist)
		return image.ValidateImageStreamTag(ist)
	}, func() *image.TagReference { return ist.Tag })
	if err != nil {
		return nil, err
	}
	event, img, _ := c.s.tagImage(ctx, is, tag) // OpenShift ignores a missing image here
	return newISTag(is, tag, orEmptyEvent(is, event), img), nil
}

// Update replaces the spec tag of name ("<stream>:<tag>") with in.Tag and
// its annotations with in's metadata.annotations, the only editable
// fields (SEMANTICS §12.1, §3.7). The spec tag must exist unless in.Tag
// is set: else BadRequest. A stream that does not exist is created, as a
// blind update may do. in.metadata.resourceVersion, when set, must be the
// stream's (Conflict otherwise, NotFound for a missing stream); when it
// is empty the write is blind and conflicts with other writers are
// retried. Labels left empty take the stream's.
func (c *ImageStreamTags) Update(ctx context.Context, in *image.ImageStreamTag) (*image.ImageStreamTag, error) {
	if err := needObject(in, "ImageStreamTag"); err != nil {
		return nil, err
	}
	is, tag, err := c.s.updateTagView(ctx, c.ns, istagKind(), &in.ObjectMeta, func(is *image.ImageStream, tag string, exists bool) error {
		ist := copyISTag(in)
		ist.Namespace = c.ns
		c.s.strategy.Defaults.Default(ist)
		ist.ResourceVersion = is.ResourceVersion
		if len(is.Labels) > 0 && len(ist.Labels) == 0 {
			ist.Labels = cloneMap(is.Labels)
		}
		if !exists {
			prepareISTagForCreate(ist)
			if err := image.ValidateImageStreamTag(ist); err != nil {
				return NewInvalid("ImageStreamTag", ist.Name, err)
			}
		} else {
			old := newISTag(is, tag, orEmptyEvent(is, LatestTaggedImage(is, tag)), nil)
			beforeUpdate(&ist.ObjectMeta, &old.ObjectMeta, true)
			// Callers need not set both annotation places (§12.1).
			if ist.Tag != nil {
				ist.Tag.Annotations = ist.Annotations
			}
			ist.Conditions, ist.Image = old.Conditions, old.Image
			if err := image.ValidateImageStreamTagUpdate(ist, old); err != nil {
				return NewInvalid("ImageStreamTag", ist.Name, err)
			}
		}
		ref := SpecTag(is, tag)
		if ist.Tag != nil {
			ref = ist.Tag
		}
		if ref == nil {
			return NewBadRequest("imagestreamtag " + tag + " is not a spec tag in imagestream " + is.Namespace + "/" + is.Name + ", cannot be updated")
		}
		next := *ref
		next.Name, next.Annotations = tag, ist.Annotations
		SetSpecTag(is, next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	event, img, err := c.s.tagImage(ctx, is, tag)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	return newISTag(is, tag, orEmptyEvent(is, event), img), nil
}

// prepareISTagForCreate is the ImageStreamTag strategy's PrepareForCreate
// (SEMANTICS §12.1): conditions and image are the server's.
func prepareISTagForCreate(ist *image.ImageStreamTag) {
	ist.Conditions = nil
	ist.Image = image.Image{}
}

// Delete removes tag name ("<stream>:<tag>") from the stream's spec and
// status, as `oc tag -d` does (SEMANTICS §12.1). The images stay. Removing
// a spec tag is a spec change, so the stream's generation grows.
//
// opts.Preconditions name the stream's uid and resourceVersion, which an
// ImageStreamTag shows as its own; a mismatch is a Conflict. OpenShift
// checks only the uid and ignores a resourceVersion precondition; this
// library checks both rather than drop a condition the caller asked for.
func (c *ImageStreamTags) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	return c.s.deleteTag(ctx, c.ns, name, istagKind(), opts.Preconditions)
}

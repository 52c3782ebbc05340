package imagestream

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// itagNameError is the BadRequest for a name without "<stream>:<tag>".
func itagNameError() error {
	return NewBadRequest("ImageTags must be retrieved with <name>:<tag>")
}

// Create adds in.Spec as the spec tag named by in ("<stream>:<tag>"),
// creating the stream when it does not exist (SEMANTICS §12.2). The spec
// is required and its name, defaulted to the tag part, must be the tag
// part (§3.8); the status and image sent are ignored. A spec tag of that
// name already there is AlreadyExists. The stream goes through the
// ImageStream strategy, so the generation grows and the tag is resolved
// (§4.3, §4.4). The result is the ImageTag as stored, with its image
// when it can be loaded.
func (c *ImageTags) Create(ctx context.Context, in *image.ImageTag) (*image.ImageTag, error) {
	if err := needObject(in, "ImageTag"); err != nil {
		return nil, err
	}
	it := copyITag(in)
	is, tag, err := c.s.createTagView(ctx, c.ns, itagKind(), it, &it.ObjectMeta, func() error {
		prepareITagForCreate(it)
		return image.ValidateImageTag(it)
	}, func() *image.TagReference { return it.Spec })
	if err != nil {
		return nil, err
	}
	view, _ := newITag(is, tag)
	return c.s.withImage(ctx, view, is, tag)
}

// Update sets the spec tag of in ("<stream>:<tag>") to in.Spec, or deletes
// it when in.Spec is nil; the status stays (SEMANTICS §12.2, QUIRK §14.16).
// Nothing but the spec may change: metadata and status must be as Get
// returned them, else Invalid (§3.8). A stream that does not exist is
// created (then the spec is required). in.metadata.resourceVersion, when
// set, must be the stream's (Conflict otherwise, NotFound for a missing
// stream); when empty the write is blind. OpenShift does not retry an
// ImageTag update; here a blind one retries conflicts with writers
// outside this Service like every server-side write, and a conditional
// one fails with the Conflict as there.
func (c *ImageTags) Update(ctx context.Context, in *image.ImageTag) (*image.ImageTag, error) {
	if err := needObject(in, "ImageTag"); err != nil {
		return nil, err
	}
	is, tag, err := c.s.updateTagView(ctx, c.ns, itagKind(), &in.ObjectMeta, func(is *image.ImageStream, tag string, exists bool) error {
		it := copyITag(in)
		it.Namespace = c.ns
		it.ResourceVersion = is.ResourceVersion
		c.s.strategy.Defaults.Default(it)
		if !exists {
			prepareITagForCreate(it)
			if err := image.ValidateImageTag(it); err != nil {
				return NewInvalid("ImageTag", it.Name, err)
			}
		} else {
			old, _ := newITag(is, tag)
			beforeUpdate(&it.ObjectMeta, &old.ObjectMeta, true)
			it.Image = nil
			if err := image.ValidateImageTagUpdate(it, old); err != nil {
				return NewInvalid("ImageTag", it.Name, err)
			}
		}
		if it.Spec == nil {
			RemoveSpecTag(is, tag)
			return nil
		}
		next := *it.Spec
		next.Name = tag
		SetSpecTag(is, next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	view, _ := newITag(is, tag)
	return c.s.withImage(ctx, view, is, tag)
}

// prepareITagForCreate is the ImageTag strategy's PrepareForCreate
// (SEMANTICS §12.2): spec.name defaults to the tag part of the name, and
// status and image are the server's.
func prepareITagForCreate(it *image.ImageTag) {
	if it.Spec != nil && it.Spec.Name == "" {
		if _, tag, ok := image.SplitImageStreamTag(it.Name); ok {
			it.Spec.Name = tag
		}
	}
	it.Status, it.Image = nil, nil
}

// Delete removes tag name ("<stream>:<tag>") from the stream's spec and
// status, exactly as ImageStreamTags.Delete does, preconditions included
// (SEMANTICS §12.2).
func (c *ImageTags) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	return c.s.deleteTag(ctx, c.ns, name, itagKind(), opts.Preconditions)
}

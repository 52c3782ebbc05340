package imagestream

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// The writes of the tag views, ImageStreamTags (SEMANTICS §12.1) and
// ImageTags (§12.2), share their shape: they edit one spec tag of a
// stream, creating the stream if needed, and store it through the
// ImageStream strategy with the server's retry loop. The clients differ
// only in their validation and in the view they return.

// checkTagNamespace fills an empty namespace of a tag view and rejects
// another one than the client's.
func checkTagNamespace(m *image.ObjectMeta, ns string) error {
	if ns == "" {
		return NewBadRequest("a namespace must be specified for this request")
	}
	if m.Namespace == "" {
		m.Namespace = ns
	}
	if m.Namespace != ns {
		return NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// tagViewKind is what the writes of one tag view need to know about it.
type tagViewKind struct {
	kind     string        // "ImageStreamTag" or "ImageTag", for Invalid errors
	gr       GroupResource // of NotFound, Conflict and ServerTimeout errors
	existsGR GroupResource // of AlreadyExists errors
	badName  func() error  // the BadRequest for a name without a tag
}

// istagKind is ImageStreamTags; OpenShift names the singular resource in
// its AlreadyExists error (SEMANTICS §12.1).
func istagKind() tagViewKind {
	return tagViewKind{"ImageStreamTag", ResourceImageStreamTags, GroupResource{image.GroupName, "imagestreamtag"}, istagNameError}
}

func itagKind() tagViewKind {
	return tagViewKind{"ImageTag", ResourceImageTags, ResourceImageTags, itagNameError}
}

// createTagView runs the create of a tag view (SEMANTICS §12.1, §12.2):
// view (with metadata meta) is the caller's copy of the request. It is
// defaulted as on decode, then prepare readies and validates it; spec
// then gives the spec tag to add to the stream, which is created when it
// does not exist. An existing spec tag of that name is AlreadyExists; a
// nil spec changes nothing on an existing stream. Conflicts and lost
// create races are retried; after ten the error is ServerTimeout. The
// result is the stream as stored and the tag.
func (s *Service) createTagView(ctx context.Context, ns string, k tagViewKind, view image.Object, meta *image.ObjectMeta, prepare func() error, spec func() *image.TagReference) (*image.ImageStream, string, error) {
	if err := checkTagNamespace(meta, ns); err != nil {
		return nil, "", err
	}
	s.strategy.Defaults.Default(view)
	if err := prepare(); err != nil {
		return nil, "", NewInvalid(k.kind, meta.Name, err)
	}
	stream, tag, err := image.ParseImageStreamTagName(meta.Name)
	if err != nil {
		return nil, "", k.badName()
	}
	ref := spec()
	is, _, err := s.upsertStreamWithRetry(ctx, ns, stream, k.gr, "create", func(is *image.ImageStream, exists bool) error {
		if SpecTag(is, tag) != nil {
			return NewAlreadyExists(k.existsGR, meta.Name)
		}
		if ref == nil {
			if exists {
				return errNoChange
			}
			return nil
		}
		next := *ref.DeepCopy() // a retry must start from the request again
		next.Name = tag
		SetSpecTag(is, next)
		return nil
	})
	if err == nil {
		s.strategy.Decorate(is) // unwritten when nothing changed
	}
	return is, tag, err
}

// updateTagView runs the update of a tag view (SEMANTICS §12.1, §12.2)
// whose request has metadata meta, which it does not modify, creating
// the stream when it does not exist. meta.resourceVersion empty is a
// blind write; else it must be the stream's, or the update is a Conflict
// (NotFound when there is no stream). apply checks the request against
// the stream (exists false: a stream about to be created, with only
// namespace and name) and edits it; it runs again on the fresh stream
// after a conflict, so that a blind write never loses to a concurrent
// one and a conditional write reports the Conflict. The result is the
// stream as stored and the tag.
func (s *Service) updateTagView(ctx context.Context, ns string, k tagViewKind, meta *image.ObjectMeta, apply func(is *image.ImageStream, tag string, exists bool) error) (*image.ImageStream, string, error) {
	if err := checkTagNamespace(&image.ObjectMeta{Namespace: meta.Namespace}, ns); err != nil {
		return nil, "", err
	}
	stream, tag, err := image.ParseImageStreamTagName(meta.Name)
	if err != nil {
		return nil, "", k.badName()
	}
	rv := meta.ResourceVersion
	is, _, err := s.upsertStreamWithRetry(ctx, ns, stream, k.gr, "update", func(is *image.ImageStream, exists bool) error {
		switch {
		case rv == "":
		case !exists:
			return NewNotFound(k.gr, meta.Name)
		case rv != is.ResourceVersion:
			return NewConflict(k.gr, meta.Name, fmt.Errorf("another caller has updated the resource version to %s", is.ResourceVersion))
		}
		return apply(is, tag, exists)
	})
	if err == nil {
		s.strategy.Decorate(is)
	}
	return is, tag, err
}

// deleteTag removes tag name ("<stream>:<tag>") from spec and status, the
// Delete of both ImageStreamTags and ImageTags (SEMANTICS §12.1, §12.2):
// NotFound when neither has it. The write goes through the internal
// strategy, which keeps the status it is given, so the history really
// goes; the images stay.
func (s *Service) deleteTag(ctx context.Context, ns, name string, k tagViewKind, pre *Preconditions) error {
	stream, tag, err := image.ParseImageStreamTagName(name)
	if err != nil {
		return k.badName()
	}
	var wantRV int64
	if pre != nil {
		if wantRV, err = parseRV(pre.ResourceVersion); err != nil {
			return err
		}
	}
	_, err = s.updateStreamWithRetry(ctx, ns, stream, k.gr, "delete", func(is *image.ImageStream) error {
		if pre != nil {
			rv, err := parseRV(is.ResourceVersion)
			if err != nil {
				return err
			}
			if err := pre.check(k.gr, name, is.UID, wantRV, rv); err != nil {
				return err
			}
		}
		inStatus := RemoveStatusTag(is, tag)
		inSpec := RemoveSpecTag(is, tag)
		if !inStatus && !inSpec {
			return NewNotFound(k.gr, name)
		}
		return nil
	})
	return err
}

// tagImage returns the newest event of tag and, when the event names an
// image, that Image with its manifest and config cleared, as the tag
// views show it. event is nil for a tag without history. A deleted Image
// gives its NotFound error along with the event.
func (s *Service) tagImage(ctx context.Context, is *image.ImageStream, tag string) (*image.TagEvent, *image.Image, error) {
	event := LatestTaggedImage(is, tag)
	if event == nil || event.Image == "" {
		return event, nil, nil
	}
	img, err := s.getImage(ctx, event.Image)
	if err != nil {
		return event, nil, err
	}
	img.DockerImageManifest, img.DockerImageConfig = "", ""
	return event, img, nil
}

// orEmptyEvent is event, or the empty event the views of a write show
// when the tag has no history or its newest event names no image (a
// reference-only tag): created when the stream was, with no generation
// and no pull spec (OpenShift's allowEmptyEvent, SEMANTICS §12.1).
func orEmptyEvent(is *image.ImageStream, event *image.TagEvent) *image.TagEvent {
	if event != nil && event.Image != "" {
		return event
	}
	return &image.TagEvent{Created: is.CreationTimestamp}
}

// isNotFound reports whether err says that something does not exist.
func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }

// cloneMap copies m; an empty map becomes nil, since Kubernetes treats
// nil and empty alike.
func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}

// copyISTag deep-copies an ImageStreamTag a caller handed in; the image
// package has no DeepCopy for the view kinds.
func copyISTag(in *image.ImageStreamTag) *image.ImageStreamTag {
	out := *in
	out.ObjectMeta = *in.ObjectMeta.DeepCopy()
	if in.Tag != nil {
		out.Tag = in.Tag.DeepCopy()
	}
	out.Conditions = slices.Clone(in.Conditions)
	out.Image = *in.Image.DeepCopy()
	return &out
}

// copyITag deep-copies an ImageTag a caller handed in.
func copyITag(in *image.ImageTag) *image.ImageTag {
	out := *in
	out.ObjectMeta = *in.ObjectMeta.DeepCopy()
	if in.Spec != nil {
		out.Spec = in.Spec.DeepCopy()
	}
	if in.Status != nil {
		out.Status = in.Status.DeepCopy()
	}
	if in.Image != nil {
		out.Image = in.Image.DeepCopy()
	}
	return &out
}

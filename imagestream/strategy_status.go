package imagestream

import (
	"context"
	"errors"

	"github.com/imagestreams/imagestreams/image"
)

// PrepareForStatusUpdate readies an update of the status subresource
// (SEMANTICS §4.5): the spec tags and repository stay as they were, and
// new events sent with generation 0 get the generation they answer.
// lookupPolicy changes are kept, as OpenShift does.
func (s *Strategy) PrepareForStatusUpdate(is, old *image.ImageStream) {
	s.prepareStatusUpdate(is, old, s.specTagsSettled(old.Spec.Tags), nil)
}

// prepareStatusUpdate is PrepareForStatusUpdate for a caller that knows
// more, the push path: specSettled is specTagsSettled(old.Spec.Tags), and
// touched, when not nil, names every status tag whose newest event may
// differ from old's or have generation 0, in a status list that is
// sorted and unique. The other tags are then not looked at, so the cost
// does not depend on their number; the result is the same.
func (s *Strategy) prepareStatusUpdate(is, old *image.ImageStream, specSettled bool, touched []string) {
	// The spec comes from old. Defaulting and normalizing must never write
	// to spec tags shared with old, so they are copied unless there is
	// nothing to write (the usual case: stored streams are defaulted and
	// sorted), which keeps a push into a stream with many spec tags cheap.
	if specSettled {
		is.Spec.Tags = old.Spec.Tags
	} else {
		is.Spec.Tags = old.Spec.DeepCopy().Tags
	}
	is.Spec.DockerImageRepository = old.Spec.DockerImageRepository
	if touched == nil || !specSettled {
		// Defaulting changes only spec tags, and Normalize has nothing to
		// do on settled spec tags and a sorted, unique status list.
		s.Defaults.Default(is)
		Normalize(is)
	}
	is.Generation = old.Generation
	s.setRepositories(is)
	if touched == nil {
		for i := range is.Status.Tags {
			settleNewestGeneration(is, old, &is.Status.Tags[i])
		}
		return
	}
	for _, tag := range touched {
		if list := StatusTag(is, tag); list != nil {
			settleNewestGeneration(is, old, list)
		}
	}
}

// settleNewestGeneration gives the newest event of list, a status tag of
// is, the generation it answers when it was sent with generation 0
// (SEMANTICS §4.5).
func settleNewestGeneration(is, old *image.ImageStream, list *image.NamedTagEventList) {
	if len(list.Items) == 0 || list.Items[0].Generation != 0 {
		return
	}
	next := &list.Items[0]
	prev := StatusTag(old, list.Tag)
	switch spec := SpecTag(is, list.Tag); {
	case prev == nil || len(prev.Items) == 0 || !tagEventChanged(&prev.Items[0], next):
		next.Generation = is.Generation
	case spec != nil && spec.Generation != nil:
		next.Generation = *spec.Generation
	default:
		next.Generation = is.Generation
	}
}

// specTagsSettled reports whether defaulting and Normalize would leave
// tags unchanged.
func (s *Strategy) specTagsSettled(tags []image.TagReference) bool {
	for i := range tags {
		if tags[i].ImportPolicy.ImportMode == "" || tags[i].ReferencePolicy.Type == "" {
			return false
		}
		if i > 0 && tags[i-1].Name >= tags[i].Name {
			return false
		}
	}
	return true
}

// ValidateStatusUpdate validates a status update (SEMANTICS §4.5): the
// limit check, then the new status pull specs. Like OpenShift, a limit
// failure is one more field error of the Invalid, ahead of the others.
func (s *Strategy) ValidateStatusUpdate(ctx context.Context, is, old *image.ImageStream) error {
	errs := s.verifyStatusLimits(ctx, is, old)
	verr := image.ValidateImageStreamStatusUpdateWithOptions(is, old, s.Validation)
	if inv, ok := errors.AsType[*image.InvalidError](verr); ok {
		errs = append(errs, inv.Errs...)
	} else if verr != nil {
		return NewInvalid("ImageStream", is.Name, verr)
	}
	if len(errs) == 0 {
		return nil
	}
	return NewInvalid("ImageStream", is.Name, &image.InvalidError{Kind: "ImageStream", Name: is.Name, Errs: errs})
}

// verifyStatusLimits is the limit check of a status update, pushes
// included (SEMANTICS §4.5, §6.2 step 6): a failure is Forbidden at field
// "imageStream", its detail the Forbidden that OpenShift's limit verifier
// returns (§4.7).
func (s *Strategy) verifyStatusLimits(ctx context.Context, is, old *image.ImageStream) image.ErrorList {
	if s.VerifyLimits == nil {
		return nil
	}
	if err := s.VerifyLimits(ctx, is, old); err != nil {
		return image.ErrorList{image.NewPath("imageStream").Forbidden(NewForbidden(ResourceImageStreams, is.Name, err).Error())}
	}
	return nil
}

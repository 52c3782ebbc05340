package imagestream

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// Errors of ResolveShortName, wrapped in a *LookupError.
var (
	// ErrNotResolvable is a reference that is neither a short name nor a
	// pull spec of the integrated registry, so no stream can resolve it.
	ErrNotResolvable = errors.New("could not be resolved to an exact image reference")
	// ErrLocalLookupNotAllowed is a short name whose stream exists and has
	// the tag, but does not set spec.lookupPolicy.local.
	ErrLocalLookupNotAllowed = errors.New("ImageStreamTag does not allow local references")
)

// LookupError is a reference ResolveShortName could not resolve. Err is
// one of:
//
//   - ErrNotResolvable or ErrLocalLookupNotAllowed;
//   - the parse error of the reference;
//   - a BadRequest *StatusError for an empty reference, or an empty
//     namespace with a short name;
//   - a NotFound *StatusError, for which errors.Is(err,
//     storage.ErrNotFound) holds, when the ImageStreamTag does not exist;
//   - the error of reading the stream: a *StatusError from the store
//     (InternalError for a failed store), or the context's error.
type LookupError struct {
	// Namespace is the namespace the reference was resolved in.
	Namespace string
	// Reference is the reference as given.
	Reference string
	// Err is why it could not be resolved.
	Err error
}

// Error names the reference and why it was not resolved.
func (e *LookupError) Error() string {
	return fmt.Sprintf("%s/%s: %v", e.Namespace, e.Reference, e.Err)
}

// Unwrap returns the cause.
func (e *LookupError) Unwrap() error { return e.Err }

// ResolveShortName resolves a container image reference in namespace ns
// to an exact pull spec, as OpenShift's ImagePolicy admission does for
// pods and builds (SEMANTICS §11.2 steps 1-5), with the stream's
// spec.lookupPolicy.local as the gate:
//
//   - a reference with a digest is exact already and returned as given;
//   - a short name ("mysql", "php:7") names the tag of a stream of ns, and
//     a pull spec of the integrated registry ("<registry>/<ns>/<stream>:<tag>")
//     names one directly; anything else is ErrNotResolvable;
//   - the tag defaults to "latest";
//   - when the tag has an image, the result is its pull spec with the
//     tag's reference policy applied (§11.1), by digest: with policy
//     Local "<integrated registry>/<ns>/<stream>@sha256:…", else
//     "<source>@sha256:…". A short name needs lookupPolicy.local, else
//     ErrLocalLookupNotAllowed;
//   - when the stream exists, allows local lookup and has a
//     status.dockerImageRepository but the tag has no image (yet), the
//     result is "<status.dockerImageRepository>:<tag>": the pull goes
//     through the integrated registry, where the tag will exist;
//   - otherwise the error wraps the NotFound the ImageStreamTag's GET
//     gives: the stream's when it is missing, the Image's when the tag's
//     image was deleted (not rewritten: OpenShift's admission rewrites
//     only on a NotFound of the ImageStreamTag itself), else the
//     ImageStreamTag's.
//
// Errors are *LookupError values.
func (s *Service) ResolveShortName(ctx context.Context, ns, name string) (string, error) {
	fail := func(err error) (string, error) {
		return "", &LookupError{Namespace: ns, Reference: name, Err: err}
	}
	if name == "" {
		return fail(NewBadRequest("the image reference may not be empty"))
	}
	ref, err := reference.Parse(name)
	if err != nil {
		return fail(err)
	}
	if ref.ID != "" {
		return name, nil // step 1: already exact
	}
	// Step 2.
	partial := ref.Registry == "" && ref.Namespace == "" && ref.Name != ""
	full := s.strategy.RegistryHostname != "" && ref.Registry == s.strategy.RegistryHostname && ref.Name != ""
	if !partial && !full {
		return fail(ErrNotResolvable)
	}
	// Step 3.
	tag := ref.Tag
	if tag == "" {
		tag = image.DefaultImageTag
	}
	if ref.Namespace != "" {
		ns = ref.Namespace
	}
	if ns == "" {
		// A short name only means something in a namespace, as a pod's.
		return fail(NewBadRequest("a namespace must be specified to resolve a short name"))
	}
	istag := ref.Name + ":" + tag
	cur, err := s.loadStream(ctx, ns, ref.Name)
	if isNotFound(err) {
		return fail(NewNotFound(ResourceImageStreams, ref.Name))
	}
	if err != nil {
		return fail(err)
	}
	is := s.decorated(cur.stream())
	local := is.Spec.LookupPolicy.Local
	// Step 4: the ImageStreamTag exists when its newest event names an
	// Image that is stored. A deleted Image makes its GET the Image's
	// NotFound (§12.1), which step 5 does not take for a missing tag.
	if event := LatestTaggedImage(is, tag); event != nil && event.Image != "" {
		if !s.imageExists(ctx, event.Image) {
			return fail(NewNotFound(ResourceImages, event.Image))
		}
		if partial && !local {
			return fail(ErrLocalLookupNotAllowed)
		}
		out, err := reference.Parse(ResolveReferenceForTagEvent(is, tag, event))
		if err != nil {
			return fail(err)
		}
		out.Tag, out.ID = "", event.Image
		return out.Exact(), nil
	}
	// Step 5.
	if local && is.Status.DockerImageRepository != "" {
		return is.Status.DockerImageRepository + ":" + tag, nil
	}
	return fail(NewNotFound(ResourceImageStreamTags, istag))
}

package imagestream

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// StreamGetter reads another image stream; the strategy uses it to resolve
// spec tags that point into other streams (SEMANTICS §4.4 step 5). It
// returns an error for which errors.Is(err, storage.ErrNotFound) holds
// when the stream does not exist.
type StreamGetter interface {
	GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error)
}

// Strategy is the ImageStream write path of OpenShift's API server
// (SEMANTICS §4): it manages metadata.generation and spec-tag
// generations, resolves spec tags into status history, maintains tracking
// tags and validates. It changes streams in memory only; the Service
// stores them.
//
// The zero Strategy is usable: no integrated registry, wall-clock time,
// and cross-stream tags fail as if the source stream did not exist.
type Strategy struct {
	// RegistryHostname is the integrated registry's internal host[:port],
	// e.g. "image-registry.openshift-image-registry.svc:5000". Empty means
	// none: status.dockerImageRepository then mirrors the spec's.
	RegistryHostname string
	// PublicRegistryHostname is the registry's external host, for
	// status.publicDockerImageRepository; empty leaves that field empty.
	PublicRegistryHostname string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Streams reads other streams for cross-stream tags; nil means none
	// can be found.
	Streams StreamGetter
	// VerifyTags, when set, is asked about every new or changed spec tag
	// that points into another namespace (SEMANTICS §4.6); an error
	// rejects the write as Forbidden at spec.tags[<tag>].from, with a
	// message that starts "<namespace>/<stream>: ".
	VerifyTags func(ctx context.Context, is *image.ImageStream, tag *image.TagReference) error
	// VerifyLimits, when set, checks the stream against quota-like limits
	// after the tags are resolved (SEMANTICS §4.7); an error is a
	// Forbidden that the write's Invalid carries: in an InternalError
	// cause at field "" on create and update (QUIRK §14.3), in a
	// Forbidden cause at field "imageStream" on status updates (§4.5).
	VerifyLimits func(ctx context.Context, is, old *image.ImageStream) error
	// Validation configures validation, e.g. a registry allow-list.
	Validation image.ValidationOptions
	// Defaults are applied to every stream before it is prepared
	// (SEMANTICS §2.1); the zero value imports in Legacy mode.
	Defaults image.Defaulter
}

func (s *Strategy) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Decorate sets status.dockerImageRepository and
// status.publicDockerImageRepository from the configured registry host
// names, as OpenShift does on every read as well as on every write
// (SEMANTICS §4.2): they are derived, so a stream stored under another
// configuration shows this one's.
func (s *Strategy) Decorate(is *image.ImageStream) { s.setRepositories(is) }

// setRepositories derives status.dockerImageRepository and
// status.publicDockerImageRepository (SEMANTICS §4.2).
func (s *Strategy) setRepositories(is *image.ImageStream) {
	is.Status.DockerImageRepository = s.dockerImageRepository(is)
	is.Status.PublicDockerImageRepository = ""
	if s.PublicRegistryHostname != "" {
		is.Status.PublicDockerImageRepository = streamRepository(s.PublicRegistryHostname, is)
	}
}

// dockerImageRepository returns the status.dockerImageRepository of is
// (SEMANTICS §4.2).
func (s *Strategy) dockerImageRepository(is *image.ImageStream) string {
	if s.RegistryHostname != "" {
		return streamRepository(s.RegistryHostname, is)
	}
	return is.Spec.DockerImageRepository
}

// streamRepository is is's repository on registry host. A stream with no
// namespace, which storage never holds but a caller may decorate, is in
// "default", as OpenShift reads it (SEMANTICS §4.2).
func streamRepository(host string, is *image.ImageStream) string {
	ns := is.Namespace
	if ns == "" {
		ns = "default"
	}
	return reference.DockerImageReference{Registry: host, Namespace: ns, Name: is.Name}.String()
}

// PrepareForCreate readies a stream sent by a client for creation
// (SEMANTICS §4.1): the status is replaced, metadata.generation is 1 and
// so is every spec tag's generation. Events that tag resolution adds keep
// their own creation times: OpenShift's loop meant to give them the
// stream's writes to copies and changes nothing (QUIRK §14.7), so none is
// copied here.
func (s *Strategy) PrepareForCreate(is *image.ImageStream) {
	s.Defaults.Default(is)
	Normalize(is)
	is.Status = image.ImageStreamStatus{}
	s.prepareCreate(is)
}

// PrepareForInternalCreate is PrepareForCreate for the server's own
// writes (imports, tag creation), which keep the status they carry.
func (s *Strategy) PrepareForInternalCreate(is *image.ImageStream) {
	s.Defaults.Default(is)
	Normalize(is)
	s.prepareCreate(is)
}

func (s *Strategy) prepareCreate(is *image.ImageStream) {
	s.setRepositories(is)
	is.Generation = 1
	for i := range is.Spec.Tags {
		is.Spec.Tags[i].Generation = ptr(int64(1))
	}
}

// ValidateCreate resolves the spec tags of a stream prepared for creation
// into status and validates it.
func (s *Strategy) ValidateCreate(ctx context.Context, is *image.ImageStream) error {
	return s.validate(ctx, is, nil, func() error {
		return image.ValidateImageStreamWithOptions(is, s.Validation)
	})
}

// PrepareForUpdate readies a client's update of a stream (SEMANTICS §4.3):
// the status is the old one, and generations are managed.
func (s *Strategy) PrepareForUpdate(is, old *image.ImageStream) {
	s.prepareUpdate(is, old, true)
}

// PrepareForInternalUpdate is PrepareForUpdate for the server's own writes,
// which keep the status they carry (imports, tag updates and deletes).
func (s *Strategy) PrepareForInternalUpdate(is, old *image.ImageStream) {
	s.prepareUpdate(is, old, false)
}

func (s *Strategy) prepareUpdate(is, old *image.ImageStream, resetStatus bool) {
	s.Defaults.Default(is)
	Normalize(is)
	collapseEmptyStatusTags(is)
	is.Generation = old.Generation
	if resetStatus {
		is.Status = *old.Status.DeepCopy()
	}
	s.setRepositories(is)
	// Users cannot set a spec tag's generation, except to 0 to ask for a
	// re-import.
	for i := range is.Spec.Tags {
		t := &is.Spec.Tags[i]
		if t.Generation != nil && *t.Generation == 0 {
			continue
		}
		if o := SpecTag(old, t.Name); o != nil {
			t.Generation = clonePtr(o.Generation)
		}
	}
	if !specEqual(&old.Spec, &is.Spec) || is.Generation == 0 {
		is.Generation = old.Generation + 1
	}
	for i := range is.Spec.Tags {
		t := &is.Spec.Tags[i]
		if o := SpecTag(old, t.Name); o == nil || tagRefChanged(o, t, is.Namespace) {
			t.Generation = nil
		}
		if t.Generation == nil || *t.Generation == 0 {
			t.Generation = ptr(is.Generation)
		}
	}
}

// ValidateUpdate resolves new and changed spec tags into status and
// validates the update.
func (s *Strategy) ValidateUpdate(ctx context.Context, is, old *image.ImageStream) error {
	return s.validate(ctx, is, old, func() error {
		return image.ValidateImageStreamUpdateWithOptions(is, old, s.Validation)
	})
}

// validate runs tag resolution, then the stream's validation, vfn. The
// order matters: the events resolution adds to status are validated
// too, so a tag cannot bring in a pull spec the registry allow-list
// refuses (SEMANTICS §4 head, §4.1 step 3, §3.5 item 5). Like OpenShift
// (QUIRK §14.3), problems found while resolving tags are reported as one
// Internal field error at path "" that carries their own Invalid
// message, next to the ordinary field errors; limits are checked only
// when the tags resolved.
func (s *Strategy) validate(ctx context.Context, is, old *image.ImageStream, vfn func() error) error {
	tagErrs := s.tagsChanged(ctx, old, is)
	var all image.ErrorList
	if len(tagErrs) > 0 {
		nested := &image.InvalidError{Kind: "imagestreams", Name: is.Name, Errs: tagErrs}
		all = append(all, image.NewPath("").InternalError(nested))
	} else if s.VerifyLimits != nil {
		if err := s.VerifyLimits(ctx, is, old); err != nil {
			all = append(all, image.NewPath("").InternalError(NewForbidden(ResourceImageStreams, is.Name, err)))
		}
	}
	verr := vfn()
	if inv, ok := errors.AsType[*image.InvalidError](verr); ok {
		all = append(all, inv.Errs...)
	} else if verr != nil {
		return verr
	}
	if len(all) == 0 {
		return nil
	}
	return NewInvalid("ImageStream", is.Name, &image.InvalidError{Kind: "ImageStream", Name: is.Name, Errs: all})
}

// tagRefChanged reports whether a spec tag must be resolved or imported
// again (SEMANTICS §4.3). Like OpenShift (QUIRK §14.4) it ignores
// from.kind, insecure, scheduled, referencePolicy and annotations.
func tagRefChanged(old, next *image.TagReference, namespace string) bool {
	if next.From == nil || (next.From.Kind == "" && next.From.Name == "") {
		return false
	}
	if old.From == nil {
		return true
	}
	if orDefault(old.From.Namespace, namespace) != orDefault(next.From.Namespace, namespace) ||
		old.From.Name != next.From.Name ||
		old.Reference != next.Reference ||
		old.ImportPolicy.ImportMode != next.ImportPolicy.ImportMode {
		return true
	}
	return old.Generation != nil && next.Generation != nil && *old.Generation != *next.Generation && *next.Generation == 0
}

// tagEventChanged is the status strategy's notion of a new event.
func tagEventChanged(old, next *image.TagEvent) bool {
	return old.Image != next.Image || old.DockerImageReference != next.DockerImageReference || old.Generation > next.Generation
}

// collapseEmptyStatusTags drops status tags with neither history nor
// conditions.
func collapseEmptyStatusTags(is *image.ImageStream) {
	out := is.Status.Tags[:0]
	for _, t := range is.Status.Tags {
		if len(t.Items) > 0 || len(t.Conditions) > 0 {
			out = append(out, t)
		}
	}
	clear(is.Status.Tags[len(out):])
	is.Status.Tags = out
}

// tagsChanged resolves every new or changed spec tag into the stream's
// status (SEMANTICS §4.4) and then updates tracking tags. old is nil on
// create.
func (s *Strategy) tagsChanged(ctx context.Context, old, is *image.ImageStream) image.ErrorList {
	// Permission comes first and does not stop resolution: OpenShift
	// runs TagVerifier.Verify over every tag, then tagsChanged over
	// every tag, and reports both lists in that order (§4.1 step 3).
	errs := s.verifyTags(ctx, old, is)
	now := image.NewTime(s.now())
	for i := range is.Spec.Tags {
		t := &is.Spec.Tags[i]
		if !specTagChanged(old, is, t) {
			continue
		}
		fromPath := image.NewPath("spec", "tags").Key(t.Name).Child("from")
		gen := is.Generation
		t.Generation = ptr(gen)

		if t.From.Kind == image.KindDockerImage && t.From.Name != "" {
			if t.Reference {
				AddTagEvent(is, t.Name, image.TagEvent{Created: now, DockerImageReference: t.From.Name, Generation: gen})
			}
			continue
		}
		event, err := s.resolveFrom(ctx, is, t, fromPath.Child("name"), gen)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if event == nil {
			continue
		}
		AddTagEvent(is, t.Name, *event)
		// Resolution may have inserted status tags; t is still valid
		// because only the status list changed.
	}
	s.updateChangedTrackingTags(is, old)
	return errs
}

// specTagChanged reports whether spec tag t of is is new or changed
// against old (nil on create) and names a source.
func specTagChanged(old, is *image.ImageStream, t *image.TagReference) bool {
	if old != nil {
		if o := SpecTag(old, t.Name); o != nil && !tagRefChanged(o, t, is.Namespace) {
			return false
		}
	}
	return t.From != nil
}

// verifyTags asks VerifyTags about every new or changed spec tag that
// names another namespace (SEMANTICS §4.6) and returns a Forbidden error
// for each refusal, in spec order.
func (s *Strategy) verifyTags(ctx context.Context, old, is *image.ImageStream) image.ErrorList {
	if s.VerifyTags == nil {
		return nil
	}
	var errs image.ErrorList
	for i := range is.Spec.Tags {
		t := &is.Spec.Tags[i]
		if !specTagChanged(old, is, t) || t.From.Namespace == "" || t.From.Namespace == is.Namespace {
			continue
		}
		if err := s.VerifyTags(ctx, is, t); err != nil {
			fromPath := image.NewPath("spec", "tags").Key(t.Name).Child("from")
			errs = append(errs, fromPath.Forbidden(fmt.Sprintf("%s/%s: %v", t.From.Namespace, fromStreamName(is, t.From), err)))
		}
	}
	return errs
}

// fromStreamName is the stream a spec tag's from names: the part before
// ":" of an ImageStreamTag or "@" of an ImageStreamImage, or this stream
// when from.name is a bare tag or id (SEMANTICS §4.4 step 4). Permission
// is per stream, so a denial names the stream rather than the tag (§4.6).
// Other kinds have no stream part; their from.name is kept whole.
func fromStreamName(is *image.ImageStream, from *image.ObjectReference) string {
	var name string
	var ok bool
	switch from.Kind {
	case image.KindImageStreamTag:
		name, _, ok = image.SplitImageStreamTag(from.Name)
	case image.KindImageStreamImage:
		name, _, ok = image.SplitImageStreamImage(from.Name)
	default:
		return from.Name
	}
	if !ok {
		return is.Name
	}
	return name
}

// resolveFrom finds the event an ImageStreamTag or ImageStreamImage spec
// tag points at; nil with no error means "nothing yet". As in OpenShift
// (QUIRK §14.6), an ImageStreamTag whose source tag has no history is
// accepted and adds no status, while an ImageStreamImage whose id is
// missing or ambiguous is rejected.
func (s *Strategy) resolveFrom(ctx context.Context, is *image.ImageStream, t *image.TagReference, namePath image.Path, gen int64) (*image.TagEvent, *image.FieldError) {
	sep := ":"
	switch t.From.Kind {
	case image.KindImageStreamTag:
	case image.KindImageStreamImage:
		sep = "@"
	default:
		return nil, namePath.Invalid(t.From.Name, "must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>")
	}
	ns, stream, key := orDefault(t.From.Namespace, is.Namespace), is.Name, t.From.Name
	switch parts := strings.Split(t.From.Name, sep); len(parts) {
	case 1:
	case 2:
		stream, key = parts[0], parts[1]
	default:
		return nil, namePath.Invalid(t.From.Name, "must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>")
	}
	src := is
	if ns != is.Namespace || stream != is.Name {
		var err error
		src, err = s.getStream(ctx, ns, stream)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return nil, namePath.NotFound(t.From.Name)
		case err != nil:
			return nil, namePath.Invalid(t.From.Name, fmt.Sprintf("unable to retrieve image stream: %v", err))
		}
	}
	var event image.TagEvent
	if t.From.Kind == image.KindImageStreamTag {
		latest := LatestTaggedImage(src, key)
		if latest == nil {
			return nil, nil
		}
		// QUIRK §14.5: OpenShift's event is the source item itself, so a
		// same-stream source has its generation overwritten too.
		latest.Generation = gen
		event = *latest
	} else {
		var err error
		event, err = ResolveImageID(src, key, s.now())
		if err != nil {
			return nil, namePath.Invalid(t.From.Name, fmt.Sprintf("error generating tag event: %v", err))
		}
		event.Generation = gen
	}
	// Pulls through the integrated registry go through the tagging stream.
	if !t.Reference && s.RegistryHostname != "" {
		if ref, err := reference.Parse(event.DockerImageReference); err == nil &&
			ref.Registry == s.RegistryHostname && ref.Namespace == src.Namespace && ref.Name == src.Name {
			ref.Namespace, ref.Name = is.Namespace, is.Name
			event.DockerImageReference = ref.Exact()
		}
	}
	return &event, nil
}

func (s *Strategy) getStream(ctx context.Context, ns, name string) (*image.ImageStream, error) {
	if s.Streams == nil {
		return nil, NewNotFound(ResourceImageStreams, name)
	}
	src, err := s.Streams.GetImageStream(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	Normalize(src)
	return src, nil
}

// updateChangedTrackingTags hands every tag whose newest event changed to
// the tags that track it (SEMANTICS §4.4, last paragraph).
func (s *Strategy) updateChangedTrackingTags(is, old *image.ImageStream) {
	var changed []string
	for _, list := range is.Status.Tags {
		if len(list.Items) == 0 {
			continue
		}
		if old != nil {
			if prev := LatestTaggedImage(old, list.Tag); prev != nil && *prev == list.Items[0] {
				continue
			}
		}
		changed = append(changed, list.Tag)
	}
	for _, tag := range changed {
		if latest := LatestTaggedImage(is, tag); latest != nil {
			UpdateTrackingTags(is, tag, *latest)
		}
	}
}

// specEqual compares specs as Kubernetes' semantic equality does: nil and
// empty maps and lists are equal.
func specEqual(a, b *image.ImageStreamSpec) bool {
	if a.LookupPolicy != b.LookupPolicy || a.DockerImageRepository != b.DockerImageRepository || len(a.Tags) != len(b.Tags) {
		return false
	}
	if len(a.Tags) == 0 || &a.Tags[0] == &b.Tags[0] {
		return true // the same list, as after a push
	}
	for i := range a.Tags {
		x, y := &a.Tags[i], &b.Tags[i]
		if x.Name != y.Name || x.Reference != y.Reference || x.ImportPolicy != y.ImportPolicy || x.ReferencePolicy != y.ReferencePolicy ||
			!maps.Equal(x.Annotations, y.Annotations) || !ptrEqual(x.From, y.From) || !ptrEqual(x.Generation, y.Generation) {
			return false
		}
	}
	return true
}

func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func ptr[T any](v T) *T { return &v }

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package imagestream

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ImageStreamImports returns the client that imports images into the
// streams of namespace ns.
func (s *Service) ImageStreamImports(ns string) *ImageStreamImports {
	return &ImageStreamImports{s: s, ns: ns}
}

// ImageStreamImports runs ImageStreamImports (SEMANTICS §8.1) with the
// service's Importer.
type ImageStreamImports struct {
	s  *Service
	ns string
}

// Create imports what isi.Spec asks for and returns it with its status
// filled. With spec.import false nothing is stored (a dry run). Otherwise
// the images are stored and the results applied to the stream (created if
// missing) with compare-and-swap. As in OpenShift (SEMANTICS §8.1 step
// 9), an existing stream is written only when the results change it or
// it lacks the openshift.io/image.dockerRepositoryCheck annotation, and
// every write sets that annotation to the time of the import: an
// identical repeated failure or re-import writes nothing and leaves the
// resourceVersion as it was. status.import holds the stream as stored,
// and status.images[i].image the Image the import created, with its
// uid and resourceVersion (or the imported image when it existed).
// A failed import of one image is a result, not an error: the tag
// keeps its image and gains ImportSuccess=False. When a limit (see
// WithLimitVerifier) rejects the write to an existing stream, the tags
// the import would have added get ImportSuccess=False carrying the error,
// written best-effort, and the error is returned (SEMANTICS §8.1 step 9).
func (c *ImageStreamImports) Create(ctx context.Context, in *image.ImageStreamImport) (*image.ImageStreamImport, error) {
	if err := needObject(in, "ImageStreamImport"); err != nil {
		return nil, err
	}
	if c.s.importer == nil {
		return nil, NewInternalError(errors.New("no importer configured: use imagestream.WithImporter"))
	}
	if c.ns == "" {
		return nil, NewBadRequest("a namespace must be specified to import images")
	}
	isi := image.ImageStreamImport{TypeMeta: in.TypeMeta, ObjectMeta: *in.ObjectMeta.DeepCopy(), Spec: *in.Spec.DeepCopy()}
	if isi.Namespace == "" {
		isi.Namespace = c.ns
	}
	c.s.strategy.Defaults.Default(&isi)
	if err := image.ValidateImageStreamImportWithOptions(&isi, c.s.strategy.Validation); err != nil {
		return nil, NewInvalid("ImageStreamImport", isi.Name, err)
	}

	stream, _, err := c.s.getStream(ctx, c.ns, isi.Name)
	switch {
	case err == nil:
		if isi.ResourceVersion != "" && isi.ResourceVersion != stream.ResourceVersion {
			return nil, NewConflict(ResourceImageStreams, isi.Name, fmt.Errorf("the image stream was updated from %q to %q", isi.ResourceVersion, stream.ResourceVersion))
		}
		if isi.UID != "" && isi.UID != stream.UID {
			return nil, NewNotFound(ResourceImageStreams, isi.Name)
		}
	case errors.Is(err, storage.ErrNotFound):
		if isi.ResourceVersion != "" || isi.UID != "" {
			return nil, err
		}
		stream = nil
	default:
		return nil, err
	}

	secrets, err := c.s.pullSecrets(ctx, c.ns)
	if err != nil {
		return nil, err
	}
	if err := c.s.importer.Import(ctx, &isi, stream, secrets); err != nil {
		return nil, NewInternalError(err)
	}
	// The importer retries refused credentials anonymously (§8.1 step 7).
	if !isi.Spec.Import {
		clearManifests(&isi)
		return &isi, nil
	}

	now := c.s.now()
	var created []*image.Image
	stored := map[string]*image.Image{} // the images this import created
	var out *image.ImageStream
	if stream == nil {
		is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: isi.Name, Namespace: c.ns}}
		created = ApplyImportResults(is, &isi, now)
		setRepositoryCheck(is, now)
		if err := c.s.storeImages(ctx, created, stored); err != nil {
			return nil, err
		}
		c.s.strategy.PrepareForInternalCreate(is)
		if out, err = c.s.createStream(ctx, is); err != nil {
			return nil, err
		}
	} else {
		var original, attempted *image.ImageStream
		out, err = c.s.updateStreamWithRetry(ctx, c.ns, isi.Name, ResourceImageStreamImports, "create", func(is *image.ImageStream) error {
			_, checked := is.Annotations[image.DockerImageRepositoryCheckAnnotation]
			original, attempted = is.DeepCopy(), nil
			created = ApplyImportResults(is, &isi, now)
			if err := c.s.storeImages(ctx, created, stored); err != nil {
				return err
			}
			// §8.1 step 9: OpenShift compares the stream, defaulted as its
			// v1 round trip does, with the one it read, and writes (and so
			// refreshes the check annotation) only when the results changed
			// it or the annotation is missing. An identical repeated failure
			// or re-import therefore writes nothing (QUIRK §14.20).
			c.s.strategy.Defaults.Default(is)
			Normalize(is)
			if checked && reflect.DeepEqual(original, is) {
				return errNoChange
			}
			setRepositoryCheck(is, now)
			attempted = is
			return nil
		})
		if err != nil {
			if attempted != nil && limitExceeded(err) {
				c.recordLimitExceeded(ctx, original, attempted, err, now)
			}
			return nil, err
		}
		c.s.strategy.Decorate(out) // unwritten when nothing changed
	}
	showStoredImages(&isi, stored)
	clearManifests(&isi)
	isi.Status.Import = out
	return &isi, nil
}

// showStoredImages puts into isi's status, in place of an imported image,
// the Image this import created from it, as OpenShift returns it
// (SEMANTICS §8.8): with its uid, resourceVersion and creation time. An
// image that existed before stays as the importer built it, as in
// OpenShift. The stored object has no manifest and config; the status
// keeps the imported ones, which clearManifests then drops unless the
// request asked for them with includeManifest.
func showStoredImages(isi *image.ImageStreamImport, stored map[string]*image.Image) {
	show := func(st *image.ImageImportStatus) {
		if st.Image == nil {
			return
		}
		s, ok := stored[st.Image.Name]
		if !ok {
			return
		}
		img := s.DeepCopy()
		img.DockerImageManifest, img.DockerImageConfig = st.Image.DockerImageManifest, st.Image.DockerImageConfig
		st.Image = img
	}
	for i := range isi.Status.Images {
		show(&isi.Status.Images[i])
	}
	if r := isi.Status.Repository; r != nil {
		for i := range r.Images {
			show(&r.Images[i])
		}
	}
}

// limitExceeded is OpenShift's quota IsErrorLimitExceeded: a Forbidden
// or Invalid error (a limit verifier's, wrapped as QUIRK §14.3 says)
// whose message says a limit was exceeded.
func limitExceeded(err error) bool {
	switch Reason(err) {
	case image.StatusReasonForbidden, image.StatusReasonInvalid:
		return strings.Contains(strings.ToLower(err.Error()), "exceeds the maximum limit")
	}
	return false
}

// recordLimitExceeded gives every status tag that attempted, the stream
// an import failed to write, added to original the condition
// ImportSuccess=False with err's reason and message, so that the tags
// show why they were not imported (SEMANTICS §8.1 step 9). The write is
// best-effort, as in OpenShift: its failure is ignored. A tag that
// appeared in the stream meanwhile is left alone.
func (c *ImageStreamImports) recordLimitExceeded(ctx context.Context, original, attempted *image.ImageStream, err error, now time.Time) {
	cond := image.TagEventCondition{
		Type: image.ImportSuccess, Status: image.ConditionFalse, Message: err.Error(),
		Generation: original.Generation + 1, LastTransitionTime: image.NewTime(now),
	}
	if se, ok := errors.AsType[*StatusError](err); ok {
		cond.Reason, cond.Message = string(se.ErrStatus.Reason), se.ErrStatus.Message
	}
	var tags []string
	for _, st := range attempted.Status.Tags {
		if StatusTag(original, st.Tag) == nil {
			tags = append(tags, st.Tag)
		}
	}
	if len(tags) == 0 {
		return
	}
	_, _ = c.s.updateStreamWithRetry(ctx, c.ns, original.Name, ResourceImageStreamImports, "create", func(is *image.ImageStream) error {
		changed := false
		for _, tag := range tags {
			if StatusTag(is, tag) == nil {
				ensureStatusTag(is, tag).Conditions = []image.TagEventCondition{cond}
				changed = true
			}
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
}

// setRepositoryCheck records in is the time of an import that writes it
// (SEMANTICS §1.3: the controller imports a stream lacking it in full).
func setRepositoryCheck(is *image.ImageStream, now time.Time) {
	if is.Annotations == nil {
		is.Annotations = map[string]string{}
	}
	is.Annotations[image.DockerImageRepositoryCheckAnnotation] = now.UTC().Format(time.RFC3339)
}

// storeImages stores imported images, dropping their manifest and config
// as OpenShift does to keep objects small (§8.8); existing ones are kept.
// The images it creates are added to created by name: an update that is
// retried stores again and then finds them existing.
func (s *Service) storeImages(ctx context.Context, images []*image.Image, created map[string]*image.Image) error {
	for _, img := range images {
		img := img.DeepCopy()
		img.DockerImageManifest, img.DockerImageConfig = "", ""
		stored, _, err := s.createImageIfAbsent(ctx, img)
		if err != nil {
			return err
		}
		if stored != nil {
			created[stored.Name] = stored
		}
	}
	return nil
}

// clearManifests drops manifests and configs from the response unless the
// request asked for them (includeManifest).
func clearManifests(isi *image.ImageStreamImport) {
	for i := range isi.Status.Images {
		if i < len(isi.Spec.Images) && isi.Spec.Images[i].IncludeManifest {
			continue
		}
		stripContent(&isi.Status.Images[i])
	}
	if r := isi.Status.Repository; r != nil && (isi.Spec.Repository == nil || !isi.Spec.Repository.IncludeManifest) {
		for i := range r.Images {
			stripContent(&r.Images[i])
		}
	}
}

func stripContent(st *image.ImageImportStatus) {
	if st.Image != nil {
		st.Image.DockerImageManifest, st.Image.DockerImageConfig = "", ""
	}
	for i := range st.Manifests {
		st.Manifests[i].DockerImageManifest, st.Manifests[i].DockerImageConfig = "", ""
	}
}

package imagestream

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// Images returns the client for the cluster-scoped Images.
func (s *Service) Images() *Images { return &Images{s: s} }

// Images reads and writes Image objects through OpenShift's Image strategy
// (SEMANTICS §10.1): metadata is derived from the manifest, the content
// of an image cannot change, and signatures lose the deprecated
// managed-signature annotation.
type Images struct{ s *Service }

// Get returns the image called name (its manifest digest).
func (c *Images) Get(ctx context.Context, name string) (*image.Image, error) {
	return c.s.getImage(ctx, name)
}

// List returns the images sorted by name, only those matching
// opts.LabelSelector and opts.FieldSelector when they are set.
func (c *Images) List(ctx context.Context, opts ListOptions) (*image.ImageList, error) {
	sel, fields, err := opts.selectors(metaFields)
	if err != nil {
		return nil, err
	}
	res, err := c.s.store.List(ctx, imagesPrefix, storage.ListOptions{Limit: opts.Limit, Continue: opts.Continue})
	if err != nil {
		return nil, storageError(err, ResourceImages, "")
	}
	list := &image.ImageList{
		TypeMeta: image.TypeMeta{Kind: "ImageList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: formatRV(res.ResourceVersion), Continue: res.Continue},
		Items:    make([]image.Image, 0, len(res.Items)),
	}
	for _, obj := range res.Items {
		img, err := decodeImage(obj)
		if err != nil {
			return nil, err
		}
		if imageMatches(sel, fields, img) {
			list.Items = append(list.Items, *img)
		}
	}
	return list, nil
}

// imageMatches reports whether img matches both selectors.
func imageMatches(sel Selector, fields fieldSelector, img *image.Image) bool {
	return sel.Matches(img.Labels) && fields.matches(&img.ObjectMeta, nil)
}

// Create stores a new image after the Image strategy's PrepareForCreate
// (SEMANTICS §10.1) and validation (§3.2). Like OpenShift it does not
// check that the name is the manifest's digest (QUIRK §14.17).
func (c *Images) Create(ctx context.Context, in *image.Image) (*image.Image, error) {
	if err := needObject(in, "Image"); err != nil {
		return nil, err
	}
	img := in.DeepCopy()
	generateName(&img.ObjectMeta)
	img.Namespace = "" // cluster-scoped: the API server drops it before validating
	if err := c.s.prepareAndValidateNewImage(img); err != nil {
		return nil, err
	}
	return c.s.storeNewImage(ctx, img)
}

// Update changes an image (SEMANTICS §10.1). Only annotations, labels,
// dockerImageReference, signatures and dockerImageManifests change
// freely; metadata, layers and schema 1 signatures keep their stored
// values, and a new manifest or config is kept only when it verifies
// against the image (an emptied one is accepted). metadata.resourceVersion
// must be the stored one. An update that changes nothing is not written,
// as ImageStreams.Update says.
func (c *Images) Update(ctx context.Context, in *image.Image) (*image.Image, error) {
	if err := needObject(in, "Image"); err != nil {
		return nil, err
	}
	img := in.DeepCopy()
	img.Namespace = "" // cluster-scoped: dropped before validation, as on create
	rv, err := requireResourceVersion("Image", &img.ObjectMeta)
	if err != nil {
		return nil, err
	}
	old, stored, err := c.s.readImage(ctx, img.Name)
	if err != nil {
		return nil, err
	}
	if rv != mustParseRV(old.ResourceVersion) {
		return nil, NewConflict(ResourceImages, img.Name, errModified)
	}
	return c.s.updateImage(ctx, img, old, stored)
}

// updateImage runs the Image strategy's update of old into img and stores
// img over old's revision; img is then the caller's. stored is old's
// stored value: as in OpenShift's storage, a value equal to it is not
// written again (see sameAsStored), and old is returned.
func (s *Service) updateImage(ctx context.Context, img, old *image.Image, stored []byte) (*image.Image, error) {
	beforeUpdate(&img.ObjectMeta, &old.ObjectMeta, false)
	img.TypeMeta = imageTypeMeta
	s.prepareImageForUpdate(img, old)
	if err := image.ValidateImageUpdate(img, old); err != nil {
		return nil, NewInvalid("Image", img.Name, err)
	}
	b, err := encode(img, &img.ObjectMeta)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(b, stored) {
		return old, nil
	}
	nrv, err := s.store.Update(ctx, imageKey(img.Name), b, mustParseRV(old.ResourceVersion))
	if err != nil {
		return nil, storageError(err, ResourceImages, img.Name)
	}
	img.ResourceVersion = formatRV(nrv)
	return img, nil
}

// Delete removes an image. Streams that name it keep their history; the
// views then report the image missing.
func (c *Images) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	return c.s.deleteKey(ctx, imageKey(name), ResourceImages, name, opts.Preconditions, func(obj storage.Object) (image.UID, error) {
		img, err := decodeImage(obj)
		if err != nil {
			return "", err
		}
		return img.UID, nil
	})
}

// Watch streams the changes to images after opts.ResourceVersion, of
// those matching opts' selectors when set; see WatchOptions. A selector
// that List refuses is a BadRequest here too.
func (c *Images) Watch(ctx context.Context, opts WatchOptions) (<-chan ImageEvent, error) {
	sel, fields, err := opts.selectors(metaFields)
	if err != nil {
		return nil, err
	}
	var match func(*image.Image) bool
	if !sel.Empty() || len(fields) > 0 {
		match = func(img *image.Image) bool { return imageMatches(sel, fields, img) }
	}
	return watchObjects(ctx, c.s, imagesPrefix, opts, ResourceImages, decodeImage, func(key string, rv int64) *image.Image {
		return &image.Image{ObjectMeta: image.ObjectMeta{Name: key[len(imagesPrefix):], ResourceVersion: formatRV(rv)}}
	}, match)
}

// prepareAndValidateNewImage runs the Image strategy's PrepareForCreate
// and validation on img, which the caller owns.
func (s *Service) prepareAndValidateNewImage(img *image.Image) error {
	s.prepareImageForCreate(img)
	if err := image.ValidateImage(img); err != nil {
		return NewInvalid("Image", img.Name, err)
	}
	return nil
}

// storeNewImage fills the system fields of a prepared, valid image and
// creates it; img is then the caller's.
func (s *Service) storeNewImage(ctx context.Context, img *image.Image) (*image.Image, error) {
	if err := s.createImageValue(ctx, img); err != nil {
		return nil, storageError(err, ResourceImages, img.Name)
	}
	return img, nil
}

// createImageValue is storeNewImage returning the store's error as is.
func (s *Service) createImageValue(ctx context.Context, img *image.Image) error {
	s.beforeCreate(&img.ObjectMeta, false)
	img.TypeMeta = imageTypeMeta
	b, err := encode(img, &img.ObjectMeta)
	if err != nil {
		return err
	}
	rv, err := s.store.Create(ctx, imageKey(img.Name), b)
	if err != nil {
		return err
	}
	img.ResourceVersion = formatRV(rv)
	return nil
}

// createImageIfAbsent creates img (which it does not modify) through the
// Image strategy, as the server does for mappings and imports: an image
// of that name that exists already is no error, and existed reports it.
// stored is the image as created, or nil when it existed: like OpenShift,
// callers go on with the image they sent, not the stored one.
func (s *Service) createImageIfAbsent(ctx context.Context, img *image.Image) (stored *image.Image, existed bool, err error) {
	if s.imageExists(ctx, img.Name) {
		return nil, true, nil
	}
	img = img.DeepCopy()
	if err := s.prepareAndValidateNewImage(img); err != nil {
		return nil, false, err
	}
	return s.createPreparedImage(ctx, img)
}

// imageExists reports whether the image called name is stored. Most
// pushes and imports name an image that exists already (a tag moved back,
// a rebuild that changed nothing, a blob mounted from another stream), so
// the server-side creates look first and skip preparing, validating and
// encoding it; the create still settles a race. OpenShift validates the
// image before it finds out: the callers have validated the request, and
// what they skip can only differ for the children of a manifest list.
func (s *Service) imageExists(ctx context.Context, name string) bool {
	_, err := s.store.Get(ctx, imageKey(name))
	return err == nil
}

// createPreparedImage stores an image the Image strategy prepared and
// validation accepted; an existing one is no error (existed).
func (s *Service) createPreparedImage(ctx context.Context, img *image.Image) (stored *image.Image, existed bool, err error) {
	err = s.createImageValue(ctx, img)
	switch {
	case err == nil:
		return img, false, nil
	case errors.Is(err, storage.ErrExists):
		return nil, true, nil
	}
	return nil, false, storageError(err, ResourceImages, img.Name)
}

// prepareImageForCreate is the Image strategy's PrepareForCreate
// (SEMANTICS §10.1): metadata derived from the manifest (failures only
// logged, validation reports what is missing), the children of a manifest
// list listed, the manifest and config dropped when the registry keeps
// the manifest blob, and the managed-signature annotation removed.
func (s *Service) prepareImageForCreate(img *image.Image) {
	defaultMetadataVersion(img)
	if img.DockerImageManifest != "" {
		if err := image.ImageWithMetadata(img, s.now()); err != nil {
			s.log.Debug("image metadata", "image", img.Name, "err", err)
		}
		if mayBeList(img.DockerImageManifestMediaType) {
			m, err := image.ParseManifest(img.DockerImageManifestMediaType, []byte(img.DockerImageManifest))
			if err == nil && m.IsList() {
				img.DockerImageManifests = m.ImageManifests()
			}
		}
	}
	stripBlobStored(img)
	cleanSignatures(img)
}

// defaultMetadataVersion gives img the metadata version OpenShift's
// conversion stores back when the client sent none, "1.0" (SEMANTICS
// §2.2), so every Image the API returns names it.
func defaultMetadataVersion(img *image.Image) {
	if img.DockerImageMetadataVersion == "" {
		img.DockerImageMetadataVersion = image.DockerImageMetadataVersion
	}
}

// prepareImageForUpdate is the Image strategy's PrepareForUpdate
// (SEMANTICS §10.1): content fields keep their old values unless a new
// manifest or config verifies against the image.
func (s *Service) prepareImageForUpdate(img, old *image.Image) {
	o := old.DeepCopy()
	img.DockerImageMetadata = o.DockerImageMetadata
	img.DockerImageMetadataVersion = o.DockerImageMetadataVersion
	img.DockerImageLayers = o.DockerImageLayers
	img.DockerImageSignatures = o.DockerImageSignatures
	if img.DockerImageManifest != old.DockerImageManifest && img.DockerImageManifest != "" {
		if ok, err := image.ManifestMatchesImage(old, []byte(img.DockerImageManifest)); !ok || err != nil {
			img.DockerImageManifest = old.DockerImageManifest
		}
	}
	if img.DockerImageConfig != old.DockerImageConfig && img.DockerImageConfig != "" {
		if ok, err := image.ConfigMatchesImage(img, []byte(img.DockerImageConfig)); !ok || err != nil {
			img.DockerImageConfig = old.DockerImageConfig
		}
	}
	if img.DockerImageManifest != "" {
		if err := image.ImageWithMetadata(img, s.now()); err != nil {
			s.log.Debug("image metadata", "image", img.Name, "err", err)
		}
	}
	stripBlobStored(img)
	cleanSignatures(img)
}

// mayBeList reports whether a manifest of the declared media type can
// parse as a manifest list: distribution, like image.ParseManifest,
// decodes a manifest as the type it is declared with, so only list types
// and undeclared or unknown ones need parsing to find out.
func mayBeList(mediaType string) bool {
	mt, _, _ := strings.Cut(mediaType, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case image.MediaTypeDockerSchema2Manifest, image.MediaTypeOCIManifest,
		image.MediaTypeDockerSchema1Manifest, image.MediaTypeDockerSchema1SignedManifest:
		return false
	}
	return true
}

// stripBlobStored drops the manifest and config of an image whose
// manifest blob the registry keeps.
func stripBlobStored(img *image.Image) {
	if img.Annotations[image.ImageManifestBlobStoredAnnotation] == "true" {
		img.DockerImageManifest, img.DockerImageConfig = "", ""
	}
}

// cleanSignatures removes the deprecated managed-signature annotation
// from every signature.
func cleanSignatures(img *image.Image) {
	for i := range img.Signatures {
		a := img.Signatures[i].Annotations
		if _, ok := a[image.ManagedSignatureAnnotation]; !ok {
			continue
		}
		delete(a, image.ManagedSignatureAnnotation)
		if len(a) == 0 {
			img.Signatures[i].Annotations = nil
		}
	}
}

// mustParseRV reads a resourceVersion this package formatted.
func mustParseRV(rv string) int64 {
	n, _ := parseRV(rv)
	return n
}

// referenceForStream is where a stream's images are pulled from: its
// status repository, else its spec repository (SEMANTICS §6.2 step 4).
func referenceForStream(is *image.ImageStream) (reference.DockerImageReference, bool) {
	spec := is.Status.DockerImageRepository
	if spec == "" {
		spec = is.Spec.DockerImageRepository
	}
	if spec == "" {
		return reference.DockerImageReference{}, false
	}
	ref, err := reference.Parse(spec)
	return ref, err == nil
}

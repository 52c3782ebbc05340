package imagestream

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// Images returns the client for the cluster-scoped Images.
func (s *Service) Images() *Images { return &Images{s: s} }

// Images reads and writes Image objects through OpenShift's Image strategy
// (SEMANTICS §10.1): metadata is derived from the manifest, content is
// immutable, and signatures lose the deprecated managed-signature
// annotation.
type Images struct{ s *Service }

// Get returns the image called name (its digest).
func (c *Images) Get(ctx context.Context, name string) (*image.Image, error) {
	obj, err := c.s.store.Get(ctx, imageKey(name))
	if err != nil {
		return nil, storageError(err, ResourceImages, name)
	}
	return decodeImage(obj)
}

// List returns images sorted by name.
func (c *Images) List(ctx context.Context, opts ListOptions) (*image.ImageList, error) {
	res, err := c.s.store.List(ctx, "/images/", storage.ListOptions{Limit: opts.Limit, Continue: opts.Continue})
	if err != nil {
		return nil, storageError(err, ResourceImages, "")
	}
	list := &image.ImageList{
		TypeMeta: image.TypeMeta{Kind: "ImageList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: fmt.Sprint(res.ResourceVersion), Continue: res.Continue},
		Items:    make([]image.Image, 0, len(res.Items)),
	}
	for _, obj := range res.Items {
		img, err := decodeImage(obj)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, *img)
	}
	return list, nil
}

// Create stores a new image.
func (c *Images) Create(ctx context.Context, in *image.Image) (*image.Image, error) {
	img := in.DeepCopy()
	if err := c.s.prepareImageForCreate(img); err != nil {
		return nil, err
	}
	if err := image.ValidateImage(img); err != nil {
		return nil, NewInvalid("Image", img.Name, err)
	}
	return c.s.storeNewImage(ctx, img)
}

func (s *Service) storeNewImage(ctx context.Context, img *image.Image) (*image.Image, error) {
	img.UID = newUID()
	img.CreationTimestamp = image.NewTime(s.now())
	b, err := encode(img, &img.ObjectMeta)
	if err != nil {
		return nil, err
	}
	rv, err := s.store.Create(ctx, imageKey(img.Name), b)
	if err != nil {
		return nil, storageError(err, ResourceImages, img.Name)
	}
	img.ResourceVersion = fmt.Sprint(rv)
	return img, nil
}

// prepareImageForCreate is the Image strategy's PrepareForCreate (§10.1).
func (s *Service) prepareImageForCreate(img *image.Image) error {
	img.ResourceVersion = ""
	if img.DockerImageManifest != "" {
		// Like OpenShift, a failure to derive metadata is not fatal here:
		// validation reports what is missing.
		if err := image.ImageWithMetadata(img, s.now()); err != nil {
			s.log.Debug("image metadata", "image", img.Name, "err", err)
		}
		if m, err := image.ParseManifest(img.DockerImageManifestMediaType, []byte(img.DockerImageManifest)); err == nil && m.IsList() {
			img.DockerImageManifests = m.ImageManifests()
		}
	}
	stripBlobStored(img)
	cleanSignatures(img)
	return nil
}

func stripBlobStored(img *image.Image) {
	if img.Annotations[image.ImageManifestBlobStoredAnnotation] == "true" {
		img.DockerImageManifest, img.DockerImageConfig = "", ""
	}
}

func cleanSignatures(img *image.Image) {
	for i := range img.Signatures {
		delete(img.Signatures[i].Annotations, image.ManagedSignatureAnnotation)
		if len(img.Signatures[i].Annotations) == 0 {
			img.Signatures[i].Annotations = nil
		}
	}
}

// Update changes an image's mutable fields: annotations, labels, its pull
// spec, signatures and a manifest or config that verifies against it.
func (c *Images) Update(ctx context.Context, in *image.Image) (*image.Image, error) {
	img := in.DeepCopy()
	rv, err := parseRV(img.ResourceVersion)
	if err != nil {
		return nil, err
	}
	obj, err := c.s.store.Get(ctx, imageKey(img.Name))
	if err != nil {
		return nil, storageError(err, ResourceImages, img.Name)
	}
	old, err := decodeImage(obj)
	if err != nil {
		return nil, err
	}
	if rv != 0 && rv != obj.ResourceVersion {
		return nil, storageError(&storage.ConflictError{Key: obj.Key, Expected: rv, Current: obj}, ResourceImages, img.Name)
	}
	c.s.prepareImageForUpdate(img, old)
	if err := image.ValidateImageUpdate(img, old); err != nil {
		return nil, NewInvalid("Image", img.Name, err)
	}
	b, err := encode(img, &img.ObjectMeta)
	if err != nil {
		return nil, err
	}
	nrv, err := c.s.store.Update(ctx, imageKey(img.Name), b, obj.ResourceVersion)
	if err != nil {
		return nil, storageError(err, ResourceImages, img.Name)
	}
	img.ResourceVersion = fmt.Sprint(nrv)
	return img, nil
}

// prepareImageForUpdate is the Image strategy's PrepareForUpdate (§10.1):
// content fields keep their old values unless the new manifest or config
// verifies against the image.
func (s *Service) prepareImageForUpdate(img, old *image.Image) {
	img.DockerImageMetadata = *old.DockerImageMetadata.DeepCopy()
	img.DockerImageMetadataVersion = old.DockerImageMetadataVersion
	img.DockerImageLayers = old.DeepCopy().DockerImageLayers
	img.DockerImageSignatures = old.DeepCopy().DockerImageSignatures
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
	if err := image.ImageWithMetadata(img, s.now()); err != nil {
		s.log.Debug("image metadata", "image", img.Name, "err", err)
	}
	stripBlobStored(img)
	cleanSignatures(img)
}

// Delete removes an image. Streams that name it keep their history; the
// views then report it missing.
func (c *Images) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	rv, err := parseRV(opts.ResourceVersion)
	if err != nil {
		return err
	}
	_, err = c.s.store.Delete(ctx, imageKey(name), rv)
	return storageError(err, ResourceImages, name)
}

// createImageIfAbsent stores img unless an image of that name exists, and
// returns the stored image and whether it existed.
func (s *Service) createImageIfAbsent(ctx context.Context, img *image.Image) (*image.Image, bool, error) {
	// Most pushes name an image that exists already (a tag moved back, a
	// layer-sharing rebuild); reading first spares preparing, validating
	// and encoding it. The create below still settles a race.
	if obj, err := s.store.Get(ctx, imageKey(img.Name)); err == nil {
		existing, err := decodeImage(obj)
		return existing, err == nil, err
	}
	img = img.DeepCopy()
	if err := s.prepareImageForCreate(img); err != nil {
		return nil, false, err
	}
	if err := image.ValidateImage(img); err != nil {
		return nil, false, NewInvalid("Image", img.Name, err)
	}
	stored, err := s.storeNewImage(ctx, img)
	if err == nil {
		return stored, false, nil
	}
	if Reason(err) != "AlreadyExists" {
		return nil, false, err
	}
	existing, err := s.Images().Get(ctx, img.Name)
	return existing, true, err
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

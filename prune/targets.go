package prune

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// The interfaces below are what Execute needs, declared here so that any
// store or client can provide them (the imagestream service, a Kubernetes
// client, a test fake). Errors for which errors.Is(err,
// storage.ErrNotFound) holds mean the object is already gone, and
// storage.ErrConflict means a compare-and-swap lost; imagestream's
// StatusError satisfies both.

// StreamUpdater reads an image stream and replaces its status.
type StreamUpdater interface {
	// GetImageStream returns the current stream. A nil stream without
	// an error counts as a failure to read it.
	GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error)
	// UpdateImageStreamStatus stores is's status if is.ResourceVersion is
	// still current, and fails with a conflict otherwise.
	UpdateImageStreamStatus(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error)
}

// ImageDeleter deletes Image objects.
type ImageDeleter interface {
	DeleteImage(ctx context.Context, name string) error
}

// RegistryDeleter deletes registry data (PRUNE.md §2.2). Every method
// must treat "not found" as success, so that deletions are idempotent.
type RegistryDeleter interface {
	// DeleteLayerLink removes repository's link to a layer or config blob.
	DeleteLayerLink(ctx context.Context, repository, digest string) error
	// DeleteManifestLink removes repository's link to a manifest.
	DeleteManifestLink(ctx context.Context, repository, digest string) error
	// DeleteBlob removes a blob from the registry's storage.
	DeleteBlob(ctx context.Context, digest string) error
}

// Lister lists what exists now, for Execute's re-checks (PRUNE.md §6.8).
// Nil entries are skipped, as Plan skips them.
type Lister interface {
	// ListImageStreams returns every image stream, in any namespace.
	ListImageStreams(ctx context.Context) ([]*image.ImageStream, error)
	// ListImages returns every Image object.
	ListImages(ctx context.Context) ([]*image.Image, error)
}

// ReferenceLister lists the references workloads hold now, for Execute's
// re-checks: an image referenced after planning is not deleted.
type ReferenceLister interface {
	ListReferences(ctx context.Context) ([]Reference, error)
}

// ReferenceFunc adapts a function to ReferenceLister.
type ReferenceFunc func(ctx context.Context) ([]Reference, error)

var _ ReferenceLister = ReferenceFunc(nil)

// ListReferences calls f.
func (f ReferenceFunc) ListReferences(ctx context.Context) ([]Reference, error) { return f(ctx) }

// Targets are what Execute changes. Registry may be nil when the plan has
// no registry work (Options.SkipRegistry); Images may be nil in namespace
// mode, where nothing deletes images. Lister is optional and makes the
// re-checks before deleting see new streams and images, and References
// makes them see new workload references; without Lister the
// re-checks read the plan's streams through Streams, which is then needed
// even when the plan updates no stream (unless ExecuteOptions.NoRecheck).
type Targets struct {
	Streams  StreamUpdater
	Images   ImageDeleter
	Registry RegistryDeleter
	Lister   Lister
	// References, if set, is listed at every re-check.
	References ReferenceLister
}

// StreamFuncs adapts a pair of functions to StreamUpdater, so a client
// shaped differently needs no named type. With the imagestream service:
//
//	prune.StreamFuncs{
//		Get: func(ctx context.Context, ns, name string) (*image.ImageStream, error) {
//			return svc.ImageStreams(ns).Get(ctx, name)
//		},
//		UpdateStatus: func(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error) {
//			return svc.ImageStreams(is.Namespace).UpdateStatus(ctx, is)
//		},
//	}
type StreamFuncs struct {
	Get          func(ctx context.Context, namespace, name string) (*image.ImageStream, error)
	UpdateStatus func(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error)
}

var _ StreamUpdater = StreamFuncs{}

// GetImageStream calls f.Get.
func (f StreamFuncs) GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error) {
	return f.Get(ctx, namespace, name)
}

// UpdateImageStreamStatus calls f.UpdateStatus.
func (f StreamFuncs) UpdateImageStreamStatus(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error) {
	return f.UpdateStatus(ctx, is)
}

// ImageDeleterFunc adapts a function to ImageDeleter.
type ImageDeleterFunc func(ctx context.Context, name string) error

var _ ImageDeleter = ImageDeleterFunc(nil)

// DeleteImage calls f.
func (f ImageDeleterFunc) DeleteImage(ctx context.Context, name string) error { return f(ctx, name) }

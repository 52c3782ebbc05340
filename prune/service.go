package prune

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// ReadSnapshot reads every image and stream through l, as the snapshot
// Plan needs, with the references the caller gathered from workloads
// (Workload.References, DecodeWorkloads).
func ReadSnapshot(ctx context.Context, l Lister, refs []Reference) (*Snapshot, error) {
	streams, err := l.ListImageStreams(ctx)
	if err != nil {
		return nil, fmt.Errorf("prune: listing image streams: %w", err)
	}
	images, err := l.ListImages(ctx)
	if err != nil {
		return nil, fmt.Errorf("prune: listing images: %w", err)
	}
	return &Snapshot{Images: images, Streams: streams, References: refs}, nil
}

// ServiceTargets returns the Targets of an imagestream.Service: stream
// reads and status updates, image deletion and listing go through svc,
// with its compare-and-swap and validation; registry deletions go to
// registry, which may be nil when the plan skips the registry.
func ServiceTargets(svc *imagestream.Service, registry RegistryDeleter) Targets {
	s := serviceTargets{svc}
	return Targets{Streams: s, Images: s, Registry: registry, Lister: s}
}

type serviceTargets struct{ svc *imagestream.Service }

func (s serviceTargets) GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error) {
	return s.svc.ImageStreams(namespace).Get(ctx, name)
}

func (s serviceTargets) UpdateImageStreamStatus(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error) {
	return s.svc.ImageStreams(is.Namespace).UpdateStatus(ctx, is)
}

func (s serviceTargets) DeleteImage(ctx context.Context, name string) error {
	return s.svc.Images().Delete(ctx, name, imagestream.DeleteOptions{})
}

// listPage is the page size of the listings: pages bound each read and
// share the first page's snapshot, so the snapshot stays consistent.
const listPage = 500

func (s serviceTargets) ListImageStreams(ctx context.Context) ([]*image.ImageStream, error) {
	return s.svc.ImageStreams("").ListAll(ctx, imagestream.ListOptions{Limit: listPage})
}

func (s serviceTargets) ListImages(ctx context.Context) ([]*image.Image, error) {
	return s.svc.Images().ListAll(ctx, imagestream.ListOptions{Limit: listPage})
}

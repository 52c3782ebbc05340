package prune

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// ReadSnapshot reads every image and stream through l, as the snapshot
// Plan needs, with the references the caller gathered from workloads
// (Workload.References, DecodeWorkloads). A nil l is an error.
func ReadSnapshot(ctx context.Context, l Lister, refs []Reference) (*Snapshot, error) {
	if l == nil {
		return nil, errors.New("prune: ReadSnapshot needs a Lister")
	}
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

// ReadIndex reads every stream and image of svc into an Index, page by
// page, keeping of each page only what Plan needs (PRUNE.md §6.6): unlike
// ReadSnapshot, it never holds every Image object at once. The pages of
// each listing share the snapshot of its first page. A nil svc is an
// error.
func ReadIndex(ctx context.Context, svc *imagestream.Service, refs []Reference) (*Index, error) {
	if svc == nil {
		return nil, errors.New("prune: ReadIndex needs a Service")
	}
	return readIndex(ctx, svc, refs, listPage)
}

func readIndex(ctx context.Context, svc *imagestream.Service, refs []Reference, page int64) (*Index, error) {
	var b IndexBuilder
	err := eachPage(ctx, page, func(ctx context.Context, opts imagestream.ListOptions) ([]image.ImageStream, string, error) {
		l, err := svc.ImageStreams("").List(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	}, func(page []*image.ImageStream) { b.AddStreams(page...) })
	if err != nil {
		return nil, fmt.Errorf("prune: listing image streams: %w", err)
	}
	err = eachPage(ctx, page, func(ctx context.Context, opts imagestream.ListOptions) ([]image.Image, string, error) {
		l, err := svc.Images().List(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	}, func(page []*image.Image) { b.AddImages(page...) })
	if err != nil {
		return nil, fmt.Errorf("prune: listing images: %w", err)
	}
	b.AddReferences(refs...)
	return b.IndexContext(ctx)
}

// eachPage calls add with every page list returns, following the
// continue tokens. A whole page goes to the IndexBuilder at once, whose
// lookups overlap within a call.
func eachPage[T any](ctx context.Context, page int64, list func(context.Context, imagestream.ListOptions) ([]T, string, error), add func([]*T)) error {
	opts := imagestream.ListOptions{Limit: page}
	var ptrs []*T
	for {
		items, next, err := list(ctx, opts)
		if err != nil {
			return err
		}
		ptrs = ptrs[:0]
		for i := range items {
			ptrs = append(ptrs, &items[i])
		}
		add(ptrs)
		clear(ptrs) // the page may go while the next one is listed
		if next == "" {
			return nil
		}
		opts.Continue = next
	}
}

// ServiceTargets returns the Targets of an imagestream.Service: stream
// reads and status updates, image deletion and listing go through svc,
// with its compare-and-swap and validation; registry deletions go to
// registry, which may be nil when the plan skips the registry. A nil svc
// leaves Streams, Images and Lister nil, which Execute reports as an
// error instead of panicking on the first call.
func ServiceTargets(svc *imagestream.Service, registry RegistryDeleter) Targets {
	if svc == nil {
		return Targets{Registry: registry}
	}
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

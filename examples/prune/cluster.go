package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/prune"
)

// load stores a generated snapshot through svc, as a cluster's API server
// would hold it: the images, then each stream with its tag history.
func load(ctx context.Context, svc *imagestream.Service, snap *imagetest.Snapshot) error {
	for _, img := range snap.Images {
		if _, err := svc.Images().Create(ctx, img); err != nil {
			return err
		}
	}
	for _, is := range snap.Streams {
		// Create ignores the status, as the API server does; the history
		// is written with UpdateStatus, as a migration would.
		out, err := svc.ImageStreams(is.Namespace).Create(ctx, is)
		if err != nil {
			return err
		}
		out.Status = is.Status
		if _, err := svc.ImageStreams(is.Namespace).UpdateStatus(ctx, out); err != nil {
			return err
		}
	}
	return nil
}

// fakeRegistry counts the registry deletions Execute asks for. A real run
// would pass prune.Registry, which sends them to the integrated registry.
type fakeRegistry struct {
	mu                       sync.Mutex // guards the counters: Execute runs workers in parallel
	layers, manifests, blobs int
}

func (r *fakeRegistry) DeleteLayerLink(context.Context, string, string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.layers++
	return nil
}

func (r *fakeRegistry) DeleteManifestLink(context.Context, string, string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.manifests++
	return nil
}

func (r *fakeRegistry) DeleteBlob(context.Context, string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.blobs++
	return nil
}

func (r *fakeRegistry) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("%d layer link(s), %d manifest link(s), %d blob(s)", r.layers, r.manifests, r.blobs)
}

// countStored returns the images and tag events left in the store.
func countStored(ctx context.Context, l prune.Lister) (images, events int, err error) {
	snap, err := prune.ReadSnapshot(ctx, l, nil)
	if err != nil {
		return 0, 0, err
	}
	for _, is := range snap.Streams {
		for _, t := range is.Status.Tags {
			events += len(t.Items)
		}
	}
	return len(snap.Images), events, nil
}

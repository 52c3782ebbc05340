package importer

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// ServiceClient adapts an [imagestream.Service] to the Scheduler: it
// lists and reads streams through the Service and posts imports to its
// ImageStreamImports, which run the Service's Importer
// (imagestream.WithImporter) and apply the results to the stream
// (SEMANTICS §8.8–§8.10).
type ServiceClient struct {
	Service *imagestream.Service
}

var (
	_ StreamLister  = ServiceClient{}
	_ ImportCreator = ServiceClient{}
)

// listPage is the page size of ListImageStreams: large enough that few
// clusters need a second page, small enough to bound one read.
const listPage = 500

// ListImageStreams returns the streams of every namespace, page by page.
func (c ServiceClient) ListImageStreams(ctx context.Context) ([]*image.ImageStream, error) {
	return c.Service.ImageStreams("").ListAll(ctx, imagestream.ListOptions{Limit: listPage})
}

// GetImageStream returns the stream; a missing one is a NotFound
// *imagestream.StatusError, which makes the Scheduler forget it.
func (c ServiceClient) GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error) {
	return c.Service.ImageStreams(namespace).Get(ctx, name)
}

// CreateImageStreamImport runs isi in its namespace. The scheduler's
// imports carry the stream's resourceVersion, so one racing a write to
// the stream fails with a Conflict and is retried on the stream's next
// turn, as in OpenShift.
func (c ServiceClient) CreateImageStreamImport(ctx context.Context, isi *image.ImageStreamImport) error {
	_, err := c.Service.ImageStreamImports(isi.Namespace).Create(ctx, isi)
	return err
}

// NewServiceScheduler returns a Scheduler that re-imports the scheduled
// tags of svc's streams through svc.
func NewServiceScheduler(svc *imagestream.Service, opts SchedulerOptions) *Scheduler {
	c := ServiceClient{Service: svc}
	return NewScheduler(c, c, opts)
}

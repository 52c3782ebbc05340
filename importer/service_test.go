package importer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestServiceClient checks the Scheduler's view of a Service: every
// stream of every namespace, past the first page of a list; a missing
// stream is NotFound; and a posted import lands in the stream's
// namespace.
func TestServiceClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		streams int // per namespace, over two namespaces
	}{
		{name: "empty"},
		{name: "one page", streams: 3},
		{name: "several pages", streams: 260},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Docker Hub is blocked, so that imports stay on this machine.
			imp := importer.New(importer.Options{Registries: importer.RegistryConfig{BlockedRegistries: []string{"docker.io"}}})
			svc := imagestream.NewService(memory.New(), imagestream.WithImporter(imp))
			var want []string
			for _, ns := range []string{"a", "b"} {
				for i := range tt.streams {
					name := fmt.Sprintf("s%03d", i)
					if _, err := svc.ImageStreams(ns).Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name}}); err != nil {
						t.Fatal(err)
					}
					want = append(want, ns+"/"+name)
				}
			}
			c := importer.ServiceClient{Service: svc}
			list, err := c.ListImageStreams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, is := range list {
				got = append(got, is.Namespace+"/"+is.Name)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListImageStreams (-want +got):\n%s", diff)
			}
			if _, err := c.GetImageStream(ctx, "a", "missing"); imagestream.Reason(err) != image.StatusReasonNotFound {
				t.Errorf("GetImageStream of a missing stream: %v, want NotFound", err)
			}
			isi := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Namespace: "a", Name: "app"}, Spec: image.ImageStreamImportSpec{
				Images: []image.ImageImportSpec{spec("busybox", "latest")},
			}}
			if err := c.CreateImageStreamImport(ctx, isi); err != nil {
				t.Errorf("CreateImageStreamImport: %v", err)
			}
			isi.Namespace = ""
			if err := c.CreateImageStreamImport(ctx, isi); imagestream.Reason(err) != image.StatusReasonBadRequest {
				t.Errorf("CreateImageStreamImport without a namespace: %v, want BadRequest", err)
			}
		})
	}
}

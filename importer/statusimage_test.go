package importer_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestStatusImageIsStoredImage checks SEMANTICS §8.8: "The Image returned
// in status.images[i].image is the created/stored object", with its uid,
// resourceVersion and creation time; an image that existed before the
// import is returned as the importer built it (OpenShift's AlreadyExists
// path reuses the local object). Manifests follow includeManifest.
func TestStatusImageIsStoredImage(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	content := imagetest.ImageContent("status-stored", imagetest.Options{})
	f.pushImage("ns/a", "v1", content)
	from := f.host + "/ns/a:v1"
	repo := &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: f.host + "/ns/a"}}

	tests := []struct {
		name     string
		existing bool // the image is stored by an earlier import into another stream
		spec     image.ImageStreamImportSpec
		stored   bool // status shows the stored object
		manifest bool // status keeps the manifest
	}{
		{name: "new image", spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{spec(from, "a")}}, stored: true},
		{name: "new image with includeManifest", spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{func() image.ImageImportSpec {
			s := spec(from, "a")
			s.IncludeManifest = true
			return s
		}()}}, stored: true, manifest: true},
		{name: "existing image", existing: true, spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{spec(from, "a")}}},
		{name: "new image by repository", spec: image.ImageStreamImportSpec{Repository: repo}, stored: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			svc := imagestream.NewService(memory.New(), imagestream.WithImporter(f.importer(importer.Options{})),
				imagestream.WithClock(func() time.Time { return now }))
			if tt.existing {
				isi := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Name: "other"},
					Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{spec(from, "a")}}}
				if _, err := svc.ImageStreamImports("ns").Create(ctx, isi); err != nil {
					t.Fatal(err)
				}
			}
			isi := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: tt.spec}
			isi.Spec.Import = true
			out, err := svc.ImageStreamImports("ns").Create(ctx, isi)
			if err != nil {
				t.Fatal(err)
			}
			statuses := out.Status.Images
			if r := out.Status.Repository; r != nil {
				statuses = r.Images
			}
			if len(statuses) != 1 || statuses[0].Image == nil {
				t.Fatalf("statuses = %+v, want one with an image", statuses)
			}
			got := statuses[0].Image
			stored, err := svc.Images().Get(ctx, got.Name)
			if err != nil {
				t.Fatal(err)
			}
			if stored.UID == "" || stored.ResourceVersion == "" || stored.CreationTimestamp.IsZero() {
				t.Fatalf("stored image lacks metadata: %+v", stored.ObjectMeta)
			}
			if tt.manifest != (got.DockerImageManifest != "") {
				t.Errorf("status image has manifest %v, want %v", got.DockerImageManifest != "", tt.manifest)
			}
			got = got.DeepCopy()
			got.DockerImageManifest, got.DockerImageConfig = "", ""
			if tt.stored {
				if diff := cmp.Diff(stored, got); diff != "" {
					t.Errorf("status image is not the stored image (-stored +status):\n%s", diff)
				}
			} else if got.UID != "" || got.ResourceVersion != "" {
				t.Errorf("status image of an existing image has uid %q, resourceVersion %q; want the importer's object", got.UID, got.ResourceVersion)
			}
		})
	}
}

package imagestream_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestImageStreamLayersGet checks the §7 algorithm on one schema2 image:
// layers with sizes, the config blob without size, the manifest itself as
// a blob with nil size, and imageMissing for a deleted image.
func TestImageStreamLayersGet(t *testing.T) {
	ctx := context.Background()
	img := pushed(1)
	svc := pushedStream(t, nil, tagPush{"latest", img})
	stored := storedImage(t, svc, img.Name)
	is := getStream(t, svc, "ns", "app")
	got, err := svc.ImageStreamLayers("ns").Get(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	mt := stored.DockerImageManifestMediaType
	if mt != image.MediaTypeOCIManifest {
		t.Fatalf("fixture media type %q, test expects an OCI manifest", mt)
	}
	want := &image.ImageStreamLayers{ObjectMeta: is.ObjectMeta, Blobs: map[string]image.ImageLayerData{}, Images: map[string]image.ImageBlobReferences{}}
	var ref image.ImageBlobReferences
	for _, l := range stored.DockerImageLayers {
		size := l.LayerSize
		ref.Layers = append(ref.Layers, l.Name)
		want.Blobs[l.Name] = image.ImageLayerData{LayerSize: &size, MediaType: l.MediaType}
	}
	id := stored.DockerImageMetadata.ID
	ref.Config = &id
	want.Blobs[id] = image.ImageLayerData{MediaType: image.MediaTypeOCIConfig}
	want.Blobs[img.Name] = image.ImageLayerData{MediaType: mt}
	want.Images[img.Name] = ref
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("layers (-want +got):\n%s", diff)
	}

	if err := svc.Images().Delete(ctx, img.Name, imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err = svc.ImageStreamLayers("ns").Get(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	wantImages := map[string]image.ImageBlobReferences{img.Name: {ImageMissing: true}}
	if diff := cmp.Diff(wantImages, got.Images); diff != "" {
		t.Errorf("images after deletion (-want +got):\n%s", diff)
	}
}

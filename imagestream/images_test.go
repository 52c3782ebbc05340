package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

// TestImagesCreate covers the Image strategy's create (SEMANTICS §10.1)
// and validation (§3.2).
func TestImagesCreate(t *testing.T) {
	ctx := context.Background()
	full := pushed(1) // what OpenShift derives from the manifest
	bare := func() *image.Image {
		img := pushed(1)
		img.DockerImageMetadata = image.DockerImage{}
		img.DockerImageLayers = nil
		img.Annotations = nil
		return img
	}
	ic := imagetest.Index("multi", imagetest.Options{}, "linux/amd64", "linux/arm64")
	list := &image.Image{
		ObjectMeta:           image.ObjectMeta{Name: ic.Digest.String()},
		DockerImageReference: "quay.io/acme/multi@" + ic.Digest.String(),
		DockerImageManifest:  string(ic.Index), DockerImageManifestMediaType: ic.MediaType,
	}

	type result struct {
		MetadataID   string
		Size         int64
		Layers       int
		Manifest     bool
		Config       bool
		Children     []string
		SigAnnots    map[string]string
		Namespace    string
		LayerOrderOK bool
	}
	summarize := func(img *image.Image) result {
		r := result{
			MetadataID: img.DockerImageMetadata.ID, Size: img.DockerImageMetadata.Size, Layers: len(img.DockerImageLayers),
			Manifest: img.DockerImageManifest != "", Config: img.DockerImageConfig != "", Namespace: img.Namespace,
			LayerOrderOK: len(img.DockerImageLayers) == 0 || img.Annotations[image.DockerImageLayersOrderAnnotation] == image.DockerImageLayersOrderAscending,
		}
		for _, m := range img.DockerImageManifests {
			r.Children = append(r.Children, m.Architecture)
		}
		if len(img.Signatures) > 0 {
			r.SigAnnots = img.Signatures[0].Annotations
		}
		return r
	}
	tests := []struct {
		name    string
		in      *image.Image
		want    result
		wantErr string
	}{
		{
			name: "metadata derived from manifest and config",
			in:   bare(),
			want: result{MetadataID: full.DockerImageMetadata.ID, Size: full.DockerImageMetadata.Size, Layers: 2, Manifest: true, Config: true, LayerOrderOK: true},
		},
		{
			name: "manifest blob stored by the registry: manifest and config dropped",
			in: func() *image.Image {
				img := bare()
				img.Annotations = map[string]string{image.ImageManifestBlobStoredAnnotation: "true"}
				return img
			}(),
			want: result{MetadataID: full.DockerImageMetadata.ID, Size: full.DockerImageMetadata.Size, Layers: 2, LayerOrderOK: true},
		},
		{
			name: "manifest list: children listed",
			in:   list,
			want: result{MetadataID: list.Name, Manifest: true, Children: []string{"amd64", "arm64"}, LayerOrderOK: true},
		},
		{
			name: "managed-signature annotation removed; namespace dropped",
			in: func() *image.Image {
				img := bare()
				img.Namespace = "ns"
				img.Signatures = []image.ImageSignature{{
					ObjectMeta: image.ObjectMeta{Name: img.Name + "@a", Annotations: map[string]string{image.ManagedSignatureAnnotation: "true"}},
					Type:       "atomic", Content: []byte("x"),
				}}
				return img
			}(),
			want: result{MetadataID: full.DockerImageMetadata.ID, Size: full.DockerImageMetadata.Size, Layers: 2, Manifest: true, Config: true, LayerOrderOK: true},
		},
		{
			name: "no pull spec",
			in: func() *image.Image {
				img := bare()
				img.DockerImageReference = ""
				return img
			}(),
			wantErr: `Image.image.openshift.io "` + full.Name + `" is invalid: dockerImageReference: Required value`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			got, err := svc.Images().Create(ctx, tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, image.ErrInvalid) {
					t.Fatalf("error:\n got %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarize(got)); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
			stored, err := svc.Images().Get(ctx, tt.in.Name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, stored); diff != "" {
				t.Errorf("Get differs from Create (-create +get):\n%s", diff)
			}
			if _, err := svc.Images().Create(ctx, tt.in); !errors.Is(err, storage.ErrExists) {
				t.Errorf("second create: %v", err)
			}
		})
	}
}

// TestImagesUpdate: the content of an image cannot change (SEMANTICS
// §10.1); its labels, annotations, pull spec and signatures can.
func TestImagesUpdate(t *testing.T) {
	ctx := context.Background()
	orig := pushed(1)
	other := pushed(2)
	tests := []struct {
		name   string
		change func(img *image.Image)
		check  func(t *testing.T, got *image.Image)
		// reverted: the update changes nothing that is stored, so it is
		// not written and resourceVersion stays (as in OpenShift).
		reverted bool
	}{
		{
			name:     "metadata, layers and schema 1 signatures keep their values",
			reverted: true,
			change: func(img *image.Image) {
				img.DockerImageMetadata = other.DockerImageMetadata
				img.DockerImageLayers = other.DockerImageLayers
				img.DockerImageSignatures = [][]byte{[]byte("forged")}
			},
			check: func(t *testing.T, got *image.Image) {
				if diff := cmp.Diff(orig.DockerImageLayers, got.DockerImageLayers); diff != "" {
					t.Errorf("layers (-want +got):\n%s", diff)
				}
				if got.DockerImageMetadata.ID != orig.DockerImageMetadata.ID || got.DockerImageSignatures != nil {
					t.Errorf("metadata %s, signatures %q", got.DockerImageMetadata.ID, got.DockerImageSignatures)
				}
			},
		},
		{
			name:     "a manifest that does not hash to the name is reverted",
			change:   func(img *image.Image) { img.DockerImageManifest = other.DockerImageManifest },
			reverted: true,
			check: func(t *testing.T, got *image.Image) {
				if got.DockerImageManifest != orig.DockerImageManifest {
					t.Errorf("manifest replaced")
				}
			},
		},
		{
			name:     "a config that is not the manifest's is reverted",
			change:   func(img *image.Image) { img.DockerImageConfig = other.DockerImageConfig },
			reverted: true,
			check: func(t *testing.T, got *image.Image) {
				if got.DockerImageConfig != orig.DockerImageConfig {
					t.Errorf("config replaced")
				}
			},
		},
		{
			name:   "manifest and config may be emptied",
			change: func(img *image.Image) { img.DockerImageManifest, img.DockerImageConfig = "", "" },
			check: func(t *testing.T, got *image.Image) {
				if got.DockerImageManifest != "" || got.DockerImageConfig != "" {
					t.Errorf("manifest or config kept")
				}
			},
		},
		{
			name: "labels, annotations, pull spec change; managed-signature annotation removed",
			change: func(img *image.Image) {
				img.Labels = map[string]string{"a": "b"}
				img.Annotations = map[string]string{"k": "v"}
				img.DockerImageReference = "mirror.io/x/y@" + img.Name
			},
			check: func(t *testing.T, got *image.Image) {
				if got.Labels["a"] != "b" || got.Annotations["k"] != "v" || got.DockerImageReference != "mirror.io/x/y@"+orig.Name {
					t.Errorf("updated image = %+v", got.ObjectMeta)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			created, err := svc.Images().Create(ctx, orig)
			if err != nil {
				t.Fatal(err)
			}
			in := created.DeepCopy()
			tt.change(in)
			got, err := svc.Images().Update(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
			if got.UID != created.UID || (got.ResourceVersion == created.ResourceVersion) != tt.reverted {
				t.Errorf("uid %s -> %s, resourceVersion %s -> %s (reverted: %v)", created.UID, got.UID, created.ResourceVersion, got.ResourceVersion, tt.reverted)
			}
			if _, err := svc.Images().Update(ctx, in); tt.reverted != (err == nil) || (!tt.reverted && !errors.Is(err, storage.ErrConflict)) {
				t.Errorf("update again with resourceVersion %s: %v", in.ResourceVersion, err)
			}
			in.ResourceVersion = ""
			if _, err := svc.Images().Update(ctx, in); !errors.Is(err, image.ErrInvalid) {
				t.Errorf("update without resourceVersion: %v", err)
			}
		})
	}
}

func TestImagesListDeleteWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, _ := newService(t)
	events, err := svc.Images().Watch(ctx, imagestream.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 3 {
		img := &image.Image{ObjectMeta: image.ObjectMeta{Name: digest(3 - i)}, DockerImageReference: "quay.io/x/y@" + digest(3-i)}
		if _, err := svc.Images().Create(ctx, img); err != nil {
			t.Fatal(err)
		}
		names = append([]string{img.Name}, names...)
	}
	list, err := svc.Images().List(ctx, imagestream.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || list.Items[0].Name != names[0] || list.Continue == "" {
		t.Errorf("first page = %d items, continue %q", len(list.Items), list.Continue)
	}
	uid := list.Items[0].UID
	if err := svc.Images().Delete(ctx, names[0], imagestream.DeleteOptions{Preconditions: &imagestream.Preconditions{UID: "other"}}); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("delete with a wrong uid: %v", err)
	}
	if err := svc.Images().Delete(ctx, names[0], imagestream.DeleteOptions{Preconditions: &imagestream.Preconditions{UID: uid}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Images().Get(ctx, names[0]); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
	type seen struct {
		Type storage.EventType
		Name string
	}
	var got []seen
	for range 4 {
		ev := <-events
		got = append(got, seen{ev.Type, ev.Object.Name})
	}
	want := []seen{{storage.Added, digest(3)}, {storage.Added, digest(2)}, {storage.Added, digest(1)}, {storage.Deleted, digest(1)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

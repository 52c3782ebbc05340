package imagestream_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestImageTagGet checks the §12.2 view: stream metadata renamed, spec and
// status copies, image loaded with manifest/config cleared, image nil when
// the Image is gone, NotFound only when neither spec nor status exist.
func TestImageTagGet(t *testing.T) {
	ctx := context.Background()
	img := pushed(1)
	svc := pushedStream(t, []image.TagReference{{Name: "spec-only", Annotations: map[string]string{"k": "v"}}}, tagPush{"latest", img})
	is := getStream(t, svc, "ns", "app")
	meta := func(name string) image.ObjectMeta {
		m := *is.ObjectMeta.DeepCopy()
		m.Name = name
		return m
	}
	wantImg := viewImage(storedImage(t, svc, img.Name), is.Status.Tags[0].Items[0].DockerImageReference)

	tests := []struct {
		name    string
		itag    string
		want    *image.ImageTag
		wantErr string
	}{
		{name: "status only, image loaded", itag: "app:latest", want: &image.ImageTag{ObjectMeta: meta("app:latest"), Status: imagestream.StatusTag(is, "latest"), Image: &wantImg}},
		{name: "spec only", itag: "app:spec-only", want: &image.ImageTag{ObjectMeta: meta("app:spec-only"), Spec: imagestream.SpecTag(is, "spec-only")}},
		{name: "neither", itag: "app:none", wantErr: `imagetags.image.openshift.io "app:none" not found`},
		{name: "bad name", itag: "app", wantErr: "ImageTags must be retrieved with <name>:<tag>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.ImageTags("ns").Get(ctx, tt.itag)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ImageTag (-want +got):\n%s", diff)
			}
		})
	}

	if err := svc.Images().Delete(ctx, img.Name, imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.ImageTags("ns").Get(ctx, "app:latest")
	if err != nil {
		t.Fatalf("Get with missing image: %v, want no error", err)
	}
	if got.Image != nil {
		t.Errorf("image = %+v, want nil for a missing Image", got.Image)
	}
}

// TestImageTagList checks that List is the sorted union of spec and status
// tag names with no images (SEMANTICS §12.2).
func TestImageTagList(t *testing.T) {
	svc := pushedStream(t, []image.TagReference{{Name: "b"}}, tagPush{"c", pushed(1)}, tagPush{"a", pushed(2)})
	list, err := svc.ImageTags("ns").List(context.Background(), imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range list.Items {
		if it.Image != nil {
			t.Errorf("%s: image = %+v, want nil", it.Name, it.Image)
		}
		got = append(got, it.Name)
	}
	if diff := cmp.Diff([]string{"app:a", "app:b", "app:c"}, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

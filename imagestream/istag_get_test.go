package imagestream_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestImageStreamTagGetErrors checks the error messages of SEMANTICS §12.1.
func TestImageStreamTagGetErrors(t *testing.T) {
	ctx := context.Background()
	svc := pushedStream(t, []image.TagReference{{Name: "spec-only", From: dockerFrom("example.com/a:b")}})
	tests := []struct {
		name, istag, want string
	}{
		{name: "no colon", istag: "app", want: "ImageStreamTags must be retrieved with <name>:<tag>"},
		{name: "no stream", istag: "missing:latest", want: `imagestreams.image.openshift.io "missing" not found`},
		{name: "no history", istag: "app:latest", want: `imagestreamtags.image.openshift.io "app:latest" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.ImageStreamTags("ns").Get(ctx, tt.istag)
			if err == nil {
				t.Fatal("Get succeeded, want error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImageStreamTagGetRepresentation checks the §12.1 view: metadata from
// the event and stream, image with spec-tag annotations merged and
// manifest/config cleared.
func TestImageStreamTagGetRepresentation(t *testing.T) {
	img := pushed(1)
	svc := pushedStream(t, nil, tagPush{"latest", img})
	is := getStream(t, svc, "ns", "app")
	got, err := svc.ImageStreamTags("ns").Get(context.Background(), "app:latest")
	if err != nil {
		t.Fatal(err)
	}
	event := is.Status.Tags[0].Items[0]
	wantImg := viewImage(storedImage(t, svc, img.Name), event.DockerImageReference)
	want := &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{
			Name: "app:latest", Namespace: "ns", CreationTimestamp: event.Created,
			ResourceVersion: is.ResourceVersion, UID: is.UID, Labels: is.Labels,
		},
		Tag:          imagestream.SpecTag(is, "latest"),
		Generation:   event.Generation,
		LookupPolicy: is.Spec.LookupPolicy,
		Image:        wantImg,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ImageStreamTag (-want +got):\n%s", diff)
	}
}

// TestImageStreamTagList checks that List yields one item per status tag,
// sorted by stream then tag, with the image reduced to name and reference
// (SEMANTICS §12.1); spec-only tags are absent.
func TestImageStreamTagList(t *testing.T) {
	svc, _ := newService(t)
	createStream(t, svc, "ns", "b", image.TagReference{Name: "spec-only", From: dockerFrom("example.com/a:b")})
	createStream(t, svc, "ns", "a-b")
	for i, m := range []struct{ stream, tag string }{{"b", "v2"}, {"b", "v1"}, {"a-b", "x"}} {
		pushInto(t, svc, "ns", m.stream, m.tag, pushed(i))
	}
	list, err := svc.ImageStreamTags("ns").List(context.Background(), imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Image string }
	var got []row
	for _, it := range list.Items {
		reduced := image.Image{ObjectMeta: image.ObjectMeta{Name: it.Image.Name}, DockerImageReference: it.Image.DockerImageReference}
		if diff := cmp.Diff(reduced, it.Image); diff != "" || reduced.DockerImageReference == "" {
			t.Errorf("%s: image not reduced to name and reference (-want +got):\n%s", it.Name, diff)
		}
		got = append(got, row{it.Name, it.Image.Name})
	}
	want := []row{{"a-b:x", pushed(2).Name}, {"b:v1", pushed(1).Name}, {"b:v2", pushed(0).Name}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestImageStreamTagGetAnnotationsAndMissingImage checks two §12.1 rules:
// spec-tag annotations become the istag's annotations and are merged into
// the image's, and a deleted Image yields the Image's NotFound.
func TestImageStreamTagGetAnnotationsAndMissingImage(t *testing.T) {
	ctx := context.Background()
	img := pushed(1)
	svc := pushedStream(t, []image.TagReference{{Name: "latest", Annotations: map[string]string{"k": "v"}}}, tagPush{"latest", img})
	got, err := svc.ImageStreamTags("ns").Get(ctx, "app:latest")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"k": "v"}
	if diff := cmp.Diff(want, got.Annotations); diff != "" {
		t.Errorf("istag annotations (-want +got):\n%s", diff)
	}
	if got.Image.Annotations["k"] != "v" {
		t.Errorf("image annotations = %v, want k=v merged", got.Image.Annotations)
	}
	if err := svc.Images().Delete(ctx, img.Name, imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.ImageStreamTags("ns").Get(ctx, "app:latest")
	wantErr := `images.image.openshift.io "` + img.Name + `" not found`
	if err == nil || err.Error() != wantErr {
		t.Errorf("Get after image deletion: error %v, want %q", err, wantErr)
	}
}

// TestImageStreamTagGetLocalReference checks that the image reference obeys
// the tag's Local reference policy (SEMANTICS §12.1, §5.2).
func TestImageStreamTagGetLocalReference(t *testing.T) {
	img := pushed(1)
	svc := pushedStream(t, []image.TagReference{{Name: "latest", ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}}}, tagPush{"latest", img})
	got, err := svc.ImageStreamTags("ns").Get(context.Background(), "app:latest")
	if err != nil {
		t.Fatal(err)
	}
	want := registry + "/ns/app@" + img.Name
	if diff := cmp.Diff(want, got.Image.DockerImageReference); diff != "" {
		t.Errorf("dockerImageReference (-want +got):\n%s", diff)
	}
}

// TestImageStreamTagListSkipsTagsWithoutImage: SEMANTICS §12.1: List skips
// tags whose newest event has no image, since newISTag is NotFound for
// them, just as Get is.
func TestImageStreamTagListSkipsTagsWithoutImage(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	// A DockerImage tag with reference: true resolves at once into an
	// event without image (§4.4 step 3).
	refOnly := func(name string) image.TagReference {
		return image.TagReference{Name: name, Reference: true, From: dockerFrom("quay.io/acme/ref:1")}
	}
	createStream(t, svc, "ns", "app", refOnly("ref"))
	pushInto(t, svc, "ns", "app", "pushed", pushed(1))
	pushInto(t, svc, "ns", "app", "repointed", pushed(2))
	is := getStream(t, svc, "ns", "app")
	is.Spec.Tags = append(is.Spec.Tags, refOnly("repointed"))
	if _, err := svc.ImageStreams("ns").Update(ctx, is); err != nil {
		t.Fatal(err)
	}
	is = getStream(t, svc, "ns", "app")

	list, err := svc.ImageStreamTags("ns").List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, it := range list.Items {
		listed[it.Name] = true
	}
	tests := []struct {
		name    string
		tag     string
		history []string
		want    bool
	}{
		{name: "a pushed tag is listed", tag: "pushed", history: []string{pushed(1).Name}, want: true},
		{name: "a reference-only tag is not listed", tag: "ref", history: []string{""}, want: false},
		{name: "a tag whose newest event has no image is not listed", tag: "repointed", history: []string{"", pushed(2).Name}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.history, imagesOf(is, tt.tag)); diff != "" {
				t.Fatalf("setup: history of %s (-want +got):\n%s", tt.tag, diff)
			}
			name := "app:" + tt.tag
			if _, err := svc.ImageStreamTags("ns").Get(ctx, name); (err == nil) != tt.want {
				t.Fatalf("setup: Get(%s) error = %v, want gettable %v", name, err, tt.want)
			}
			if diff := cmp.Diff(tt.want, listed[name]); diff != "" {
				t.Errorf("%s listed (-want +got):\n%s", name, diff)
			}
		})
	}
}

package imagestream_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestImageStreamTagCreate checks the Create rules of SEMANTICS §12.1 and
// the create validation of §3.7.
func TestImageStreamTagCreate(t *testing.T) {
	img1 := pushed(1).Name
	withAnnotations := func(r image.TagReference, a map[string]string) *image.TagReference {
		r.Annotations = a
		return &r
	}
	tests := []tagWriteCase[image.ImageStreamTag]{
		{
			name: "§12.1 create: a tag tracking another resolves at once and the generation grows", stream: "app", tag: "tracking",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:tracking"}, Tag: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("tracking", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.1 create: the spec tag takes the tag part as its name", stream: "app", tag: "named",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:named"}, Tag: &image.TagReference{Name: "other", From: istFrom("latest")}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("named", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.1 create: an existing spec tag is AlreadyExists", stream: "app", tag: "pinned",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:pinned"}, Tag: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Err: "AlreadyExists", Message: `imagestreamtag.image.openshift.io "app:pinned" already exists`,
				Generation: 1, Spec: new(specRef("pinned", dockerFrom("example.com/a:b"), 1))},
		},
		{
			name: "§12.1 create: a status-only tag gets its spec tag", stream: "app", tag: "latest",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:latest"}, Tag: &image.TagReference{From: dockerFrom("example.com/a:c")}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("latest", dockerFrom("example.com/a:c"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.1 create: tag null on an existing stream changes nothing", stream: "app", tag: "other",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:other"}},
			want: tagWriteResult{Generation: 1},
		},
		{
			name: "§12.1 create: a missing stream is created through the public strategy", stream: "fresh", tag: "v1",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "fresh:v1"}, Tag: &image.TagReference{From: dockerFrom("example.com/x:1"), Reference: true}},
			want: tagWriteResult{Generation: 1, Spec: func() *image.TagReference {
				r := specRef("v1", dockerFrom("example.com/x:1"), 1)
				r.Reference = true
				return &r
			}(), History: []string{""}, Written: true},
		},
		{
			name: "QUIRK §14.16: create does not copy metadata annotations into the spec tag", stream: "app", tag: "annotated",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:annotated", Annotations: map[string]string{"k": "v"}}, Tag: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("annotated", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§3.7: tag annotations equal to the metadata's are kept", stream: "app", tag: "annotated",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:annotated", Annotations: map[string]string{"k": "v"}},
				Tag: &image.TagReference{From: istFrom("latest"), Annotations: map[string]string{"k": "v"}}},
			want: tagWriteResult{Generation: 2, Spec: withAnnotations(specRef("annotated", istFrom("latest"), 2), map[string]string{"k": "v"}), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§3.7: tag annotations differing from the metadata's are Invalid", stream: "app", tag: "annotated",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:annotated", Annotations: map[string]string{"k": "v"}},
				Tag: &image.TagReference{From: istFrom("latest"), Annotations: map[string]string{"k": "w"}}},
			want: tagWriteResult{Err: "Invalid tag.annotations:FieldValueInvalid", Generation: 1,
				Message: `ImageStreamTag.image.openshift.io "app:annotated" is invalid: tag.annotations: Invalid value: "<map>": tag annotations must not be provided or must be equal to the object meta annotations`},
		},
		{
			name: "§3.7: the tag is validated as a spec tag", stream: "app", tag: "bad",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:bad"}, Tag: &image.TagReference{From: &image.ObjectReference{Kind: "Pod", Name: "x"}}},
			want: tagWriteResult{Err: "Invalid tag.from.kind:FieldValueRequired", Generation: 1,
				Message: `ImageStreamTag.image.openshift.io "app:bad" is invalid: tag.from.kind: Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'`},
		},
		{
			name: "§4.4 via §12.1: an ImageStreamImage tag of an unknown image is Invalid", stream: "app", tag: "pin",
			req: image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:pin"}, Tag: &image.TagReference{From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "app@" + digest(9)}}},
			want: tagWriteResult{Err: "Invalid :InternalError", Generation: 1,
				Message: `ImageStream.image.openshift.io "app" is invalid: : Internal error: imagestreams.image.openshift.io "app" is invalid: spec.tags[pin].from.name: Invalid value: "app@` + digest(9) + `": error generating tag event: imagestreamimage.image.openshift.io "` + digest(9) + `" not found`},
		},
		{
			name: "§12.1: a name without a colon is BadRequest", stream: "app", tag: "x",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app"}, Tag: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Err: "BadRequest", Message: "ImageStreamTags must be retrieved with <name>:<tag>", Generation: 1},
		},
		{
			name: "§12.1: another namespace than the client's is BadRequest", stream: "app", tag: "x",
			req:  image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:x", Namespace: "other"}, Tag: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Err: "BadRequest", Message: "the namespace of the provided object does not match the namespace sent on the request", Generation: 1},
		},
	}
	runTagWrites(t, tests, func(t *testing.T, svc *imagestream.Service, in image.ImageStreamTag) (string, error) {
		got, err := svc.ImageStreamTags("ns").Create(context.Background(), &in)
		if err != nil {
			return "", err
		}
		if got.Name != in.Name || got.Namespace != "ns" {
			t.Errorf("view named %s/%s, want ns/%s", got.Namespace, got.Name, in.Name)
		}
		return got.Image.Name, nil
	})
}

// TestImageStreamTagUpdate checks the Update rules of SEMANTICS §12.1 and
// the update validation of §3.7. Each request starts from a Get of
// app:latest (status only) or from a hand-built view.
func TestImageStreamTagUpdate(t *testing.T) {
	img1 := pushed(1).Name
	get := func(svc *imagestream.Service, name string) (*image.ImageStreamTag, error) {
		return svc.ImageStreamTags("ns").Get(context.Background(), name)
	}
	latest := func(edit func(*image.ImageStreamTag)) func(*testing.T, *imagestream.Service) *image.ImageStreamTag {
		return editedView(get, "app:latest", edit)
	}
	built := builtView[image.ImageStreamTag]
	refTag := &image.TagReference{From: dockerFrom("example.com/a:c"), Reference: true}
	refSpec := func(name string, gen int64, annotations map[string]string) *image.TagReference {
		r := specRef(name, dockerFrom("example.com/a:c"), gen)
		r.Reference, r.Annotations = true, annotations
		return &r
	}
	tests := []tagWriteCase[func(*testing.T, *imagestream.Service) *image.ImageStreamTag]{
		{
			name: "§12.1 update: a tag without a spec tag cannot be updated unless tag is set", stream: "app", tag: "latest",
			req: latest(func(*image.ImageStreamTag) {}),
			want: tagWriteResult{Err: "BadRequest", Message: "imagestreamtag latest is not a spec tag in imagestream ns/app, cannot be updated",
				Generation: 1, History: []string{img1}},
		},
		{
			name: "§12.1 update: setting tag adds the spec tag, with the metadata annotations", stream: "app", tag: "latest",
			req: latest(func(ist *image.ImageStreamTag) {
				ist.Tag, ist.Annotations = refTag, map[string]string{"k": "v"}
			}),
			want: tagWriteResult{Generation: 2, Spec: refSpec("latest", 2, map[string]string{"k": "v"}), History: []string{"", img1}, Written: true, ViewImage: ""},
		},
		{
			name: "§12.1 update: an empty resourceVersion is a blind write", stream: "app", tag: "latest",
			req:  latest(func(ist *image.ImageStreamTag) { ist.Tag, ist.ResourceVersion = refTag, "" }),
			want: tagWriteResult{Generation: 2, Spec: refSpec("latest", 2, nil), History: []string{"", img1}, Written: true},
		},
		{
			// rest.BeforeUpdate sets metadata.generation to the old view's
			// before validation, so a client's value is not a change.
			name: "§12.1 update: the request's metadata.generation is replaced by the view's", stream: "app", tag: "latest",
			req:  latest(func(ist *image.ImageStreamTag) { ist.Tag, ist.ObjectMeta.Generation = refTag, 3 }),
			want: tagWriteResult{Generation: 2, Spec: refSpec("latest", 2, nil), History: []string{"", img1}, Written: true},
		},
		{
			name: "§12.1 update: a stale resourceVersion is a Conflict", stream: "app", tag: "latest",
			req: latest(func(ist *image.ImageStreamTag) { ist.Tag, ist.ResourceVersion = refTag, "1" }),
			want: tagWriteResult{Err: "Conflict", Generation: 1, History: []string{img1},
				Message: `Operation cannot be fulfilled on imagestreamtags.image.openshift.io "app:latest": another caller has updated the resource version to <stream rv>`},
		},
		{
			name: "§3.7 update: fields other than annotations and tag may not change", stream: "app", tag: "latest",
			req: latest(func(ist *image.ImageStreamTag) { ist.Tag, ist.Labels = refTag, map[string]string{"x": "y"} }),
			want: tagWriteResult{Err: "Invalid metadata:FieldValueInvalid", Generation: 1, History: []string{img1},
				Message: `ImageStreamTag.image.openshift.io "app:latest" is invalid: metadata: Invalid value: "": may not update fields other than metadata.annotations`},
		},
		{
			name: "§12.1 update: annotations of an existing spec tag are the editable surface; the tag's generation stays", stream: "app", tag: "pinned",
			req: built(image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:pinned", Annotations: map[string]string{"k": "v"}}}),
			want: tagWriteResult{Generation: 2, Written: true, Spec: func() *image.TagReference {
				r := specRef("pinned", dockerFrom("example.com/a:b"), 1)
				r.Annotations = map[string]string{"k": "v"}
				return &r
			}()},
		},
		{
			name: "§12.1 update: a missing stream with a resourceVersion is NotFound", stream: "app", tag: "v1",
			req:  built(image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "none:v1", ResourceVersion: "5"}, Tag: refTag}),
			want: tagWriteResult{Err: "NotFound", Message: `imagestreamtags.image.openshift.io "none:v1" not found`, Generation: 1},
		},
		{
			name: "§12.1 update: a blind update of a missing stream creates it", stream: "none", tag: "v1",
			req:  built(image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "none:v1"}, Tag: refTag}),
			want: tagWriteResult{Generation: 1, Spec: refSpec("v1", 1, nil), History: []string{""}, Written: true},
		},
		{
			name: "§12.1: a name without a colon is BadRequest", stream: "app", tag: "x",
			req:  built(image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app"}, Tag: refTag}),
			want: tagWriteResult{Err: "BadRequest", Message: "ImageStreamTags must be retrieved with <name>:<tag>", Generation: 1},
		},
	}
	runTagWrites(t, tests, func(t *testing.T, svc *imagestream.Service, req func(*testing.T, *imagestream.Service) *image.ImageStreamTag) (string, error) {
		got, err := svc.ImageStreamTags("ns").Update(context.Background(), req(t, svc))
		if err != nil {
			return "", err
		}
		return got.Image.Name, nil
	})
}

// TestImageStreamTagWriteViewOfTagWithoutImage: SEMANTICS §12.1: Create
// and Update return newISTag(allowEmpty=true), which shows the empty event
// {created: stream.creationTimestamp} when the newest event is nil or has
// no image: generation 0, the stream's creation time and an empty image,
// not the reference-only event's generation, time and pull spec.
func TestImageStreamTagWriteViewOfTagWithoutImage(t *testing.T) {
	ctx := context.Background()
	refOnly := &image.TagReference{From: dockerFrom("quay.io/acme/ref:1"), Reference: true}
	type view struct {
		Generation int64
		Created    image.Time
		Image      image.Image
	}
	tests := []struct {
		name    string
		tag     string
		write   func(*imagestream.ImageStreamTags) (*image.ImageStreamTag, error)
		history []string
	}{
		{
			name: "create of a reference-only tag", tag: "ref",
			write: func(c *imagestream.ImageStreamTags) (*image.ImageStreamTag, error) {
				return c.Create(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:ref"}, Tag: refOnly})
			},
			history: []string{""},
		},
		{
			name: "update adding a reference-only tag", tag: "ref",
			write: func(c *imagestream.ImageStreamTags) (*image.ImageStreamTag, error) {
				return c.Update(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:ref"}, Tag: refOnly})
			},
			history: []string{""},
		},
		{
			name: "update making a pushed tag reference-only", tag: "latest",
			write: func(c *imagestream.ImageStreamTags) (*image.ImageStreamTag, error) {
				return c.Update(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "app:latest"}, Tag: refOnly})
			},
			history: []string{"", pushed(1).Name},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, clk := newService(t)
			is := createStream(t, svc, "ns", "app")
			pushInto(t, svc, "ns", "app", "latest", pushed(1))
			clk.add(time.Hour) // the reference-only event is newer than the stream
			got, err := tt.write(svc.ImageStreamTags("ns"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.history, imagesOf(getStream(t, svc, "ns", "app"), tt.tag)); diff != "" {
				t.Fatalf("setup: history of %s (-want +got):\n%s", tt.tag, diff)
			}
			want := view{Created: is.CreationTimestamp}
			if diff := cmp.Diff(want, view{got.Generation, got.CreationTimestamp, got.Image}); diff != "" {
				t.Errorf("view (-want +got):\n%s", diff)
			}
		})
	}
}

package imagestream_test

import (
	"context"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// viewImageName is the name of an ImageTag's image, "" for none.
func viewImageName(it *image.ImageTag) string {
	if it == nil || it.Image == nil {
		return ""
	}
	return it.Image.Name
}

// TestImageTagCreate checks the Create rules of SEMANTICS §12.2 and the
// create validation of §3.8.
func TestImageTagCreate(t *testing.T) {
	img1 := pushed(1).Name
	tests := []tagWriteCase[image.ImageTag]{
		{
			name: "§12.2 create: spec.name defaults to the tag part and the tag resolves at once", stream: "app", tag: "tracking",
			req:  image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:tracking"}, Spec: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("tracking", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.2 create: the status sent is ignored", stream: "app", tag: "tracking",
			req: image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:tracking"}, Spec: &image.TagReference{Name: "tracking", From: istFrom("latest")},
				Status: &image.NamedTagEventList{Tag: "tracking", Items: []image.TagEvent{{Image: digest(7), DockerImageReference: "example.com/x@" + digest(7)}}}},
			want: tagWriteResult{Generation: 2, Spec: new(specRef("tracking", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§3.8: the spec is required on create", stream: "app", tag: "x",
			req: image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:x"}},
			want: tagWriteResult{Err: "Invalid spec:FieldValueRequired", Generation: 1,
				Message: `ImageTag.image.openshift.io "app:x" is invalid: spec: Required value: spec is a required field during creation`},
		},
		{
			name: "§3.8: spec.name must be the tag part", stream: "app", tag: "x",
			req: image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:x"}, Spec: &image.TagReference{Name: "y", From: istFrom("latest")}},
			want: tagWriteResult{Err: "Invalid spec.name:FieldValueInvalid", Generation: 1,
				Message: `ImageTag.image.openshift.io "app:x" is invalid: spec.name: Invalid value: "y": must match image tag name`},
		},
		{
			name: "§12.2 create: an existing spec tag is AlreadyExists", stream: "app", tag: "pinned",
			req: image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:pinned"}, Spec: &image.TagReference{From: istFrom("latest")}},
			want: tagWriteResult{Err: "AlreadyExists", Message: `imagetags.image.openshift.io "app:pinned" already exists`,
				Generation: 1, Spec: new(specRef("pinned", dockerFrom("example.com/a:b"), 1))},
		},
		{
			name: "§12.2 create: a missing stream is created", stream: "fresh", tag: "v1",
			req:  image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "fresh:v1"}, Spec: &image.TagReference{From: dockerFrom("example.com/x:1")}},
			want: tagWriteResult{Generation: 1, Spec: new(specRef("v1", dockerFrom("example.com/x:1"), 1)), Written: true},
		},
		{
			name: "§3.8: a name without a colon has no tag part for spec.name to match", stream: "app", tag: "x",
			req: image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: &image.TagReference{Name: "app", From: istFrom("latest")}},
			want: tagWriteResult{Err: "Invalid spec.name:FieldValueInvalid", Generation: 1,
				Message: `ImageTag.image.openshift.io "app" is invalid: spec.name: Invalid value: "app": must match image tag name`},
		},
	}
	runTagWrites(t, tests, func(_ *testing.T, svc *imagestream.Service, in image.ImageTag) (string, error) {
		got, err := svc.ImageTags("ns").Create(context.Background(), &in)
		return viewImageName(got), err
	})
}

// TestImageTagUpdate checks the Update rules of SEMANTICS §12.2 and the
// update validation of §3.8. Requests start from a Get of the tag.
func TestImageTagUpdate(t *testing.T) {
	img1 := pushed(1).Name
	get := func(svc *imagestream.Service, name string) (*image.ImageTag, error) {
		return svc.ImageTags("ns").Get(context.Background(), name)
	}
	fromGet := func(name string, edit func(*image.ImageTag)) func(*testing.T, *imagestream.Service) *image.ImageTag {
		return editedView(get, name, edit)
	}
	built := builtView[image.ImageTag]
	tests := []tagWriteCase[func(*testing.T, *imagestream.Service) *image.ImageTag]{
		{
			name: "§12.2 update: a changed spec is resolved and the generation grows", stream: "app", tag: "pinned",
			req:  fromGet("app:pinned", func(it *image.ImageTag) { it.Spec.From = istFrom("latest") }),
			want: tagWriteResult{Generation: 2, Spec: new(specRef("pinned", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.2 update: a status-only tag gets a spec tag", stream: "app", tag: "latest",
			req: fromGet("app:latest", func(it *image.ImageTag) {
				it.Spec = &image.TagReference{Name: "latest", From: dockerFrom("example.com/a:c")}
			}),
			want: tagWriteResult{Generation: 2, Spec: new(specRef("latest", dockerFrom("example.com/a:c"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "QUIRK §14.16: a nil spec deletes the spec tag and keeps the status", stream: "app", tag: "pinned",
			req:  fromGet("app:pinned", func(it *image.ImageTag) { it.Spec = nil }),
			want: tagWriteResult{Generation: 2, Written: true},
		},
		{
			name: "§12.2 update: an empty resourceVersion is a blind write", stream: "app", tag: "pinned",
			req:  fromGet("app:pinned", func(it *image.ImageTag) { it.Spec.From, it.ResourceVersion = istFrom("latest"), "" }),
			want: tagWriteResult{Generation: 2, Spec: new(specRef("pinned", istFrom("latest"), 2)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			// rest.BeforeUpdate sets metadata.generation to the stream's
			// before validation, so a view read before another writer
			// bumped it is not a change of metadata.
			name: "§12.2 update: a blind write of a view older than the stream's generation", stream: "app", tag: "pinned",
			req: func(t *testing.T, svc *imagestream.Service) *image.ImageTag {
				stale, err := get(svc, "app:pinned")
				if err != nil {
					t.Fatal(err)
				}
				other := &image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "app:other"}, Spec: &image.TagReference{From: dockerFrom("example.com/a:z")}}
				if _, err := svc.ImageTags("ns").Create(context.Background(), other); err != nil {
					t.Fatal(err)
				}
				stale.Spec.From, stale.ResourceVersion = istFrom("latest"), ""
				return stale
			},
			want: tagWriteResult{Generation: 3, Spec: new(specRef("pinned", istFrom("latest"), 3)), History: []string{img1}, Written: true, ViewImage: img1},
		},
		{
			name: "§12.2 update: a stale resourceVersion is a Conflict", stream: "app", tag: "pinned",
			req: fromGet("app:pinned", func(it *image.ImageTag) { it.Spec.From, it.ResourceVersion = istFrom("latest"), "1" }),
			want: tagWriteResult{Err: "Conflict", Generation: 1, Spec: new(specRef("pinned", dockerFrom("example.com/a:b"), 1)),
				Message: `Operation cannot be fulfilled on imagetags.image.openshift.io "app:pinned": another caller has updated the resource version to <stream rv>`},
		},
		{
			name: "§3.8 update: metadata may not change", stream: "app", tag: "latest",
			req: fromGet("app:latest", func(it *image.ImageTag) { it.Labels = map[string]string{"x": "y"} }),
			want: tagWriteResult{Err: "Invalid metadata:FieldValueInvalid", Generation: 1, History: []string{img1},
				Message: `ImageTag.image.openshift.io "app:latest" is invalid: metadata: Invalid value: "": may not update fields other than spec`},
		},
		{
			name: "§3.8 update: status may not change", stream: "app", tag: "latest",
			req: fromGet("app:latest", func(it *image.ImageTag) { it.Status.Items = nil }),
			want: tagWriteResult{Err: "Invalid status:FieldValueInvalid", Generation: 1, History: []string{img1},
				Message: `ImageTag.image.openshift.io "app:latest" is invalid: status: Invalid value: "": may not update fields other than spec`},
		},
		{
			name: "§12.2 update: a missing stream with a resourceVersion is NotFound", stream: "app", tag: "v1",
			req:  built(image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "none:v1", ResourceVersion: "5"}, Spec: &image.TagReference{Name: "v1"}}),
			want: tagWriteResult{Err: "NotFound", Message: `imagetags.image.openshift.io "none:v1" not found`, Generation: 1},
		},
		{
			name: "§12.2 update: a blind update of a missing stream creates it", stream: "none", tag: "v1",
			req:  built(image.ImageTag{ObjectMeta: image.ObjectMeta{Name: "none:v1"}, Spec: &image.TagReference{From: dockerFrom("example.com/x:1")}}),
			want: tagWriteResult{Generation: 1, Spec: new(specRef("v1", dockerFrom("example.com/x:1"), 1)), Written: true},
		},
	}
	runTagWrites(t, tests, func(t *testing.T, svc *imagestream.Service, req func(*testing.T, *imagestream.Service) *image.ImageTag) (string, error) {
		got, err := svc.ImageTags("ns").Update(context.Background(), req(t, svc))
		return viewImageName(got), err
	})
}

// TestImageTagDelete checks that an ImageTag delete is the ImageStreamTag
// delete with its own resource name (SEMANTICS §12.2, §12.1).
func TestImageTagDelete(t *testing.T) {
	tests := []tagWriteCase[string]{
		{name: "§12.2 delete: removes the status tag; no spec change, same generation", stream: "app", req: "app:latest", tag: "latest", want: tagWriteResult{Generation: 1, Written: true}},
		{name: "§12.2 delete: removing a spec tag is a spec change", stream: "app", req: "app:pinned", tag: "pinned", want: tagWriteResult{Generation: 2, Written: true}},
		{name: "§12.2 delete: a tag in neither is NotFound", stream: "app", req: "app:none", tag: "none",
			want: tagWriteResult{Err: "NotFound", Message: `imagetags.image.openshift.io "app:none" not found`, Generation: 1}},
		{name: "§12.2: a name without a colon is BadRequest", stream: "app", req: "app", tag: "x",
			want: tagWriteResult{Err: "BadRequest", Message: "ImageTags must be retrieved with <name>:<tag>", Generation: 1}},
	}
	runTagWrites(t, tests, func(_ *testing.T, svc *imagestream.Service, name string) (string, error) {
		return "", svc.ImageTags("ns").Delete(context.Background(), name, imagestream.DeleteOptions{})
	})
}

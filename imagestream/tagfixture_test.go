package imagestream_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

// The tests of the views over streams (ImageStreamTags, ImageTags,
// ImageStreamImages, ImageStreamLayers) share one setup: a Service, a
// stream "ns/app" with some spec tags, and images pushed into it. These
// helpers are that setup.

// pushInto pushes img into ns/stream:tag as the integrated registry does.
func pushInto(t testing.TB, svc *imagestream.Service, ns, stream, tag string, img *image.Image) {
	t.Helper()
	if _, err := svc.ImageStreamMappings(ns).Create(context.Background(), imagetest.Mapping(ns, stream, tag, img)); err != nil {
		t.Fatal(err)
	}
}

// pushedStream returns a fresh Service whose stream ns/app has the spec
// tags given and, for each image of pushes, one push into its tag, in
// order.
func pushedStream(t testing.TB, specTags []image.TagReference, pushes ...tagPush) *imagestream.Service {
	t.Helper()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app", specTags...)
	for _, p := range pushes {
		pushInto(t, svc, "ns", "app", p.tag, p.img)
	}
	return svc
}

// tagPush is one push of pushedStream.
type tagPush struct {
	tag string
	img *image.Image
}

// storedImage returns the Image called name as the store has it.
func storedImage(t testing.TB, svc *imagestream.Service, name string) *image.Image {
	t.Helper()
	img, err := svc.Images().Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// viewImage is a stored Image as the views show it: no manifest and no
// config, with the given pull spec.
func viewImage(stored *image.Image, pullSpec string) image.Image {
	img := *stored.DeepCopy()
	img.DockerImageManifest, img.DockerImageConfig = "", ""
	img.DockerImageReference = pullSpec
	return img
}

// outcome summarizes err for table comparisons: "" for nil, else its
// StatusError reason followed by the field and type of every field
// error, e.g. "Invalid spec.name:FieldValueInvalid". A reason whose
// sentinel errors.Is does not match is marked "(no sentinel)".
func outcome(err error) string {
	if err == nil {
		return ""
	}
	reason := imagestream.Reason(err)
	parts := []string{string(reason)}
	sentinels := map[image.StatusReason]error{
		image.StatusReasonNotFound: storage.ErrNotFound, image.StatusReasonAlreadyExists: storage.ErrExists,
		image.StatusReasonConflict: storage.ErrConflict, image.StatusReasonInvalid: image.ErrInvalid,
	}
	if sentinel, ok := sentinels[reason]; ok && !errors.Is(err, sentinel) {
		parts = append(parts, "(no sentinel)")
	}
	if inv, ok := errors.AsType[*image.InvalidError](err); ok {
		for _, fe := range inv.Errs {
			parts = append(parts, fe.Field+":"+string(fe.Type))
		}
	}
	return strings.Join(parts, " ")
}

// tagWriteResult is what a tag-view write left behind, for table
// comparisons: the error's outcome and message, the stream's generation,
// the spec tag and history of the tag written, whether the stream was
// written, and the image of the view returned.
type tagWriteResult struct {
	Err        string
	Message    string
	Generation int64
	Spec       *image.TagReference
	History    []string
	Written    bool
	ViewImage  string
}

// tagWriteSetup is the stream every write test starts from (generation
// 1): spec tag "pinned" imports example.com/a:b, and pushed(1) was
// pushed to "latest" (status only).
func tagWriteSetup(t *testing.T) (*imagestream.Service, *image.ImageStream) {
	t.Helper()
	svc := pushedStream(t, []image.TagReference{specRef("pinned", dockerFrom("example.com/a:b"), 0)}, tagPush{"latest", pushed(1)})
	return svc, getStream(t, svc, "ns", "app")
}

// tagWriteCase is a row of the tag-view write tables: a request of type
// R, the stream and tag observed afterwards, and what they should show.
type tagWriteCase[R any] struct {
	name   string
	stream string
	tag    string
	req    R
	want   tagWriteResult
}

// runTagWrites runs each case on a fresh tagWriteSetup: write sends the
// request and returns the name of the returned view's image.
func runTagWrites[R any](t *testing.T, cases []tagWriteCase[R], write func(*testing.T, *imagestream.Service, R) (string, error)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			svc, before := tagWriteSetup(t)
			viewImg, err := write(t, svc, tt.req)
			if diff := cmp.Diff(tt.want, observe(t, svc, before, tt.stream, tt.tag, viewImg, err)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// editedView is a request builder for runTagWrites: the view name as get
// reads it from the service, changed by edit.
func editedView[V any](get func(*imagestream.Service, string) (*V, error), name string, edit func(*V)) func(*testing.T, *imagestream.Service) *V {
	return func(t *testing.T, svc *imagestream.Service) *V {
		v, err := get(svc, name)
		if err != nil {
			t.Fatal(err)
		}
		edit(v)
		return v
	}
}

// builtView is a request builder for runTagWrites that sends v as is.
func builtView[V any](v V) func(*testing.T, *imagestream.Service) *V {
	return func(*testing.T, *imagestream.Service) *V { return &v }
}

// observe fills a tagWriteResult after a write of stream:tag that
// returned err and a view whose image is viewImage.
func observe(t *testing.T, svc *imagestream.Service, before *image.ImageStream, stream, tag, viewImage string, err error) tagWriteResult {
	t.Helper()
	r := tagWriteResult{Err: outcome(err), ViewImage: viewImage}
	if err != nil {
		// The stream's resourceVersion depends on the store; name it.
		r.Message = strings.ReplaceAll(err.Error(), "resource version to "+before.ResourceVersion, "resource version to <stream rv>")
	}
	is, gerr := svc.ImageStreams("ns").Get(context.Background(), stream)
	if gerr != nil {
		return r
	}
	r.Generation = is.Generation
	r.Spec = imagestream.SpecTag(is, tag)
	r.History = imagesOf(is, tag)
	r.Written = stream != before.Name || is.ResourceVersion != before.ResourceVersion
	return r
}

func dockerFrom(name string) *image.ObjectReference {
	return &image.ObjectReference{Kind: image.KindDockerImage, Name: name}
}

func istFrom(name string) *image.ObjectReference {
	return &image.ObjectReference{Kind: image.KindImageStreamTag, Name: name}
}

// specRef is a spec tag as stored: defaulted, with generation gen (0 for
// none, as sent by a client).
func specRef(name string, from *image.ObjectReference, gen int64) image.TagReference {
	t := image.TagReference{
		Name: name, From: from,
		ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
		ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
	}
	if gen != 0 {
		t.Generation = &gen
	}
	return t
}

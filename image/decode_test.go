package image_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/imagestreams/imagestreams/image"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// TestDecodeOpenShiftOutput checks wire compatibility with objects as
// `oc get -o json` prints them: every fixture decodes with unknown fields
// disallowed, and our encoding carries exactly the same JSON (same keys,
// same nulls, same empty objects).
func TestDecodeOpenShiftOutput(t *testing.T) {
	files, err := filepath.Glob("testdata/oc-*.json")
	if err != nil || len(files) < 14 {
		t.Fatalf("fixtures: %v, %d files", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			obj, err := image.Decode(in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got, want := reflect.TypeOf(obj).Elem().Name(), obj.GetTypeMeta().Kind; got != want {
				t.Errorf("Decode returned %s for kind %s", got, want)
			}
			out, err := image.Encode(obj)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if diff := cmp.Diff(generic(t, in), generic(t, out)); diff != "" {
				t.Errorf("encoding differs from OpenShift's (-oc +ours):\n%s", diff)
			}
			// YAML carries the same object.
			y, err := image.EncodeYAML(obj)
			if err != nil {
				t.Fatalf("EncodeYAML: %v", err)
			}
			back, err := image.Decode(y)
			if err != nil {
				t.Fatalf("Decode(YAML): %v\n%s", err, y)
			}
			if diff := cmp.Diff(obj, back); diff != "" {
				t.Errorf("YAML round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeDocumentationExamples decodes the ImageStream and
// ImageStreamMapping examples of the "Managing image streams" chapter,
// which use the older group-less apiVersion "v1", and pins our encoding of
// them in golden files.
func TestDecodeDocumentationExamples(t *testing.T) {
	tests := []struct {
		file string
		kind string
	}{
		{"docs-imagestream.yaml", "ImageStream"},
		{"docs-imagestreammapping.yaml", "ImageStreamMapping"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := image.Decode(in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := reflect.TypeOf(obj).Elem().Name(); got != tt.kind {
				t.Fatalf("Decode returned %s, want %s", got, tt.kind)
			}
			out, err := image.Encode(obj)
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, out, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", strings.TrimSuffix(tt.file, ".yaml")+".golden.json")
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), pretty.String()); diff != "" {
				t.Errorf("golden %s (-want +got):\n%s", golden, diff)
			}
			back, err := image.Decode(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(obj, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeDocumentationValues(t *testing.T) {
	in, err := os.ReadFile("testdata/docs-imagestream.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var is image.ImageStream
	if err := image.DecodeInto(in, &is); err != nil {
		t.Fatal(err)
	}
	want := []image.TagEvent{
		{
			Created:              image.Date(2017, time.September, 2, 10, 15, 9),
			DockerImageReference: "172.30.56.218:5000/test/origin-ruby-sample@sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d",
			Image:                "sha256:909de62d1f609a717ec433cc25ca5cf00941545c83a01fb31527771e1fab3fc5",
			Generation:           2,
		},
		{
			Created:              image.Date(2017, time.September, 29, 13, 40, 11),
			DockerImageReference: "172.30.56.218:5000/test/origin-ruby-sample@sha256:909de62d1f609a717ec433cc25ca5cf00941545c83a01fb31527771e1fab3fc5",
			Image:                "sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d",
			Generation:           1,
		},
	}
	if len(is.Status.Tags) != 1 || is.Status.Tags[0].Tag != "latest" {
		t.Fatalf("status tags = %+v", is.Status.Tags)
	}
	if diff := cmp.Diff(want, is.Status.Tags[0].Items); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if is.SelfLink != "/oapi/v1/namespaces/test/imagestreams/origin-ruby-sample" {
		t.Errorf("selflink = %q", is.SelfLink)
	}

	in, err = os.ReadFile("testdata/docs-imagestreammapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ism image.ImageStreamMapping
	if err := image.DecodeInto(in, &ism); err != nil {
		t.Fatal(err)
	}
	md := ism.Image.DockerImageMetadata
	if md.Config == nil || md.Config.Labels["build-date"] != "2015-12-23" || md.Config.User != "1001" || md.Size != 441976279 || md.APIVersion != "1.0" {
		t.Errorf("metadata not decoded as typed fields: %+v", md)
	}
	if _, ok := md.Config.ExposedPorts["8080/tcp"]; !ok || len(ism.Image.DockerImageLayers) != 7 || ism.Image.DockerImageLayers[1].LayerSize != 196634330 {
		t.Errorf("ports/layers: %+v %+v", md.Config.ExposedPorts, ism.Image.DockerImageLayers)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantKind  string
		wantField string
		wantIs    error
	}{
		{"unknown kind", `{"kind":"Pod","apiVersion":"v1"}`, "Pod", "", image.ErrUnknownKind},
		{"wrong group", `{"kind":"ImageStream","apiVersion":"apps/v1"}`, "ImageStream", "", image.ErrUnknownKind},
		{"no kind", `{"apiVersion":"image.openshift.io/v1"}`, "", "", image.ErrUnknownKind},
		{"unknown nested field", `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[{"name":"a"},{"name":"b","importPolicy":{"bogus":true}}]}}`, "ImageStream", "spec.tags[1].importPolicy.bogus", nil},
		{"unknown top-level field", "kind: Image\napiVersion: image.openshift.io/v1\ndockerImageLayer: []\n", "Image", "dockerImageLayer", nil},
		{"unknown field in map value", `{"kind":"ImageStreamLayers","apiVersion":"image.openshift.io/v1","blobs":{"sha256:a":{"size":1,"extra":2}}}`, "ImageStreamLayers", "blobs[sha256:a].extra", nil},
		{"wrong type", `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"generation":"one"}}`, "ImageStream", "metadata.generation", nil},
		// A value of the wrong type is named as an unknown field is, with
		// list indexes and map keys; encoding/json gives neither.
		{"wrong type in a list", `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[{"name":"a"},{"name":"b","importPolicy":{"insecure":"yes"}}]}}`, "ImageStream", "spec.tags[1].importPolicy.insecure", nil},
		{"wrong type in a map and a list", `{"kind":"ImageStreamLayers","apiVersion":"image.openshift.io/v1","images":{"x":{"layers":[1]}}}`, "ImageStreamLayers", "images[x].layers[0]", nil},
		{"first wrong type in document order", `{"kind":"ImageStreamLayers","apiVersion":"image.openshift.io/v1","images":{"b":{"layers":[1]},"a":{"layers":["ok",2]}}}`, "ImageStreamLayers", "images[b].layers[0]", nil},
		{"wrong type in a map value", `{"kind":"Image","apiVersion":"image.openshift.io/v1","metadata":{"annotations":{"a":"1","b":2}}}`, "Image", "metadata.annotations[b]", nil},
		{"fraction for an integer", `{"kind":"Image","apiVersion":"image.openshift.io/v1","dockerImageLayers":[{"size":1},{"size":1.5}]}`, "Image", "dockerImageLayers[1].size", nil},
		{"object for a string", `{"kind":"Image","apiVersion":"image.openshift.io/v1","dockerImageReference":{}}`, "Image", "dockerImageReference", nil},
		{"wrong type in an inline struct", `{"kind":"Image","apiVersion":"image.openshift.io/v1","signatures":[{"type":"t","content":null,"issuedBy":{"organization":7}}]}`, "Image", "signatures[0].issuedBy.organization", nil},
		{"a misfit time ends decoding, so wins over an earlier misfit", `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[{"name":"a","importPolicy":{"insecure":"yes"}}]},"status":{"dockerImageRepository":"","tags":[{"tag":"a","items":[{"created":5,"dockerImageReference":"","image":"","generation":1}]}]}}`, "ImageStream", "status.tags[0].items[0].created", nil},
		{"number for a time", `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","status":{"dockerImageRepository":"","tags":[{"tag":"a","items":[{"created":null,"dockerImageReference":"","image":"","generation":1},{"created":5,"dockerImageReference":"","image":"","generation":1}]}]}}`, "ImageStream", "status.tags[0].items[1].created", nil},
		{"bad time", `{"kind":"Image","apiVersion":"image.openshift.io/v1","metadata":{"creationTimestamp":"yesterday"}}`, "Image", "", nil},
		// A List's errors are the List's, at the item's path.
		{"unknown field in a List item", `{"apiVersion":"v1","kind":"List","items":[{"kind":"ImageStream","apiVersion":"image.openshift.io/v1"},{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[{"name":"a","bogus":1}]}}]}`, "List", "items[1].spec.tags[0].bogus", nil},
		{"wrong type in a List item", "apiVersion: v1\nkind: List\nitems:\n- kind: Image\n  apiVersion: image.openshift.io/v1\n  metadata:\n    generation: one\n", "List", "items[0].metadata.generation", nil},
		{"List item of an unknown kind", `{"apiVersion":"v1","kind":"List","items":[{"kind":"ImageStream","apiVersion":"image.openshift.io/v1"},{"apiVersion":"v1","kind":"Pod"}]}`, "List", "items[1]", image.ErrUnknownKind},
		{"List item without a kind", `{"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"x"}}]}`, "List", "items[0]", image.ErrUnknownKind},
		{"List item that is not an object", `{"apiVersion":"v1","kind":"List","items":[7]}`, "List", "items[0]", nil},
		{"unknown List field", `{"apiVersion":"v1","kind":"List","items":[],"bogus":1}`, "List", "bogus", nil},
		{"wrong type in List metadata", `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":5}}`, "List", "metadata.resourceVersion", nil},
		{"List items not a list", `{"apiVersion":"v1","kind":"List","items":{}}`, "List", "items", nil},
		{"List in the image group", `{"apiVersion":"image.openshift.io/v1","kind":"List","items":[]}`, "List", "", image.ErrUnknownKind},
		{"malformed yaml", "kind: [", "", "", nil},
		{"trailing data", `{"kind":"Image","apiVersion":"image.openshift.io/v1"} {}`, "Image", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := image.Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode succeeded: %#v", obj)
			}
			var de *image.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			if de.Kind != tt.wantKind || de.Field != tt.wantField {
				t.Errorf("kind, field = %q, %q; want %q, %q (%v)", de.Kind, de.Field, tt.wantKind, tt.wantField, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

// TestDecodeErrorMessage: the message names what is known, and a
// DecodeError built without a cause, the zero value included, formats
// without one rather than panicking, as the module's other error types do.
func TestDecodeErrorMessage(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		name string
		err  *image.DecodeError
		want string
	}{
		{"full", &image.DecodeError{Kind: "ImageStream", Field: "spec.tags[0].name", Err: cause}, "decode ImageStream: field spec.tags[0].name: boom"},
		{"cause only", &image.DecodeError{Err: cause}, "decode: boom"},
		{"zero", &image.DecodeError{}, "decode"},
		{"no cause", &image.DecodeError{Kind: "Image", Field: "metadata"}, "decode Image: field metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecodeIntoKindMismatch(t *testing.T) {
	var is image.ImageStream
	err := image.DecodeInto([]byte(`{"kind":"Image"}`), &is)
	if !errors.Is(err, image.ErrUnknownKind) {
		t.Errorf("DecodeInto(Image into ImageStream) = %v, want ErrUnknownKind", err)
	}
	if err := image.DecodeInto([]byte(`{"metadata":{"name":"x"}}`), &is); err != nil || is.Name != "x" {
		t.Errorf("DecodeInto without kind = %v, name %q", err, is.Name)
	}
}

// TestDecodeList: the List `oc get -o json` prints for a resource type
// without a name, or for several resources, decodes into a *List whose
// items are what Decode makes of each alone, by any of Decode,
// DecodeInto and json.Unmarshal, from JSON or YAML.
func TestDecodeList(t *testing.T) {
	item := func(file string) image.Object {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		obj, err := image.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		return obj
	}
	ocList, err := os.ReadFile("testdata/oc-list.json")
	if err != nil {
		t.Fatal(err)
	}
	listMeta := image.TypeMeta{Kind: "List", APIVersion: "v1"}
	full := &image.List{TypeMeta: listMeta, Items: []image.Object{item("oc-imagestream.json"), item("oc-imagestreamtag.json")}}
	decodeInto := func(data []byte) (image.Object, error) {
		var l image.List
		return &l, image.DecodeInto(data, &l)
	}
	unmarshal := func(data []byte) (image.Object, error) {
		var l image.List
		return &l, json.Unmarshal(data, &l)
	}
	tests := []struct {
		name   string
		in     []byte
		decode func([]byte) (image.Object, error)
		want   *image.List
	}{
		{"oc get is,istag", ocList, image.Decode, full},
		{"DecodeInto", ocList, decodeInto, full},
		{"json.Unmarshal", ocList, unmarshal, full},
		{"empty", []byte(`{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}`), image.Decode,
			&image.List{TypeMeta: listMeta, Items: []image.Object{}}},
		{"null items stay nil", []byte(`{"apiVersion":"v1","kind":"List","items":null}`), image.Decode,
			&image.List{TypeMeta: listMeta}},
		{"YAML with list metadata", []byte("apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"12\"\n  continue: abc\nitems:\n- apiVersion: v1\n  kind: ImageStream\n  metadata:\n    name: old\n"), image.Decode,
			&image.List{TypeMeta: listMeta, ListMeta: image.ListMeta{ResourceVersion: "12", Continue: "abc"}, Items: []image.Object{
				&image.ImageStream{TypeMeta: image.TypeMeta{Kind: "ImageStream", APIVersion: "v1"}, ObjectMeta: image.ObjectMeta{Name: "old"}},
			}}},
		{"DecodeInto without kind", []byte(`{"items":[{"apiVersion":"v1","kind":"Secret"}]}`), decodeInto,
			&image.List{Items: []image.Object{&image.Secret{TypeMeta: image.TypeMeta{Kind: "Secret", APIVersion: "v1"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.decode(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeIntoNil: a nil target, typed or not, is a *DecodeError naming
// the kind when known, as json.Unmarshal refuses a nil pointer. Not a
// SEMANTICS rule: DecodeInto must not panic on any input.
func TestDecodeIntoNil(t *testing.T) {
	tests := []struct {
		obj  image.Object
		want string
	}{
		{nil, "decode: nil object"},
		{(*image.ImageStream)(nil), "decode ImageStream: nil *image.ImageStream"},
		{(*image.Image)(nil), "decode Image: nil *image.Image"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.obj), func(t *testing.T) {
			err := image.DecodeInto([]byte(`{"metadata":{"name":"x"}}`), tt.obj)
			var de *image.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeInto = %v, want a *DecodeError", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("DecodeInto error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEncodeFillsTypeMeta(t *testing.T) {
	tests := []struct {
		obj  image.Object
		want string
	}{
		{&image.ImageStream{}, `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"creationTimestamp":null},"spec":{"lookupPolicy":{"local":false}},"status":{"dockerImageRepository":""}}`},
		{&image.SecretList{}, `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":null}`},
		{&image.ImageStream{TypeMeta: image.TypeMeta{Kind: "ImageStream", APIVersion: "v1"}}, `{"kind":"ImageStream","apiVersion":"v1","metadata":{"creationTimestamp":null},"spec":{"lookupPolicy":{"local":false}},"status":{"dockerImageRepository":""}}`},
		// A List's items carry their kind too, since a List cannot be read
		// back without; its metadata always has resourceVersion, as oc's.
		{&image.List{Items: []image.Object{&image.SecretList{}, nil}}, `{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":""},"items":[{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":null},null]}`},
		{&image.List{ListMeta: image.ListMeta{ResourceVersion: "9"}}, `{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":null}`},
	}
	for _, tt := range tests {
		got, err := image.Encode(tt.obj)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("Encode(%T) =\n%s\nwant\n%s", tt.obj, got, tt.want)
		}
		if tm := tt.obj.GetTypeMeta(); tm.Kind == "" && tm.APIVersion != "" {
			t.Errorf("Encode modified its argument")
		}
		if l, ok := tt.obj.(*image.List); ok && len(l.Items) > 0 && l.Items[0].GetTypeMeta().Kind != "" {
			t.Errorf("Encode modified a List item")
		}
	}
}

// TestEncodeDockerImageMetadataTypeMeta checks SEMANTICS §1.2 and §2.2:
// OpenShift re-encodes dockerImageMetadata on every output, so it always
// carries kind "DockerImage" and apiVersion
// "image.openshift.io/<dockerImageMetadataVersion or 1.0>", in Images and
// in the Images nested in other kinds, while a set kind or apiVersion
// (the legacy "1.0") is written as given. Encode must not modify obj.
func TestEncodeDockerImageMetadataTypeMeta(t *testing.T) {
	const want = "DockerImage image.openshift.io/1.0"
	name := "sha256:" + strings.Repeat("1", 64)
	img := func(version string, tm image.TypeMeta) *image.Image {
		return &image.Image{
			ObjectMeta:                 image.ObjectMeta{Name: name},
			DockerImageReference:       "quay.io/a/b@" + name,
			DockerImageMetadata:        image.DockerImage{TypeMeta: tm},
			DockerImageMetadataVersion: version,
		}
	}
	plain := func() image.Image { return *img("", image.TypeMeta{}) }
	tests := []struct {
		name string
		obj  func() image.Object
		want []string // "kind apiVersion" of each dockerImageMetadata, in document order
	}{
		{"Image", func() image.Object { return &image.Image{} }, []string{want}},
		{"version 1.0", func() image.Object { return img("1.0", image.TypeMeta{}) }, []string{want}},
		{"other version", func() image.Object { return img("pre012", image.TypeMeta{}) }, []string{"DockerImage image.openshift.io/pre012"}},
		{"version with a group", func() image.Object { return img("example.com/v2", image.TypeMeta{}) }, []string{"DockerImage example.com/v2"}},
		{"legacy apiVersion kept", func() image.Object { return img("", image.TypeMeta{Kind: "DockerImage", APIVersion: "1.0"}) }, []string{"DockerImage 1.0"}},
		{"empty kind filled", func() image.Object { return img("", image.TypeMeta{APIVersion: "1.0"}) }, []string{"DockerImage 1.0"}},
		{"ImageList", func() image.Object { return &image.ImageList{Items: []image.Image{plain(), plain()}} }, []string{want, want}},
		{"ImageStreamTag", func() image.Object { return &image.ImageStreamTag{Image: plain()} }, []string{want}},
		{"ImageStreamTagList", func() image.Object {
			return &image.ImageStreamTagList{Items: []image.ImageStreamTag{{Image: plain()}}}
		}, []string{want}},
		{"ImageTag", func() image.Object { return &image.ImageTag{Image: img("", image.TypeMeta{})} }, []string{want}},
		{"ImageStreamImage", func() image.Object { return &image.ImageStreamImage{Image: plain()} }, []string{want}},
		{"ImageStreamMapping", func() image.Object { return &image.ImageStreamMapping{Image: plain()} }, []string{want}},
		{"ImageStreamImport", func() image.Object {
			return &image.ImageStreamImport{Status: image.ImageStreamImportStatus{
				Repository: &image.RepositoryImportStatus{Images: []image.ImageImportStatus{{Image: img("", image.TypeMeta{})}}},
				Images:     []image.ImageImportStatus{{Image: img("", image.TypeMeta{}), Manifests: []image.Image{plain()}}},
			}}
		}, []string{want, want, want}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := tt.obj()
			b, err := image.Encode(obj)
			if err != nil {
				t.Fatal(err)
			}
			// encoding/json given the object by value cannot address the
			// Images in it; the wire form must not change.
			byValue, err := json.Marshal(reflect.ValueOf(obj).Elem().Interface())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var walk func(v any)
			walk = func(v any) {
				switch v := v.(type) {
				case map[string]any:
					for _, k := range slices.Sorted(maps.Keys(v)) {
						if md, ok := v[k].(map[string]any); ok && k == "dockerImageMetadata" {
							got = append(got, fmt.Sprint(md["kind"], " ", md["apiVersion"]))
						}
						walk(v[k])
					}
				case []any:
					for _, e := range v {
						walk(e)
					}
				}
			}
			walk(generic(t, b))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("dockerImageMetadata kind and apiVersion (-want +got):\n%s\n%s", diff, b)
			}
			got = nil
			walk(generic(t, byValue))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("by value: dockerImageMetadata kind and apiVersion (-want +got):\n%s\n%s", diff, byValue)
			}
			if diff := cmp.Diff(tt.obj(), obj); diff != "" {
				t.Errorf("Encode modified its argument (-before +after):\n%s", diff)
			}
		})
	}
}

// TestEncodeNil: a nil object, typed or not, encodes as null, as
// json.Marshal encodes it, rather than panicking. Not a SEMANTICS rule:
// Encode must not panic on any input.
func TestEncodeNil(t *testing.T) {
	for _, obj := range []image.Object{nil, (*image.Image)(nil), (*image.ImageStream)(nil), (*image.SecretList)(nil)} {
		t.Run(fmt.Sprintf("%T", obj), func(t *testing.T) {
			js, err := image.Encode(obj)
			if err != nil {
				t.Fatal(err)
			}
			ys, err := image.EncodeYAML(obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"null", "null\n"}, []string{string(js), string(ys)}); diff != "" {
				t.Errorf("Encode, EncodeYAML (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimeWire(t *testing.T) {
	tests := []struct {
		name string
		in   image.Time
		want string
	}{
		{"zero is null", image.Time{}, `null`},
		{"seconds in UTC", image.Time{Time: time.Date(2024, 5, 14, 11, 12, 31, 999_000_000, time.FixedZone("CEST", 7200))}, `"2024-05-14T09:12:31Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal = %s, want %s", b, tt.want)
			}
			var back image.Time
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !back.Equal(image.NewTime(tt.in.Time)) {
				t.Errorf("round trip %v, want %v", back, image.NewTime(tt.in.Time))
			}
		})
	}
	var tm image.Time
	if err := json.Unmarshal([]byte(`"2024-05-14T09:12:31.5+02:00"`), &tm); err != nil || !tm.Time.Equal(time.Date(2024, 5, 14, 7, 12, 31, 500_000_000, time.UTC)) {
		t.Errorf("fractional input: %v %v", tm, err)
	}
}

func generic(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// survives Encode and Decode unchanged.
// wireMetadataTypeMeta compares Images with the dockerImageMetadata kind
// and apiVersion that Encode writes when either is empty.
var wireMetadataTypeMeta = cmp.Transformer("wireMetadataTypeMeta", func(img image.Image) image.Image {
	tm := &img.DockerImageMetadata.TypeMeta
	if tm.Kind != "" && tm.APIVersion != "" {
		return img
	}
	if tm.Kind == "" {
		tm.Kind = image.DockerImageMetadataKind
	}
	if tm.APIVersion == "" {
		switch v := img.DockerImageMetadataVersion; {
		case v == "" || v == image.DockerImageMetadataVersion:
			tm.APIVersion = image.DockerImageMetadataAPIVersion
		case strings.Contains(v, "/"):
			tm.APIVersion = v
		default:
			tm.APIVersion = image.GroupName + "/" + v
		}
	}
	return img
})

// FuzzDecode checks that Decode fails only with a *DecodeError, and that
// whatever it decodes encodes stably and decodes back to the same object
// (up to wireMetadataTypeMeta and empty versus nil).
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("kind: ImageStream\napiVersion: v1\nspec:\n  tags:\n  - name: a\n"))
	f.Add([]byte(`{"kind":"ImageStream","apiVersion":"v1","metadata":{"labels":{}},"spec":{"tags":[]}}`))
	f.Add([]byte(`{"kind":"Image","apiVersion":"image.openshift.io/v1","metadata":{"name":"x"},"dockerImageLayers":[],"dockerImageMetadata":{"Size":3}}`))
	f.Add([]byte(`{"kind":"List","apiVersion":"v1","items":[{"kind":"ImageStreamTag","apiVersion":"v1","tag":null}]}`))
	f.Add([]byte(`{"kind":"Bogus","apiVersion":"v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := image.Decode(data)
		if err != nil {
			var de *image.DecodeError
			if obj != nil || !errors.As(err, &de) {
				t.Fatalf("Decode = %v, %v (%T): want nil and a *DecodeError", obj, err, err)
			}
			return
		}
		out, err := image.Encode(obj)
		if err != nil {
			t.Fatalf("Encode after Decode: %v", err)
		}
		back, err := image.Decode(out)
		if err != nil {
			t.Fatalf("Decode(Encode(x)): %v\n%s", err, out)
		}
		// The only normalisations: omitempty drops empty slices and
		// maps, which come back nil, and dockerImageMetadata gets its
		// kind and apiVersion filled in (TestEncodeDockerImageMetadataTypeMeta).
		if diff := cmp.Diff(obj, back, cmpopts.EquateEmpty(), wireMetadataTypeMeta); diff != "" {
			t.Fatalf("Decode(Encode(x)) differs from x (-x +back):\n%s\n%s", diff, out)
		}
		out2, err := image.Encode(back)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
	})
}

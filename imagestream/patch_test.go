package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

// TestImageStreamsPatch: a patch is applied to the stream as Get returns
// it, and the result goes through Update (or UpdateStatus), with its
// generation rules and validation.
func TestImageStreamsPatch(t *testing.T) {
	tag := func(name, from string) image.TagReference {
		return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindDockerImage, Name: from}}
	}
	type result struct {
		Generation int64
		Labels     map[string]string
		SpecTags   []string
		Reason     image.StatusReason
		Code       int32
		Causes     []string
	}
	cases := []struct {
		name        string
		pt          imagestream.PatchType
		patch       string
		subresource []string
		want        result
	}{
		{"merge: a label", imagestream.MergePatchType, `{"metadata":{"labels":{"team":"web"}}}`, nil,
			result{Generation: 1, Labels: map[string]string{"team": "web"}, SpecTags: []string{"v1"}}},
		{"merge: spec tags replace the list", imagestream.MergePatchType, `{"spec":{"tags":[{"name":"v2","from":{"kind":"DockerImage","name":"quay.io/acme/app:v2"}}]}}`, nil,
			result{Generation: 2, SpecTags: []string{"v2"}}},
		{"merge: null removes", imagestream.MergePatchType, `{"spec":{"tags":null}}`, nil,
			result{Generation: 2}},
		{"json: add a spec tag", imagestream.JSONPatchType, `[{"op":"add","path":"/spec/tags/-","value":{"name":"v2","from":{"kind":"DockerImage","name":"quay.io/acme/app:v2"}}}]`, nil,
			result{Generation: 2, SpecTags: []string{"v1", "v2"}}},
		{"json: test then replace", imagestream.JSONPatchType, `[{"op":"test","path":"/spec/tags/0/name","value":"v1"},{"op":"replace","path":"/spec/lookupPolicy/local","value":true}]`, nil,
			result{Generation: 2, SpecTags: []string{"v1"}}},
		// SEMANTICS §4.5: the status strategy keeps spec tags, not metadata.
		{"status subresource keeps the spec", imagestream.MergePatchType, `{"spec":{"tags":null},"metadata":{"labels":{"team":"web"}}}`, []string{"status"},
			result{Generation: 1, Labels: map[string]string{"team": "web"}, SpecTags: []string{"v1"}}},
		{"json: failed test", imagestream.JSONPatchType, `[{"op":"test","path":"/spec/tags/0/name","value":"v9"},{"op":"remove","path":"/spec/tags"}]`, nil,
			result{Reason: image.StatusReasonInvalid, Code: 422}},
		{"json: path not there", imagestream.JSONPatchType, `[{"op":"remove","path":"/spec/tags/5"}]`, nil,
			result{Reason: image.StatusReasonInvalid, Code: 422}},
		// The API server checks the patched name and namespace against
		// the request's (BadRequest); an empty namespace is the request's.
		{"a new name", imagestream.MergePatchType, `{"metadata":{"name":"other"}}`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"a new namespace", imagestream.MergePatchType, `{"metadata":{"namespace":"other"}}`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"no namespace", imagestream.MergePatchType, `{"metadata":{"namespace":null,"labels":{"team":"web"}}}`, nil,
			result{Generation: 1, Labels: map[string]string{"team": "web"}, SpecTags: []string{"v1"}}},
		{"json: test past float64 precision", imagestream.JSONPatchType, `[{"op":"add","path":"/metadata/labels","value":{"a":"b"}},{"op":"add","path":"/x","value":9007199254740993},{"op":"test","path":"/x","value":9007199254740992}]`, nil,
			result{Reason: image.StatusReasonInvalid, Code: 422}},
		// The spec tag fails validation, and its resolution fails with an
		// InternalError cause at field "" (the QUIRK of SEMANTICS §4.1).
		{"an invalid spec", imagestream.MergePatchType, `{"spec":{"tags":[{"name":"v2","from":{"kind":"Bogus","name":"x"}}]}}`, nil,
			result{Reason: image.StatusReasonInvalid, Code: 422, Causes: []string{"", "spec.tags[v2].from.kind"}}},
		{"a stale resourceVersion is not retried", imagestream.MergePatchType, `{"metadata":{"resourceVersion":"1","labels":{"a":"b"}}}`, nil,
			result{Reason: image.StatusReasonConflict, Code: 409}},
		{"not a stream", imagestream.MergePatchType, `{"spec":"x"}`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"not an object", imagestream.MergePatchType, `"x"`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"not JSON", imagestream.MergePatchType, `{`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"not a JSON Patch", imagestream.JSONPatchType, `{"op":"add"}`, nil,
			result{Reason: image.StatusReasonBadRequest, Code: 400}},
		{"strategic merge", "application/strategic-merge-patch+json", `{}`, nil,
			result{Reason: "UnsupportedMediaType", Code: 415}},
		{"unknown subresource", imagestream.MergePatchType, `{}`, []string{"scale"},
			result{Reason: image.StatusReasonNotFound, Code: 404}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			svc, _ := newService(t)
			createStream(t, svc, "ns", "app", tag("v1", "quay.io/acme/app:v1"))
			is, err := svc.ImageStreams("ns").Patch(ctx, "app", tc.pt, []byte(tc.patch), tc.subresource...)
			var got result
			if err != nil {
				var se *imagestream.StatusError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v (%T), want a *StatusError", err, err)
				}
				got.Reason, got.Code = se.ErrStatus.Reason, se.ErrStatus.Code
				if d := se.ErrStatus.Details; d != nil {
					for _, c := range d.Causes {
						got.Causes = append(got.Causes, c.Field)
					}
				}
			} else {
				got.Generation, got.Labels = is.Generation, is.Labels
				for _, st := range is.Spec.Tags {
					got.SpecTags = append(got.SpecTags, st.Name)
				}
				if stored := getStream(t, svc, "ns", "app"); !cmp.Equal(stored, is) {
					t.Errorf("Patch returned a stream other than the stored one (-stored +returned):\n%s", cmp.Diff(stored, is))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("missing stream", func(t *testing.T) {
		svc, _ := newService(t)
		_, err := svc.ImageStreams("ns").Patch(t.Context(), "nope", imagestream.MergePatchType, []byte(`{}`))
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("err = %v, want NotFound", err)
		}
	})
}

// TestImagesPatch: images are patched like streams, through Update.
func TestImagesPatch(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	img := pushed(1)
	if _, err := svc.Images().Create(ctx, img); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Images().Patch(ctx, img.Name, imagestream.JSONPatchType,
		[]byte(`[{"op":"add","path":"/metadata/annotations","value":{"note":"patched"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Annotations["note"] != "patched" || got.DockerImageReference != img.DockerImageReference {
		t.Errorf("patched image: annotations %v, reference %q", got.Annotations, got.DockerImageReference)
	}
	// An image is cluster-scoped: a namespace is dropped, as on create.
	got, err = svc.Images().Patch(ctx, img.Name, imagestream.MergePatchType, []byte(`{"metadata":{"namespace":"ns","labels":{"a":"b"}}}`))
	if err != nil {
		t.Fatalf("a namespace on an image: %v", err)
	}
	if got.Namespace != "" || got.Labels["a"] != "b" {
		t.Errorf("a namespace on an image: namespace %q, labels %v; want it dropped and the label set", got.Namespace, got.Labels)
	}
	if _, err := svc.Images().Patch(ctx, img.Name, imagestream.MergePatchType, []byte(`{"metadata":{"name":"other"}}`)); imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("a new name: err = %v, want BadRequest", err)
	}
}

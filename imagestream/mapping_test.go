package imagestream_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// docHistory is the status of origin-ruby-sample in the "Managing image
// streams" chapter (§6.2 "Configuring imagestreams", §6.4
// "Imagestreamtags"), verbatim. The example is odd: the newer event is
// the older in time, and each event's pull spec names the other event's
// image; two mappings reproduce it all the same.
const docHistory = `
tags:
- items:
  - created: 2017-09-02T10:15:09Z
    dockerImageReference: 172.30.56.218:5000/test/origin-ruby-sample@sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d
    generation: 2
    image: sha256:909de62d1f609a717ec433cc25ca5cf00941545c83a01fb31527771e1fab3fc5
  - created: 2017-09-29T13:40:11Z
    dockerImageReference: 172.30.56.218:5000/test/origin-ruby-sample@sha256:909de62d1f609a717ec433cc25ca5cf00941545c83a01fb31527771e1fab3fc5
    generation: 1
    image: sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d
  tag: latest
`

// TestMappingDocumentationHistory reproduces the two-event history of
// origin-ruby-sample:latest with two ImageStreamMappings (SEMANTICS §6.2):
// the newest event first, each carrying the stream generation of its
// time (QUIRK §14.11) and the pull spec its mapping sent.
func TestMappingDocumentationHistory(t *testing.T) {
	ctx := context.Background()
	const (
		repo = "172.30.56.218:5000/test/origin-ruby-sample"
		a    = "sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d"
		b    = "sha256:909de62d1f609a717ec433cc25ca5cf00941545c83a01fb31527771e1fab3fc5"
	)
	var want image.ImageStreamStatus
	if err := yaml.Unmarshal([]byte(docHistory), &want); err != nil {
		t.Fatal(err)
	}
	want.DockerImageRepository = repo

	svc, clk := newService(t, imagestream.WithRegistryHostname("172.30.56.218:5000", ""))
	createStream(t, svc, "test", "origin-ruby-sample")
	push := func(name, ref string) {
		t.Helper()
		m := &image.ImageStreamMapping{
			ObjectMeta: image.ObjectMeta{Namespace: "test", Name: "origin-ruby-sample"},
			Tag:        "latest",
			Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: name}, DockerImageReference: ref},
		}
		st, err := svc.ImageStreamMappings("test").Create(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != image.StatusSuccess {
			t.Fatalf("status = %+v", st)
		}
	}
	clk.set(time.Date(2017, 9, 29, 13, 40, 11, 0, time.UTC))
	push(a, repo+"@"+b)
	// A spec change between the pushes: the stream is at generation 2.
	is := getStream(t, svc, "test", "origin-ruby-sample")
	is.Spec.LookupPolicy.Local = true
	if _, err := svc.ImageStreams("test").Update(ctx, is); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2017, 9, 2, 10, 15, 9, 0, time.UTC))
	push(b, repo+"@"+a)

	got := getStream(t, svc, "test", "origin-ruby-sample")
	if diff := cmp.Diff(want, got.Status); diff != "" {
		t.Errorf("status (-documentation +got):\n%s", diff)
	}
	if len(got.Spec.Tags) != 0 {
		t.Errorf("a mapping created spec tags: %v", got.Spec.Tags)
	}
}

// TestMappingRules covers SEMANTICS §6 case by case, as OpenShift's
// rest_test does.
func TestMappingRules(t *testing.T) {
	ctx := context.Background()
	track := func(name, from string) image.TagReference {
		return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: from}}
	}
	managed := func(m *image.ImageStreamMapping) *image.ImageStreamMapping {
		m.Image.Annotations = map[string]string{image.ManagedByOpenShiftAnnotation: "true"}
		return m
	}
	event := func(i int, ref string, gen int64) image.TagEvent {
		return image.TagEvent{Created: image.Date(2017, 9, 2, 10, 15, 9), DockerImageReference: ref, Image: digest(i), Generation: gen}
	}
	quay := func(i int) string { return "quay.io/acme/app@" + digest(i) }
	local := func(i int) string { return registry + "/ns/app@" + digest(i) }

	tests := []struct {
		name string
		// setup runs on a Service holding stream ns/app with tags.
		tags    []image.TagReference
		setup   func(t *testing.T, svc *imagestream.Service)
		client  string // namespace of the client; "ns" if empty
		mapping *image.ImageStreamMapping
		wantErr string
		// want is the stream's status tags afterwards (errors included).
		want map[string][]image.TagEvent
		// wantRef is the pull spec of the stored image, "" if none stored.
		wantImageRef string
	}{
		{
			name:         "success",
			mapping:      mapping("ns", "app", "latest", 1),
			want:         map[string][]image.TagEvent{"latest": {event(1, quay(1), 1)}},
			wantImageRef: quay(1),
		},
		{
			name:    "conflicting namespace",
			client:  "ns",
			mapping: mapping("other", "app", "latest", 1),
			wantErr: "the namespace of the provided object does not match the namespace sent on the request",
			want:    map[string][]image.TagEvent{},
		},
		{
			name:    "stream not found: no image is created",
			mapping: mapping("ns", "missing", "latest", 1),
			wantErr: `imagestreams.image.openshift.io "missing" not found`,
			want:    map[string][]image.TagEvent{},
		},
		{
			name:    "tag is required",
			mapping: mapping("ns", "app", "", 1),
			wantErr: `ImageStreamMapping.image.openshift.io "app" is invalid: tag: Required value`,
			want:    map[string][]image.TagEvent{},
		},
		{
			name: "invalid image",
			mapping: func() *image.ImageStreamMapping {
				m := mapping("ns", "app", "latest", 1)
				m.Image.DockerImageReference = "Bad Reference"
				return m
			}(),
			wantErr: `ImageStreamMapping.image.openshift.io "app" is invalid: image.dockerImageReference: Invalid value: "Bad Reference": invalid reference format`,
			want:    map[string][]image.TagEvent{},
		},
		{
			name: "default pull spec from the integrated registry; signatures dropped",
			mapping: func() *image.ImageStreamMapping {
				m := mapping("ns", "app", "latest", 1)
				m.Image.DockerImageReference = ""
				m.Image.Signatures = []image.ImageSignature{{ObjectMeta: image.ObjectMeta{Name: digest(1) + "@sig"}, Type: "atomic", Content: []byte("x")}}
				return m
			}(),
			want:         map[string][]image.TagEvent{"latest": {event(1, local(1), 1)}},
			wantImageRef: local(1),
		},
		{
			name: "existing image, new tag: the mapping's pull spec",
			setup: func(t *testing.T, svc *imagestream.Service) {
				img := &image.Image{ObjectMeta: image.ObjectMeta{Name: digest(1)}, DockerImageReference: "elsewhere.io/x/y@" + digest(1)}
				if _, err := svc.Images().Create(ctx, img); err != nil {
					t.Fatal(err)
				}
			},
			mapping:      mapping("ns", "app", "v1", 1),
			want:         map[string][]image.TagEvent{"v1": {event(1, quay(1), 1)}},
			wantImageRef: "elsewhere.io/x/y@" + digest(1),
		},
		{
			name: "existing managed image: pulled through this stream",
			setup: func(t *testing.T, svc *imagestream.Service) {
				if _, err := svc.Images().Create(ctx, &mapping("ns", "other", "", 1).Image); err != nil {
					t.Fatal(err)
				}
			},
			mapping:      managed(mapping("ns", "app", "v1", 1)),
			want:         map[string][]image.TagEvent{"v1": {event(1, local(1), 1)}},
			wantImageRef: quay(1),
		},
		{
			name:         "new managed image keeps its pull spec",
			mapping:      managed(mapping("ns", "app", "v1", 1)),
			want:         map[string][]image.TagEvent{"v1": {event(1, quay(1), 1)}},
			wantImageRef: quay(1),
		},
		{
			name: "tracking tags follow; others do not",
			tags: []image.TagReference{
				track("prod", "latest"),
				track("same", "app:latest"),
				track("elsewhere", "other:latest"),
				{Name: "foreign", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Namespace: "other", Name: "latest"}},
				track("chained", "prod"),
			},
			mapping: mapping("ns", "app", "latest", 1),
			want: map[string][]image.TagEvent{
				"latest": {event(1, quay(1), 1)},
				"prod":   {event(1, quay(1), 1)},
				"same":   {event(1, quay(1), 1)},
			},
			wantImageRef: quay(1),
		},
		{
			name: "event generation is the stream's (QUIRK §14.11)",
			tags: []image.TagReference{{Name: "latest", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:1"}}},
			setup: func(t *testing.T, svc *imagestream.Service) {
				is := getStream(t, svc, "ns", "app")
				is.Spec.LookupPolicy.Local = true
				if _, err := svc.ImageStreams("ns").Update(ctx, is); err != nil {
					t.Fatal(err)
				}
			},
			mapping:      mapping("ns", "app", "latest", 1),
			want:         map[string][]image.TagEvent{"latest": {event(1, quay(1), 2)}},
			wantImageRef: quay(1),
		},
		{
			name: "a new image goes in front",
			setup: func(t *testing.T, svc *imagestream.Service) {
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); err != nil {
					t.Fatal(err)
				}
			},
			mapping:      mapping("ns", "app", "latest", 2),
			want:         map[string][]image.TagEvent{"latest": {event(2, quay(2), 1), event(1, quay(1), 1)}},
			wantImageRef: quay(2),
		},
		{
			name: "the same image under another pull spec updates the newest event (§5.1)",
			setup: func(t *testing.T, svc *imagestream.Service) {
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); err != nil {
					t.Fatal(err)
				}
			},
			mapping: func() *image.ImageStreamMapping {
				m := mapping("ns", "app", "latest", 1)
				m.Image.DockerImageReference = "mirror.io/acme/app@" + digest(1)
				return m
			}(),
			want:         map[string][]image.TagEvent{"latest": {event(1, "mirror.io/acme/app@"+digest(1), 1)}},
			wantImageRef: quay(1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			createStream(t, svc, "ns", "other")  // sources of the tracking
			createStream(t, svc, "other", "app") // tags of other streams
			createStream(t, svc, "ns", "app", tt.tags...)
			if tt.setup != nil {
				tt.setup(t, svc)
			}
			client := tt.client
			if client == "" {
				client = "ns"
			}
			st, err := svc.ImageStreamMappings(client).Create(ctx, tt.mapping)
			switch {
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("error:\n got %v\nwant %s", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr == "" && st.Status != image.StatusSuccess:
				t.Errorf("status = %+v", st)
			}
			is := getStream(t, svc, "ns", "app")
			got := map[string][]image.TagEvent{}
			for _, l := range is.Status.Tags {
				got[l.Tag] = l.Items
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("status tags (-want +got):\n%s", diff)
			}
			img, err := svc.Images().Get(ctx, tt.mapping.Image.Name)
			switch {
			case tt.wantImageRef == "" && !errors.Is(err, storage.ErrNotFound):
				t.Errorf("an image was stored: %v, %v", img, err)
			case tt.wantImageRef != "" && err != nil:
				t.Errorf("image not stored: %v", err)
			case tt.wantImageRef != "" && (img.DockerImageReference != tt.wantImageRef || len(img.Signatures) != 0):
				t.Errorf("stored image: pull spec %s, signatures %v; want %s and none", img.DockerImageReference, img.Signatures, tt.wantImageRef)
			}
		})
	}
}

// TestMappingStoresImages: the Image goes through the Image strategy
// (§6.2 step 3, §10.1): metadata from the manifest, manifest and config
// dropped when the registry keeps the blob.
func TestMappingStoresImages(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app")
	img := pushed(1)
	img.DockerImageMetadata = image.DockerImage{}
	img.DockerImageLayers = nil
	img.Annotations = map[string]string{image.ImageManifestBlobStoredAnnotation: "true"}
	m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app"}, Tag: "latest", Image: *img}
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	stored, err := svc.Images().Get(ctx, img.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := pushed(1)
	if diff := cmp.Diff(want.DockerImageLayers, stored.DockerImageLayers); diff != "" {
		t.Errorf("layers (-want +got):\n%s", diff)
	}
	if stored.DockerImageMetadata.ID != want.DockerImageMetadata.ID || stored.DockerImageMetadata.Size == 0 {
		t.Errorf("metadata = %+v", stored.DockerImageMetadata)
	}
	if stored.DockerImageManifest != "" || stored.DockerImageConfig != "" {
		t.Errorf("manifest and config kept although the registry stores the blob")
	}
	if m.Image.DockerImageManifest == "" {
		t.Errorf("Create modified the caller's mapping")
	}
}

// TestMappingIdenticalPushWritesNothing: pushing what the tag shows is no
// change, so the stream is not written (§5.1).
func TestMappingIdenticalPushWritesNothing(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app")
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); err != nil {
		t.Fatal(err)
	}
	before := getStream(t, svc, "ns", "app").ResourceVersion
	st, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1))
	if err != nil || st.Status != image.StatusSuccess {
		t.Fatalf("second push = %v, %v", st, err)
	}
	if after := getStream(t, svc, "ns", "app").ResourceVersion; after != before {
		t.Errorf("resourceVersion %s -> %s: the stream was written", before, after)
	}
}

// TestMappingHooks: the allow-list and the limit verifier see pushes.
func TestMappingHooks(t *testing.T) {
	ctx := context.Background()
	onlyLocal := func(ref reference.DockerImageReference, _ bool) error {
		if ref.Registry != registry {
			return errors.New("registry not allowed")
		}
		return nil
	}
	svc, _ := newService(t, imagestream.WithValidation(image.ValidationOptions{AllowRegistry: onlyLocal}))
	createStream(t, svc, "ns", "app")
	_, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1))
	const want = `ImageStream.image.openshift.io "app" is invalid: status.tags[latest].items[0].dockerImageReference: Forbidden: registry not allowed`
	if !errors.Is(err, image.ErrInvalid) || err.Error() != want {
		t.Errorf("push from a registry not allowed:\n got %v\nwant %s", err, want)
	}
	m := mapping("ns", "app", "latest", 1)
	m.Image.DockerImageReference = ""
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Errorf("push through the integrated registry: %v", err)
	}
	// SEMANTICS §6.2 step 6, §3.5: UpdateTrackingTags puts the pull spec
	// in the tags that track the pushed one too, and the status update
	// refuses it at each of them.
	createStream(t, svc, "ns", "tracked", image.TagReference{Name: "tracker", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "tracked:latest"}})
	_, err = svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "tracked", "latest", 1))
	const wantTracked = `ImageStream.image.openshift.io "tracked" is invalid: [status.tags[latest].items[0].dockerImageReference: Forbidden: registry not allowed, ` +
		`status.tags[tracker].items[0].dockerImageReference: Forbidden: registry not allowed]`
	if !errors.Is(err, image.ErrInvalid) || err.Error() != wantTracked {
		t.Errorf("push tracked by another tag from a registry not allowed:\n got %v\nwant %s", err, wantTracked)
	}

	limited, _ := newService(t, imagestream.WithLimitVerifier(func(_ context.Context, is, _ *image.ImageStream) error {
		if len(is.Status.Tags) > 1 {
			return errors.New("exceeds limit")
		}
		return nil
	}))
	createStream(t, limited, "ns", "app")
	if _, err := limited.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "a", 1)); err != nil {
		t.Fatal(err)
	}
	// SEMANTICS §4.5, §6.2 step 6: a push is a status update, whose limit
	// failure is a Forbidden cause at "imageStream" of a 422 Invalid.
	_, err = limited.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "b", 2))
	type result struct{ Outcome, Message string }
	wantLimit := result{
		Outcome: "Invalid imageStream:FieldValueForbidden",
		Message: `ImageStream.image.openshift.io "app" is invalid: imageStream: Forbidden: imagestreams.image.openshift.io "app" is forbidden: exceeds limit`,
	}
	var gotMsg string
	if err != nil {
		gotMsg = err.Error()
	}
	if diff := cmp.Diff(wantLimit, result{outcome(err), gotMsg}); diff != "" {
		t.Errorf("push over the limit (-want +got):\n%s", diff)
	}
}

// TestMappingExistingListValidated: SEMANTICS §6.2 step 3 creates the
// Image through the Image strategy, which prepares and validates it
// before storage reports AlreadyExists. A manifest list whose prepared
// form is invalid (layers beside the children the strategy derives) is
// refused whether or not an image of that name exists.
func TestMappingExistingListValidated(t *testing.T) {
	ctx := context.Background()
	list, _ := imagetest.ListImage("existing-list", imagetest.Options{}, "linux/amd64")
	req := func() *image.ImageStreamMapping {
		img := list.DeepCopy()
		img.DockerImageManifests = nil // the strategy derives them from the manifest
		img.DockerImageManifest = string(imagetest.Index("existing-list", imagetest.Options{}, "linux/amd64").Index)
		img.DockerImageLayers = []image.ImageLayer{{Name: digest(9), LayerSize: 1, MediaType: image.MediaTypeOCILayer}}
		return &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app"}, Tag: "latest", Image: *img}
	}
	for _, existing := range []bool{false, true} {
		svc, _ := newService(t)
		createStream(t, svc, "ns", "app")
		if existing {
			if _, err := svc.Images().Create(ctx, list); err != nil {
				t.Fatal(err)
			}
		}
		_, err := svc.ImageStreamMappings("ns").Create(ctx, req())
		if !errors.Is(err, image.ErrInvalid) || !strings.Contains(err.Error(), "dockerImageLayers") {
			t.Errorf("existing=%v: got %v, want Invalid about dockerImageLayers", existing, err)
		}
		if got := imagesOf(getStream(t, svc, "ns", "app"), "latest"); len(got) != 0 {
			t.Errorf("existing=%v: latest was tagged with %v", existing, got)
		}
	}
}

// TestMappingCanceled: a push whose context has ended writes nothing.
func TestMappingCanceled(t *testing.T) {
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled push: %v", err)
	}
	if got := imagesOf(getStream(t, svc, "ns", "app"), "latest"); got != nil {
		t.Errorf("canceled push wrote %v", got)
	}
}

// TestMappingStreamTooLarge: a push that would take a stream past the
// store's value limit (1.5 MiB) fails with a BadRequest that is
// storage.ErrTooLarge, and the stream stays as it was.
func TestMappingStreamTooLarge(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	withNote := func(n int) *image.ImageStream {
		return &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "big"}, Spec: image.ImageStreamSpec{Tags: []image.TagReference{
			{Name: "notes", Annotations: map[string]string{"note": strings.Repeat("x", n)}},
		}}}
	}
	const probe = 1 << 20
	if _, err := svc.ImageStreams("ns").Create(ctx, withNote(probe)); err != nil {
		t.Fatal(err)
	}
	obj, err := svc.Store().Get(ctx, "/imagestreams/ns/big")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ImageStreams("ns").Delete(ctx, "big", imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Leave room for less than one event.
	if _, err := svc.ImageStreams("ns").Create(ctx, withNote(probe+storage.MaxValueSize-100-len(obj.Value))); err != nil {
		t.Fatal(err)
	}
	before := getStream(t, svc, "ns", "big").ResourceVersion
	_, err = svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "big", "latest", 1))
	if !errors.Is(err, storage.ErrTooLarge) || imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("push past the limit: %v", err)
	}
	if after := getStream(t, svc, "ns", "big").ResourceVersion; after != before {
		t.Errorf("stream written: resourceVersion %s -> %s", before, after)
	}
}

package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

func ptr[T any](v T) *T { return &v }

// TestImageStreamsCreate covers SEMANTICS §4.1 through the Service.
func TestImageStreamsCreate(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "seed", "v1", 1)); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("mapping into a missing stream: %v", err)
	}
	createStream(t, svc, "ns", "seed")
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "seed", "v1", 1)); err != nil {
		t.Fatal(err)
	}

	type summary struct {
		Name, Repository string
		Generation       int64
		TagGenerations   map[string]int64
		History          map[string][]string
	}
	summarize := func(is *image.ImageStream) summary {
		s := summary{Name: is.Name, Repository: is.Status.DockerImageRepository, Generation: is.Generation, TagGenerations: map[string]int64{}, History: map[string][]string{}}
		for _, tag := range is.Spec.Tags {
			s.TagGenerations[tag.Name] = *tag.Generation
		}
		for _, l := range is.Status.Tags {
			s.History[l.Tag] = imagesOf(is, l.Tag)
		}
		return s
	}
	tests := []struct {
		name    string
		ns      string
		in      *image.ImageStream
		want    summary
		wantErr image.StatusReason
	}{
		{
			name: "status discarded, generations 1",
			ns:   "ns",
			in: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Name: "ruby", Generation: 7},
				Spec:       image.ImageStreamSpec{Tags: []image.TagReference{{Name: "x", Generation: ptr(int64(5))}}},
				Status:     image.ImageStreamStatus{DockerImageRepository: "forged", Tags: []image.NamedTagEventList{{Tag: "forged", Items: []image.TagEvent{{Image: "x", DockerImageReference: "x"}}}}},
			},
			want: summary{Name: "ruby", Repository: registry + "/ns/ruby", Generation: 1, TagGenerations: map[string]int64{"x": 1}, History: map[string][]string{}},
		},
		{
			name: "spec tags resolved from another stream (§4.4)",
			ns:   "ns",
			in: &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "copy"}, Spec: image.ImageStreamSpec{Tags: []image.TagReference{
				{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "seed:v1"}},
				{Name: "next", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "seed:none"}},
			}}},
			want: summary{Name: "copy", Repository: registry + "/ns/copy", Generation: 1, TagGenerations: map[string]int64{"prod": 1, "next": 1}, History: map[string][]string{"prod": {digest(1)}}},
		},
		{
			name:    "missing source stream is Invalid",
			ns:      "ns",
			in:      &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "broken"}, Spec: image.ImageStreamSpec{Tags: []image.TagReference{{Name: "a", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "nowhere:v1"}}}}},
			wantErr: image.StatusReasonInvalid,
		},
		{
			name:    "invalid name",
			ns:      "ns",
			in:      &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "Upper"}},
			wantErr: image.StatusReasonInvalid,
		},
		{
			name:    "namespace of the object differs",
			ns:      "ns",
			in:      &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a", Namespace: "other"}},
			wantErr: image.StatusReasonBadRequest,
		},
		{
			name:    "client of all namespaces",
			ns:      "",
			in:      &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a", Namespace: "ns"}},
			wantErr: image.StatusReasonBadRequest,
		},
		{
			name:    "exists",
			ns:      "ns",
			in:      &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "seed"}},
			wantErr: image.StatusReasonAlreadyExists,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.ImageStreams(tt.ns).Create(ctx, tt.in)
			if tt.wantErr != "" {
				if imagestream.Reason(err) != tt.wantErr {
					t.Fatalf("error %v, want reason %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarize(got)); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
			if got.UID == "" || got.ResourceVersion == "" || !got.CreationTimestamp.Equal(image.Date(2017, 9, 2, 10, 15, 9)) {
				t.Errorf("system fields not set: %+v", got.ObjectMeta)
			}
			if diff := cmp.Diff(got, getStream(t, svc, tt.ns, got.Name)); diff != "" {
				t.Errorf("Get differs from Create's result (-create +get):\n%s", diff)
			}
		})
	}

	// A generateName must itself pass the name check (§3.1), so no
	// trailing "-" as Kubernetes names usually have.
	is, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{GenerateName: "build"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(is.Name) != len("build")+5 || is.Status.DockerImageRepository != registry+"/ns/"+is.Name {
		t.Errorf("generated name %q, repository %q", is.Name, is.Status.DockerImageRepository)
	}
}

// TestImageStreamsUpdate covers the generation rules of SEMANTICS §4.3 as
// a client sees them: each case updates a fresh copy of one stream.
func TestImageStreamsUpdate(t *testing.T) {
	ctx := context.Background()
	tag := func(name, from string) image.TagReference {
		return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindDockerImage, Name: from}}
	}
	tests := []struct {
		name           string
		change         func(is *image.ImageStream)
		wantGeneration int64
		wantTags       map[string]int64 // spec tag generations
	}{
		{name: "nothing", change: func(*image.ImageStream) {}, wantGeneration: 2, wantTags: map[string]int64{"a": 1, "b": 2}},
		{name: "labels only", change: func(is *image.ImageStream) { is.Labels = map[string]string{"x": "y"} }, wantGeneration: 2, wantTags: map[string]int64{"a": 1, "b": 2}},
		{name: "status is ignored", change: func(is *image.ImageStream) { is.Status.Tags = nil }, wantGeneration: 2, wantTags: map[string]int64{"a": 1, "b": 2}},
		{name: "lookup policy", change: func(is *image.ImageStream) { is.Spec.LookupPolicy.Local = true }, wantGeneration: 3, wantTags: map[string]int64{"a": 1, "b": 2}},
		{name: "new tag", change: func(is *image.ImageStream) { is.Spec.Tags = append(is.Spec.Tags, tag("c", "quay.io/x/c:1")) }, wantGeneration: 3, wantTags: map[string]int64{"a": 1, "b": 2, "c": 3}},
		{name: "changed tag", change: func(is *image.ImageStream) { is.Spec.Tags[0].From.Name = "quay.io/x/a:2" }, wantGeneration: 3, wantTags: map[string]int64{"a": 3, "b": 2}},
		{name: "re-import asked with generation 0", change: func(is *image.ImageStream) { is.Spec.Tags[1].Generation = ptr(int64(0)) }, wantGeneration: 3, wantTags: map[string]int64{"a": 1, "b": 3}},
		{name: "forged generation", change: func(is *image.ImageStream) { is.Spec.Tags[0].Generation = ptr(int64(9)) }, wantGeneration: 2, wantTags: map[string]int64{"a": 1, "b": 2}},
		{name: "annotation of a tag", change: func(is *image.ImageStream) { is.Spec.Tags[0].Annotations = map[string]string{"k": "v"} }, wantGeneration: 3, wantTags: map[string]int64{"a": 1, "b": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			createStream(t, svc, "ns", "app", tag("a", "quay.io/x/a:1"))
			if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "pushed", 1)); err != nil {
				t.Fatal(err)
			}
			is := getStream(t, svc, "ns", "app")
			is.Spec.Tags = append(is.Spec.Tags, tag("b", "quay.io/x/b:1"))
			is, err := svc.ImageStreams("ns").Update(ctx, is)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(is)
			got, err := svc.ImageStreams("ns").Update(ctx, is)
			if err != nil {
				t.Fatal(err)
			}
			tags := map[string]int64{}
			for _, st := range got.Spec.Tags {
				tags[st.Name] = *st.Generation
			}
			if got.Generation != tt.wantGeneration {
				t.Errorf("generation = %d, want %d", got.Generation, tt.wantGeneration)
			}
			if diff := cmp.Diff(tt.wantTags, tags); diff != "" {
				t.Errorf("spec tag generations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{digest(1)}, imagesOf(got, "pushed")); diff != "" {
				t.Errorf("status changed by a spec update (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImageStreamsUpdateSystemFields: an update keeps uid and creation
// time when the client leaves them out, rejects another uid, and needs
// the stream to exist.
func TestImageStreamsUpdateSystemFields(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t)
	created := createStream(t, svc, "ns", "app")
	clk.add(time.Hour)
	in := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", ResourceVersion: created.ResourceVersion, Labels: map[string]string{"a": "b"}}}
	got, err := svc.ImageStreams("ns").Update(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got.UID != created.UID || !got.CreationTimestamp.Equal(created.CreationTimestamp) || got.Labels["a"] != "b" {
		t.Errorf("updated metadata = %+v", got.ObjectMeta)
	}
	got.UID = "another"
	if _, err := svc.ImageStreams("ns").Update(ctx, got); !errors.Is(err, image.ErrInvalid) {
		t.Errorf("changing the uid: %v", err)
	}
	missing := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "missing", ResourceVersion: "5"}}
	if _, err := svc.ImageStreams("ns").Update(ctx, missing); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("updating a missing stream: %v", err)
	}
	bad := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", ResourceVersion: "x1"}}
	if _, err := svc.ImageStreams("ns").Update(ctx, bad); imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("unparsable resourceVersion: %v", err)
	}
}

// TestImageStreamsUpdateStatus covers the status subresource (§4.5).
func TestImageStreamsUpdateStatus(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	is := createStream(t, svc, "ns", "app", image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/x/a:1"}})
	is.Spec.LookupPolicy.Local = true
	is, err := svc.ImageStreams("ns").Update(ctx, is)
	if err != nil {
		t.Fatal(err)
	}
	in := is.DeepCopy()
	in.Spec.Tags = nil // ignored
	in.Status.Tags = []image.NamedTagEventList{
		{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "quay.io/x/a@" + digest(1), Image: digest(1)}}},
		{Tag: "b", Items: []image.TagEvent{{DockerImageReference: "quay.io/x/b@" + digest(2), Image: digest(2), Generation: 1}}},
	}
	got, err := svc.ImageStreams("ns").UpdateStatus(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Tags) != 1 || got.Generation != 2 {
		t.Errorf("spec changed by a status update: generation %d, tags %v", got.Generation, got.Spec.Tags)
	}
	gens := map[string]int64{}
	for _, l := range got.Status.Tags {
		gens[l.Tag] = l.Items[0].Generation
	}
	// A new event sent with generation 0 answers the stream's generation.
	if diff := cmp.Diff(map[string]int64{"a": 2, "b": 1}, gens); diff != "" {
		t.Errorf("event generations (-want +got):\n%s", diff)
	}
	if _, err := svc.ImageStreams("ns").UpdateStatus(ctx, in); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("status update with a stale resourceVersion: %v", err)
	}
	invalid := got.DeepCopy()
	invalid.Status.Tags[0].Items = append([]image.TagEvent{{DockerImageReference: "Not A Reference", Image: digest(3)}}, invalid.Status.Tags[0].Items...)
	if _, err := svc.ImageStreams("ns").UpdateStatus(ctx, invalid); !errors.Is(err, image.ErrInvalid) {
		t.Errorf("status update with a bad pull spec: %v", err)
	}
}

// TestImageStreamsUpdateStatusLimitIsInvalid: SEMANTICS §4.5: the status
// strategy's validation is the limit check, Forbidden at field
// "imageStream", then the status pull-spec validation, all in one 422
// Invalid; the limit error comes first.
func TestImageStreamsUpdateStatusLimitIsInvalid(t *testing.T) {
	ctx := context.Background()
	limit := imagestream.WithLimitVerifier(func(_ context.Context, is, _ *image.ImageStream) error {
		if imagestream.StatusTag(is, "over") != nil {
			return errors.New("exceeds limit")
		}
		return nil
	})
	const (
		limitCause = `imageStream: Forbidden: imagestreams.image.openshift.io "app" is forbidden: exceeds limit`
		badCause   = `status.tags[%s].items[0].dockerImageReference: Invalid value: "Not A Reference": invalid reference format`
	)
	type result struct{ Outcome, Message string }
	tests := []struct {
		name, tag, pullSpec string
		want                result
	}{
		{name: "over the limit", tag: "over", pullSpec: "quay.io/a/b@" + digest(1), want: result{
			Outcome: "Invalid imageStream:FieldValueForbidden",
			Message: `ImageStream.image.openshift.io "app" is invalid: ` + limitCause,
		}},
		{name: "over the limit with a bad pull spec: the limit comes first", tag: "over", pullSpec: "Not A Reference", want: result{
			Outcome: "Invalid imageStream:FieldValueForbidden status.tags[over].items[0].dockerImageReference:FieldValueInvalid",
			Message: `ImageStream.image.openshift.io "app" is invalid: [` + limitCause + ", " + fmt.Sprintf(badCause, "over") + "]",
		}},
		{name: "within the limit with a bad pull spec", tag: "ok", pullSpec: "Not A Reference", want: result{
			Outcome: "Invalid status.tags[ok].items[0].dockerImageReference:FieldValueInvalid",
			Message: `ImageStream.image.openshift.io "app" is invalid: ` + fmt.Sprintf(badCause, "ok"),
		}},
		{name: "within the limit", tag: "ok", pullSpec: "quay.io/a/b@" + digest(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t, limit)
			is := createStream(t, svc, "ns", "app")
			is.Status.Tags = []image.NamedTagEventList{{Tag: tt.tag, Items: []image.TagEvent{{DockerImageReference: tt.pullSpec, Image: digest(1)}}}}
			_, err := svc.ImageStreams("ns").UpdateStatus(ctx, is)
			got := result{Outcome: outcome(err)}
			if err != nil {
				got.Message = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImageStreamsListPages(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for _, n := range []string{"ns/e", "ns/a", "other/b", "ns/c", "ns/d"} {
		ns, name, _ := strings.Cut(n, "/")
		createStream(t, svc, ns, name)
	}
	names := func(ns string, limit int64) (pages [][]string) {
		opts := imagestream.ListOptions{Limit: limit}
		for {
			list, err := svc.ImageStreams(ns).List(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			var page []string
			for _, is := range list.Items {
				page = append(page, is.Namespace+"/"+is.Name)
			}
			pages = append(pages, page)
			if list.Continue == "" {
				return pages
			}
			opts.Continue = list.Continue
		}
	}
	if diff := cmp.Diff([][]string{{"ns/a", "ns/c"}, {"ns/d", "ns/e"}}, names("ns", 2)); diff != "" {
		t.Errorf("pages of ns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"ns/a", "ns/c", "ns/d", "ns/e", "other/b"}}, names("", 0)); diff != "" {
		t.Errorf("all namespaces (-want +got):\n%s", diff)
	}
	if _, err := svc.ImageStreams("ns").List(ctx, imagestream.ListOptions{Continue: "garbage"}); imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("bad continue token: %v", err)
	}
}

func TestImageStreamsDelete(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	is := createStream(t, svc, "ns", "app")
	tests := []struct {
		name    string
		pre     *imagestream.Preconditions
		wantMsg string
	}{
		{name: "wrong uid", pre: &imagestream.Preconditions{UID: "wrong"},
			wantMsg: fmt.Sprintf(`Operation cannot be fulfilled on imagestreams.image.openshift.io "app": Precondition failed: UID in precondition: wrong, UID in object meta: %s`, is.UID)},
		{name: "stale resourceVersion", pre: &imagestream.Preconditions{ResourceVersion: "1"},
			wantMsg: fmt.Sprintf(`Operation cannot be fulfilled on imagestreams.image.openshift.io "app": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: %s`, is.ResourceVersion)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := svc.ImageStreams("ns").Delete(ctx, "app", imagestream.DeleteOptions{Preconditions: tt.pre})
			if !errors.Is(err, storage.ErrConflict) || err.Error() != tt.wantMsg {
				t.Errorf("Delete = %v\nwant %s", err, tt.wantMsg)
			}
		})
	}
	if err := svc.ImageStreams("ns").Delete(ctx, "app", imagestream.DeleteOptions{Preconditions: &imagestream.Preconditions{UID: is.UID, ResourceVersion: is.ResourceVersion}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ImageStreams("ns").Delete(ctx, "app", imagestream.DeleteOptions{}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	// A stream created again under the same name starts afresh.
	again := createStream(t, svc, "ns", "app")
	if again.UID == is.UID || len(again.Status.Tags) != 0 {
		t.Errorf("recreated stream = %+v", again)
	}
}

func TestImageStreamsWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "before")
	list, err := svc.ImageStreams("ns").List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := svc.ImageStreams("ns").Watch(ctx, imagestream.WatchOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	createStream(t, svc, "other", "ignored")
	createStream(t, svc, "ns", "app")
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); err != nil {
		t.Fatal(err)
	}
	if err := svc.ImageStreams("ns").Delete(ctx, "app", imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		Type    storage.EventType
		Name    string
		History []string
	}
	var got []seen
	var rvs []string
	for range 3 {
		ev := <-events
		got = append(got, seen{ev.Type, ev.Object.Name, imagesOf(ev.Object, "latest")})
		rvs = append(rvs, ev.Object.ResourceVersion)
	}
	want := []seen{{storage.Added, "app", nil}, {storage.Modified, "app", []string{digest(1)}}, {storage.Deleted, "app", []string{digest(1)}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// Resuming after the first event replays the other two.
	resumed, err := svc.ImageStreams("ns").Watch(ctx, imagestream.WatchOptions{ResourceVersion: rvs[0]})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 3; i++ {
		ev := <-resumed
		if ev.Type != want[i].Type || ev.Object.ResourceVersion != rvs[i] {
			t.Errorf("resumed event %d = %s at %s, want %s at %s", i, ev.Type, ev.Object.ResourceVersion, want[i].Type, rvs[i])
		}
	}
}

package imagestream

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

var t0 = image.Date(2024, time.May, 1, 12, 0, 0)

func ev(ref, img string, gen int64) image.TagEvent {
	return image.TagEvent{Created: t0, DockerImageReference: ref, Image: img, Generation: gen}
}

func failed(gen int64) []image.TagEventCondition {
	return []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound", Generation: gen}}
}

// TestAddTagEvent covers every branch of SEMANTICS §5.1.
func TestAddTagEvent(t *testing.T) {
	later := image.Date(2024, time.May, 2, 12, 0, 0)
	tests := []struct {
		name        string
		existing    []image.NamedTagEventList
		next        image.TagEvent
		wantChanged bool
		want        []image.NamedTagEventList
	}{
		{
			name:        "§5.1 first event of a new tag",
			next:        ev("r@sha256:a", "sha256:a", 1),
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}}},
		},
		{
			name:        "§5.1 first event of a tag that has only a condition drops the condition",
			existing:    []image.NamedTagEventList{{Tag: "latest", Conditions: failed(1)}},
			next:        ev("r@sha256:a", "sha256:a", 2),
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 2)}}},
		},
		{
			name:     "§5.1 identical event changes nothing and keeps conditions",
			existing: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}, Conditions: failed(1)}},
			next:     image.TagEvent{Created: later, DockerImageReference: "r@sha256:a", Image: "sha256:a", Generation: 1},
			want:     []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}, Conditions: failed(1)}},
		},
		{
			name:        "§5.1 same reference and image: generation updated in place, created kept",
			existing:    []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}, Conditions: failed(1)}},
			next:        image.TagEvent{Created: later, DockerImageReference: "r@sha256:a", Image: "sha256:a", Generation: 3},
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 3)}}},
		},
		{
			name:        "§5.1 same reference, new image: image and generation updated in place",
			existing:    []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r:latest", "", 1)}}},
			next:        ev("r:latest", "sha256:b", 2),
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r:latest", "sha256:b", 2)}}},
		},
		{
			name:        "§5.1 same image, new reference: reference and generation updated in place",
			existing:    []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("a/r@sha256:a", "sha256:a", 1)}}},
			next:        ev("b/r@sha256:a", "sha256:a", 2),
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("b/r@sha256:a", "sha256:a", 2)}}},
		},
		{
			name:        "§5.1 different event is prepended, newest first",
			existing:    []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}, Conditions: failed(1)}},
			next:        ev("r@sha256:b", "sha256:b", 2),
			wantChanged: true,
			want:        []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:b", "sha256:b", 2), ev("r@sha256:a", "sha256:a", 1)}}},
		},
		{
			name: "§5.1 an image deeper in history is prepended again",
			existing: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{
				ev("r@sha256:b", "sha256:b", 2), ev("r@sha256:a", "sha256:a", 1)}}},
			next:        ev("r@sha256:a", "sha256:a", 3),
			wantChanged: true,
			want: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{
				ev("r@sha256:a", "sha256:a", 3), ev("r@sha256:b", "sha256:b", 2), ev("r@sha256:a", "sha256:a", 1)}}},
		},
		{
			name:        "§2.3 a new tag is inserted in name order",
			existing:    []image.NamedTagEventList{{Tag: "a", Items: []image.TagEvent{ev("x", "", 1)}}, {Tag: "z", Items: []image.TagEvent{ev("y", "", 1)}}},
			next:        ev("r@sha256:a", "sha256:a", 1),
			wantChanged: true,
			want: []image.NamedTagEventList{
				{Tag: "a", Items: []image.TagEvent{ev("x", "", 1)}},
				{Tag: "latest", Items: []image.TagEvent{ev("r@sha256:a", "sha256:a", 1)}},
				{Tag: "z", Items: []image.TagEvent{ev("y", "", 1)}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := &image.ImageStream{Status: image.ImageStreamStatus{Tags: tt.existing}}
			if got := AddTagEvent(is, "latest", tt.next); got != tt.wantChanged {
				t.Errorf("AddTagEvent = %v, want %v", got, tt.wantChanged)
			}
			if diff := cmp.Diff(tt.want, is.Status.Tags); diff != "" {
				t.Errorf("status tags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	// SEMANTICS §2.3: duplicates collapse, last one wins; output sorted.
	is := &image.ImageStream{
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{
			{Name: "b", Reference: true}, {Name: "a"}, {Name: "b"}, {Name: "c"},
		}},
		Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{{Tag: "z"}, {Tag: "y"}}},
	}
	Normalize(is)
	want := []image.TagReference{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	if diff := cmp.Diff(want, is.Spec.Tags); diff != "" {
		t.Errorf("spec tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]image.NamedTagEventList{{Tag: "y"}, {Tag: "z"}}, is.Status.Tags); diff != "" {
		t.Errorf("status tags (-want +got):\n%s", diff)
	}
}

func TestSpecTagEdits(t *testing.T) {
	is := &image.ImageStream{}
	for _, n := range []string{"m", "a", "z", "m"} {
		SetSpecTag(is, image.TagReference{Name: n, Reference: n == "m"})
	}
	if got := len(is.Spec.Tags); got != 3 {
		t.Fatalf("len = %d, want 3", got)
	}
	if st := SpecTag(is, "m"); st == nil || !st.Reference {
		t.Errorf("SpecTag(m) = %+v", st)
	}
	if !RemoveSpecTag(is, "a") || RemoveSpecTag(is, "a") || SpecTag(is, "a") != nil {
		t.Errorf("RemoveSpecTag did not remove exactly once")
	}
	AddTagEvent(is, "q", ev("x", "", 1))
	if !RemoveStatusTag(is, "q") || StatusTag(is, "q") != nil {
		t.Errorf("RemoveStatusTag failed")
	}
}

func tracking(name, from string) image.TagReference {
	return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: from}}
}

// TestUpdateTrackingTags covers SEMANTICS §5.3.
func TestUpdateTrackingTags(t *testing.T) {
	event := ev("r@sha256:n", "sha256:n", 5)
	tests := []struct {
		name        string
		spec        []image.TagReference
		updated     string
		wantChanged int
		wantTags    []string // tags whose newest event is event
	}{
		{"no spec tags", nil, "latest", 0, nil},
		{"tracking by tag name", []image.TagReference{tracking("prod", "latest")}, "latest", 1, []string{"prod"}},
		{"tracking by stream:tag", []image.TagReference{tracking("prod", "ruby:latest")}, "latest", 1, []string{"prod"}},
		{"other stream is ignored", []image.TagReference{tracking("prod", "other:latest")}, "latest", 0, nil},
		{"other namespace is ignored", []image.TagReference{{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Namespace: "elsewhere", Name: "latest"}}}, "latest", 0, nil},
		{"same namespace spelled out", []image.TagReference{{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Namespace: "ns", Name: "latest"}}}, "latest", 1, []string{"prod"}},
		{"other source tag is ignored", []image.TagReference{tracking("prod", "v1")}, "latest", 0, nil},
		{"DockerImage kind is not tracking", []image.TagReference{{Name: "prod", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "latest"}}}, "latest", 0, nil},
		{"several trackers", []image.TagReference{tracking("a", "latest"), tracking("b", "ruby:latest"), tracking("c", "v1")}, "latest", 2, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby", Namespace: "ns"}, Spec: image.ImageStreamSpec{Tags: tt.spec}}
			Normalize(is)
			if got := UpdateTrackingTags(is, tt.updated, event); got != tt.wantChanged {
				t.Errorf("changed = %d, want %d", got, tt.wantChanged)
			}
			var got []string
			for _, l := range is.Status.Tags {
				if len(l.Items) > 0 && l.Items[0] == event {
					got = append(got, l.Tag)
				}
			}
			if diff := cmp.Diff(tt.wantTags, got); diff != "" {
				t.Errorf("updated tags (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResolveImageID covers SEMANTICS §5.4.
func TestResolveImageID(t *testing.T) {
	const (
		a = "sha256:aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
		b = "sha256:aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222"
	)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	is := &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
		{Tag: "one", Items: []image.TagEvent{ev("r@"+a, a, 1)}},
		{Tag: "two", Items: []image.TagEvent{ev("r@"+b, b, 2), ev("old/r@"+a, a, 1)}},
		{Tag: "ref", Items: []image.TagEvent{ev("docker.io/x:1", "", 1)}},
	}}}
	tests := []struct {
		name       string
		id         string
		want       image.TagEvent
		wantReason image.StatusReason
		wantMsg    string
	}{
		{name: "full name", id: a, want: image.TagEvent{Created: image.NewTime(now), DockerImageReference: "old/r@" + a, Image: a}},
		{name: "hex prefix", id: "aaaa2", want: image.TagEvent{Created: image.NewTime(now), DockerImageReference: "r@" + b, Image: b}},
		{name: "digest prefix", id: "sha256:aaaa2", want: image.TagEvent{Created: image.NewTime(now), DockerImageReference: "r@" + b, Image: b}},
		{name: "ambiguous prefix is a conflict", id: "aaaa", wantReason: image.StatusReasonConflict,
			wantMsg: `Operation cannot be fulfilled on imagestreamimage.image.openshift.io "aaaa": multiple images match the prefix "aaaa": ` + a + ", " + b},
		{name: "no match", id: "bbbb", wantReason: image.StatusReasonNotFound, wantMsg: `imagestreamimage.image.openshift.io "bbbb" not found`},
		{name: "reference-only events never match", id: "docker.io", wantReason: image.StatusReasonNotFound, wantMsg: `imagestreamimage.image.openshift.io "docker.io" not found`},
		{name: "empty id matches everything", id: "sha256:", wantReason: image.StatusReasonConflict,
			wantMsg: `Operation cannot be fulfilled on imagestreamimage.image.openshift.io "sha256:": multiple images match the prefix "sha256:": ` + a + ", " + b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveImageID(is, tt.id, now)
			if tt.wantReason != "" {
				if Reason(err) != tt.wantReason || err.Error() != tt.wantMsg {
					t.Fatalf("err = %v (%s), want %s %q", err, Reason(err), tt.wantReason, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := ResolveImageID(is, "zzz", now)
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("errors.Is(NotFound, storage.ErrNotFound) = false")
	}
}

// TestResolveReferenceForTagEvent covers SEMANTICS §5.2 and §11.1.
func TestResolveReferenceForTagEvent(t *testing.T) {
	const img = "sha256:aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
	local := image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}
	tests := []struct {
		name   string
		spec   []image.TagReference
		repo   string
		event  image.TagEvent
		expect string
	}{
		{"no spec tag: source", nil, "reg:5000/ns/is", ev("quay.io/a/b@"+img, img, 1), "quay.io/a/b@" + img},
		{"Source policy", []image.TagReference{{Name: "t", ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}}}, "reg:5000/ns/is", ev("quay.io/a/b@"+img, img, 1), "quay.io/a/b@" + img},
		{"Local policy", []image.TagReference{{Name: "t", ReferencePolicy: local}}, "reg:5000/ns/is", ev("quay.io/a/b@"+img, img, 1), "reg:5000/ns/is@" + img},
		{"Local without repository", []image.TagReference{{Name: "t", ReferencePolicy: local}}, "", ev("quay.io/a/b@"+img, img, 1), "quay.io/a/b@" + img},
		{"Local reference-only event", []image.TagReference{{Name: "t", ReferencePolicy: local}}, "reg:5000/ns/is", ev("quay.io/a/b:1", "", 1), "quay.io/a/b:1"},
		{"Local unparsable repository", []image.TagReference{{Name: "t", ReferencePolicy: local}}, "Not A Repo", ev("quay.io/a/b@"+img, img, 1), "quay.io/a/b@" + img},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := &image.ImageStream{Spec: image.ImageStreamSpec{Tags: tt.spec}, Status: image.ImageStreamStatus{DockerImageRepository: tt.repo}}
			if got := ResolveReferenceForTagEvent(is, "t", &tt.event); got != tt.expect {
				t.Errorf("got %q, want %q", got, tt.expect)
			}
		})
	}
}

func TestLatestObservedTagGeneration(t *testing.T) {
	is := &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
		{Tag: "a", Items: []image.TagEvent{ev("x", "", 3)}, Conditions: failed(5)},
		{Tag: "b", Items: []image.TagEvent{ev("x", "", 7)}, Conditions: failed(5)},
		{Tag: "c", Conditions: failed(2)},
	}}}
	for tag, want := range map[string]int64{"a": 5, "b": 7, "c": 2, "missing": 0} {
		if got := LatestObservedTagGeneration(is, tag); got != want {
			t.Errorf("%s: got %d, want %d", tag, got, want)
		}
	}
	if !HasTagCondition(is, "a", image.TagEventCondition{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound", Message: "other"}) {
		t.Errorf("HasTagCondition ignores message and generation")
	}
	if HasTagCondition(is, "a", image.TagEventCondition{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "Unauthorized"}) {
		t.Errorf("HasTagCondition matched a different reason")
	}
}

package describe_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
)

// ocNow4 is the clock of the oc 4.2 comparison cases.
var ocNow4 = time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)

// describeStream renders is and returns the lines after the header, from
// the first tag block on.
func describeStream(t *testing.T, is *image.ImageStream) string {
	t.Helper()
	var out bytes.Buffer
	if err := describe.ImageStream(&out, is, ocNow4); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return s[i+2:]
	}
	return s
}

// TestTagBlockLikeOc holds the tag blocks to what oc 4.2's
// formatImageStreamTags prints.
func TestTagBlockLikeOc(t *testing.T) {
	tests := []struct {
		name string
		is   *image.ImageStream
		want string
	}{
		{
			// oc formatImageStreamTags: "  no spec tag".
			name: "status-only tag",
			is: &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
				{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "r/a@sha256:1", Image: "sha256:1"}}},
			}}},
			want: "latest\n  no spec tag\n\n  * r/a@sha256:1\n      <unknown>\n",
		},
		{
			// oc formatImageStreamTags prints the pull spec as it is,
			// even empty; an empty spec does not parse, so no image name.
			name: "event without pull spec",
			is: &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
				{Tag: "a", Items: []image.TagEvent{{Image: "sha256:1"}}},
			}}},
			want: "a\n  no spec tag\n\n  * \n      <unknown>\n",
		},
		{
			// oc formatImageStreamTags shows the image name only when
			// reference.Parse accepts the pull spec; an upper-case
			// repository does not parse (SEMANTICS §9).
			name: "unparsable pull spec",
			is: &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
				{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "q/A:1", Image: "sha256:1"}, {DockerImageReference: "q/a:1", Image: "sha256:1"}}},
			}}},
			want: "a\n  no spec tag\n\n  * q/A:1\n      <unknown>\n    q/a:1\n      <unknown>\tsha256:1\n",
		},
		{
			// oc formatImageStreamTags prints the condition's message as
			// it is stored.
			name: "import error without message",
			is: &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
				{Tag: "a", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound"}}},
			}}},
			want: "a\n  no spec tag\n\n  ! error: Import failed (NotFound): \n      <unknown>\n",
		},
		{
			// oc formatImageStreamTags: "  tag without source image".
			name: "spec tag without from",
			is: &image.ImageStream{
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{{Name: "x"}}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
					{Tag: "x", Items: []image.TagEvent{{DockerImageReference: "r/a@sha256:1", Image: "sha256:1"}}},
				}},
			},
			want: "x\n  tag without source image\n\n  * r/a@sha256:1\n      <unknown>\n",
		},
		{
			// oc formatImageStreamTags prints nothing for a tag without
			// events.
			name: "tag without events",
			is: &image.ImageStream{Spec: image.ImageStreamSpec{Tags: []image.TagReference{
				{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}},
			}}},
			want: "a\n  tagged from q/a:1\n\n",
		},
		{
			// oc formatImageStreamTags: a scheduled ImageStreamTag source.
			name: "scheduled stream tag",
			is:   specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "b:1"}, ImportPolicy: image.TagImportPolicy{Scheduled: true}}),
			want: "a\n  updates automatically from b:1\n\n",
		},
		{
			// oc formatImageStreamTags: a reference to an ImageStreamImage.
			name: "reference to stream image",
			is:   specOnly(image.TagReference{Name: "a", Reference: true, From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "b@sha256:1"}}),
			want: "a\n  reference to image b@sha256:1\n\n",
		},
		{
			// oc formatImageStreamTags: an ImageStreamImage is never
			// "updates automatically".
			name: "scheduled stream image",
			is:   specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "b@sha256:1"}, ImportPolicy: image.TagImportPolicy{Scheduled: true}}),
			want: "a\n  tagged from b@sha256:1\n\n",
		},
		{
			// oc formatImageStreamTags: other kinds are named.
			name: "other kind",
			is:   specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: "Build", Name: "b"}}),
			want: "a\n  updates from Build b\n\n",
		},
		{
			name: "reference to other kind",
			is:   specOnly(image.TagReference{Name: "a", Reference: true, From: &image.ObjectReference{Kind: "Build", Name: "b"}}),
			want: "a\n  reference to Build b\n\n",
		},
		{
			// oc formatImageStreamTags indents the pullthrough line under
			// the source, as the insecure line.
			name: "local reference policy",
			is: specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"},
				ImportPolicy: image.TagImportPolicy{Insecure: true}, ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}}),
			want: "a\n  tagged from q/a:1\n    will use insecure HTTPS or HTTP connections\n    prefer registry pullthrough when referencing this tag\n\n",
		},
		{
			// oc formatImageStreamTags and latestObservedTagGeneration: the
			// spec generation is newer than the newest event's.
			name: "importing",
			is: &image.ImageStream{
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}, Generation: gen(3)},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
					{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "q/a@sha256:1", Image: "sha256:1", Generation: 2}}},
				}},
			},
			want: "a\n  tagged from q/a:1\n\n  ~ importing latest image ...\n  * q/a@sha256:1\n      <unknown>\n",
		},
		{
			// latestObservedTagGeneration: the ImportSuccess condition
			// counts as observed.
			name: "import observed by a condition",
			is: &image.ImageStream{
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}, Generation: gen(3)},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
					{Tag: "a", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound", Message: "gone", Generation: 3}}},
				}},
			},
			want: "a\n  tagged from q/a:1\n\n  ! error: Import failed (NotFound): gone\n      <unknown>\n",
		},
		{
			// oc formatImageStreamTags: a reference is never importing.
			name: "reference not importing",
			is: specOnly(image.TagReference{Name: "a", Reference: true, Generation: gen(1),
				From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}}),
			want: "a\n  reference to registry q/a:1\n\n",
		},
		{
			name: "new tag importing",
			is:   specOnly(image.TagReference{Name: "a", Generation: gen(1), From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}}),
			want: "a\n  tagged from q/a:1\n\n  ~ importing latest image ...\n",
		},
		{
			// oc formatImageStreamTags joins the split "tags" and
			// "supports" with ", " and trims nothing.
			name: "notes",
			is: specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"},
				Annotations: map[string]string{"tags": "builder, ruby", "supports": "ruby:3.1,ruby"}}),
			want: "a\n  tagged from q/a:1\n\n  Tags: builder,  ruby\n  Supports: ruby:3.1, ruby\n\n",
		},
		{
			// oc formatImageStreamTags prefixes a foreign namespace
			// whatever the kind.
			name: "docker image with namespace",
			is:   specOnly(image.TagReference{Name: "a", From: &image.ObjectReference{Kind: image.KindDockerImage, Namespace: "other", Name: "q/a:1"}}),
			want: "a\n  tagged from other/q/a:1\n\n",
		},
		{
			// oc formatImageStreamTags prints the image after the age when
			// the pull spec's ID differs from it.
			name: "event by tag",
			is: &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
				{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "q/a:1", Image: "sha256:1"}, {DockerImageReference: "q/a@sha256:2", Image: "sha256:2"}}},
			}}},
			want: "a\n  no spec tag\n\n  * q/a:1\n      <unknown>\tsha256:1\n    q/a@sha256:2\n      <unknown>\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeStream(t, tt.is); got != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

// specOnly is a stream with one spec tag and no history.
func specOnly(tag image.TagReference) *image.ImageStream {
	return &image.ImageStream{Spec: image.ImageStreamSpec{Tags: []image.TagReference{tag}}}
}

func gen(n int64) *int64 { return &n }

// TestUniqueImagesLikeOc holds the Unique Images line to oc
// formatImageStreamTags' count, including its empty-key quirk for events
// without an image name.
func TestUniqueImagesLikeOc(t *testing.T) {
	ev := func(ref, img string) image.TagEvent { return image.TagEvent{DockerImageReference: ref, Image: img} }
	tests := []struct {
		name   string
		events []image.TagEvent
		want   string
	}{
		{"named images", []image.TagEvent{ev("r@sha256:1", "sha256:1"), ev("s@sha256:1", "sha256:1"), ev("r@sha256:2", "sha256:2")}, "2"},
		{"unnamed events count once", []image.TagEvent{ev("r:1", ""), ev("r:2", ""), ev("r@sha256:1", "sha256:1")}, "2"},
		{"empty events do not count", []image.TagEvent{ev("", ""), ev("r@sha256:1", "sha256:1")}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{{Tag: "a", Items: tt.events}}}}
			var out bytes.Buffer
			if err := describe.ImageStream(&out, is, ocNow4); err != nil {
				t.Fatal(err)
			}
			if want := "Unique Images:\t\t" + tt.want + "\n"; !strings.Contains(out.String(), want) {
				t.Errorf("want %q in:\n%s", want, out.String())
			}
		})
	}
}

// TestFollowersLikeOc holds tags that follow other tags of the stream to
// oc formatImageStreamTags, which groups them with FollowTagReference.
func TestFollowersLikeOc(t *testing.T) {
	ist := func(name, from string) image.TagReference {
		return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: from}}
	}
	docker := image.TagReference{Name: "latest", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "q/a:1"}}
	tests := []struct {
		name string
		tags []image.TagReference
		want string
	}{
		{
			name: "chain",
			tags: []image.TagReference{docker, ist("stable", "latest"), ist("prod", "app:stable")},
			want: "latest (prod, stable)\n  tagged from q/a:1\n\n",
		},
		{
			name: "other stream",
			tags: []image.TagReference{docker, ist("x", "other:latest")},
			want: "latest\n  tagged from q/a:1\n\n\nx\n  tagged from other:latest\n\n",
		},
		{
			name: "missing target",
			tags: []image.TagReference{docker, ist("x", "gone")},
			want: "latest\n  tagged from q/a:1\n\n\nx\n  tagged from gone\n\n",
		},
		{
			name: "loop",
			tags: []image.TagReference{ist("a", "b"), ist("b", "a")},
			want: "a\n  tagged from b\n\n\nb\n  tagged from a\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: image.ImageStreamSpec{Tags: tt.tags}}
			if got := describeStream(t, is); got != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

// TestImageLinesLikeOc holds lines of the image descriptions that oc
// DescribeImage and describeDockerImage print only when they have a
// value.
func TestImageLinesLikeOc(t *testing.T) {
	var out bytes.Buffer
	ist := &image.ImageStreamTag{Image: image.Image{DockerImageReference: "q/a@sha256:1",
		DockerImageMetadata: image.DockerImage{Config: &image.DockerConfig{Cmd: []string{"run"}}}}}
	if err := describe.ImageStreamTag(&out, ist, ocNow4); err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"Image Name:", "Environment:", "Volumes:"} {
		if strings.Contains(out.String(), label) {
			t.Errorf("%s printed for an empty value:\n%s", label, out.String())
		}
	}
}

// TestImageWithoutConfigLikeOc: oc DescribeImage describes a missing
// config as an empty one.
func TestImageWithoutConfigLikeOc(t *testing.T) {
	var out bytes.Buffer
	img := &image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:1"}, DockerImageReference: "q/a@sha256:1"}
	if err := describe.Image(&out, img, ocNow4); err != nil {
		t.Fatal(err)
	}
	want := "Arch:\t\t<none>\nCommand:\t<none>\nWorking Dir:\t<none>\nUser:\t\t<none>\nExposes Ports:\t<none>\nDocker Labels:\t<none>\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("got:\n%s\nwant it to end in:\n%s", out.String(), want)
	}
}

// TestEmptyStreamLikeOc: oc formatImageStreamTags prints only
// "Tags: <none>" for a stream without tags.
func TestEmptyStreamLikeOc(t *testing.T) {
	var out bytes.Buffer
	if err := describe.ImageStream(&out, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a", Namespace: "b"}}, ocNow4); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Contains(got, "Unique Images") || !strings.HasSuffix(got, "Tags:\t\t\t<none>\n") {
		t.Errorf("got:\n%s", got)
	}
}

// TestNoNamespaceLikeOc: oc formatMeta prints Namespace only when set.
func TestNoNamespaceLikeOc(t *testing.T) {
	var out bytes.Buffer
	if err := describe.ImageStream(&out, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a"}}, ocNow4); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Namespace:") {
		t.Errorf("got:\n%s", out.String())
	}
}

// TestDescriptionLikeOc: oc formatAnnotations shows the "description"
// annotation as its own line.
func TestDescriptionLikeOc(t *testing.T) {
	var out bytes.Buffer
	is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a", Annotations: map[string]string{"description": "Ruby", "x": "y"}}}
	if err := describe.ImageStream(&out, is, ocNow4); err != nil {
		t.Fatal(err)
	}
	if want := "Description:\t\tRuby\nAnnotations:\t\tx=y\n"; !strings.Contains(out.String(), want) {
		t.Errorf("want %q in:\n%s", want, out.String())
	}
	out.Reset()
	img := &image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:1", Annotations: map[string]string{"description": "Ruby"}}}
	if err := describe.Image(&out, img, ocNow4); err != nil {
		t.Fatal(err)
	}
	if want := "Description:\tRuby\nAnnotations:\t<none>\n"; !strings.Contains(out.String(), want) {
		t.Errorf("want %q in:\n%s", want, out.String())
	}
}

// TestAnnotationsLikeOc: oc formatAnnotations hides only the
// "description" annotation, kubectl's last-applied configuration
// included, and DescribeImage prints an Annotations line whenever the
// image has one; the first value of a list reads "<none>" when empty,
// as oc formatString prints it.
func TestAnnotationsLikeOc(t *testing.T) {
	const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
	tests := []struct {
		name  string
		print func(io.Writer) error
		want  string
	}{
		{
			name: "stream with last-applied",
			print: func(w io.Writer) error {
				return describe.ImageStream(w, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "a",
					Annotations: map[string]string{lastApplied: `{"kind":"ImageStream"}`, "x": "y"}}}, ocNow4)
			},
			want: "Annotations:\t\t" + lastApplied + `={"kind":"ImageStream"}` + "\n\t\t\tx=y\n",
		},
		{
			name: "image with only last-applied",
			print: func(w io.Writer) error {
				return describe.Image(w, &image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:1",
					Annotations: map[string]string{lastApplied: `{"kind":"Image"}`}}}, ocNow4)
			},
			want: "\nAnnotations:\t" + lastApplied + `={"kind":"Image"}` + "\n",
		},
		{
			name: "empty first environment entry",
			print: func(w io.Writer) error {
				return describe.Image(w, &image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:1"},
					DockerImageMetadata: image.DockerImage{Config: &image.DockerConfig{Env: []string{"", "A=1"}}}}, ocNow4)
			},
			want: "\nEnvironment:\t<none>\n\t\tA=1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := tt.print(&out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("want %q in:\n%s", tt.want, out.String())
			}
		})
	}
}

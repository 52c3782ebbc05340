package imagestream

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

const (
	digA = "sha256:aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
	digB = "sha256:bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222"
)

var now = time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)

func gen(g int64) *int64 { return &g }

func dockerTag(name, from string, g *int64) image.TagReference {
	return image.TagReference{Name: name, From: &image.ObjectReference{Kind: image.KindDockerImage, Name: from}, Generation: g,
		ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModeLegacy}, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}}
}

func istTag(name, from string, g *int64) image.TagReference {
	t := dockerTag(name, from, g)
	t.From.Kind = image.KindImageStreamTag
	return t
}

func newStream(tags ...image.TagReference) *image.ImageStream {
	return &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby", Namespace: "ns", ResourceVersion: "1"}, Spec: image.ImageStreamSpec{Tags: tags}}
}

type getter map[string]*image.ImageStream

func (g getter) GetImageStream(_ context.Context, ns, name string) (*image.ImageStream, error) {
	if is, ok := g[ns+"/"+name]; ok {
		return is.DeepCopy(), nil
	}
	return nil, NewNotFound(ResourceImageStreams, name)
}

func testStrategy() *Strategy {
	return &Strategy{Now: func() time.Time { return now }, RegistryHostname: "reg:5000"}
}

// TestPrepareForCreate covers SEMANTICS §4.1 and §4.2.
func TestPrepareForCreate(t *testing.T) {
	s := testStrategy()
	s.PublicRegistryHostname = "public.example.com"
	is := newStream(dockerTag("b", "quay.io/x/y:1", gen(7)), dockerTag("a", "quay.io/x/y:2", nil))
	is.Generation = 42
	is.Status.Tags = []image.NamedTagEventList{{Tag: "forged", Items: []image.TagEvent{{Image: digA}}}}
	s.PrepareForCreate(is)
	if is.Generation != 1 {
		t.Errorf("generation = %d, want 1", is.Generation)
	}
	want := image.ImageStreamStatus{DockerImageRepository: "reg:5000/ns/ruby", PublicDockerImageRepository: "public.example.com/ns/ruby"}
	if diff := cmp.Diff(want, is.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	for _, tag := range is.Spec.Tags {
		if tag.Generation == nil || *tag.Generation != 1 {
			t.Errorf("tag %s generation = %v, want 1", tag.Name, tag.Generation)
		}
	}
	if is.Spec.Tags[0].Name != "a" {
		t.Errorf("spec tags not sorted: %v", is.Spec.Tags)
	}

	// A stream without a namespace is read as in "default" (§4.2).
	is = newStream()
	is.Namespace = ""
	s.Decorate(is)
	want = image.ImageStreamStatus{DockerImageRepository: "reg:5000/default/ruby", PublicDockerImageRepository: "public.example.com/default/ruby"}
	if diff := cmp.Diff(want, is.Status); diff != "" {
		t.Errorf("status without namespace (-want +got):\n%s", diff)
	}

	// Without an integrated registry the status repository mirrors the spec.
	s = &Strategy{}
	is = newStream()
	is.Spec.DockerImageRepository = "quay.io/x/y"
	s.PrepareForCreate(is)
	if is.Status.DockerImageRepository != "quay.io/x/y" || is.Status.PublicDockerImageRepository != "" {
		t.Errorf("status = %+v", is.Status)
	}
}

// TestPrepareForUpdateGenerations covers SEMANTICS §4.3.
func TestPrepareForUpdateGenerations(t *testing.T) {
	old := newStream(dockerTag("a", "quay.io/x/a:1", gen(1)), dockerTag("b", "quay.io/x/b:1", gen(2)))
	old.Generation = 2
	old.Status.Tags = []image.NamedTagEventList{{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "quay.io/x/a@" + digA, Image: digA, Generation: 1}}}}

	tests := []struct {
		name     string
		edit     func(is *image.ImageStream)
		wantGen  int64
		wantTags map[string]int64
	}{
		{"§4.3 no change keeps the generation", func(*image.ImageStream) {}, 2, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 metadata-only change keeps the generation", func(is *image.ImageStream) { is.Labels = map[string]string{"x": "y"} }, 2, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 a new tag bumps the stream and gets the new generation", func(is *image.ImageStream) {
			is.Spec.Tags = append(is.Spec.Tags, dockerTag("c", "quay.io/x/c:1", gen(9)))
		}, 3, map[string]int64{"a": 1, "b": 2, "c": 3}},
		{"§4.3 a changed from.name re-generates that tag only", func(is *image.ImageStream) { is.Spec.Tags[0].From.Name = "quay.io/x/a:2" }, 3, map[string]int64{"a": 3, "b": 2}},
		{"§4.3 a changed import mode re-generates the tag", func(is *image.ImageStream) {
			is.Spec.Tags[1].ImportPolicy.ImportMode = image.ImportModePreserveOriginal
		}, 3, map[string]int64{"a": 1, "b": 3}},
		{"§4.3 QUIRK §14.4 insecure only bumps the stream, not the tag", func(is *image.ImageStream) { is.Spec.Tags[0].ImportPolicy.Insecure = true }, 3, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 QUIRK §14.4 reference policy only bumps the stream, not the tag", func(is *image.ImageStream) {
			is.Spec.Tags[0].ReferencePolicy.Type = image.LocalTagReferencePolicy
		}, 3, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 generation 0 asks for re-import", func(is *image.ImageStream) { is.Spec.Tags[1].Generation = gen(0) }, 3, map[string]int64{"a": 1, "b": 3}},
		{"§4.3 a null generation is restored", func(is *image.ImageStream) { is.Spec.Tags[0].Generation = nil }, 2, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 users cannot set another generation", func(is *image.ImageStream) { is.Spec.Tags[0].Generation = gen(99) }, 2, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 removing a tag bumps the stream", func(is *image.ImageStream) { is.Spec.Tags = is.Spec.Tags[:1] }, 3, map[string]int64{"a": 1}},
		{"§4.3 lookup policy is spec", func(is *image.ImageStream) { is.Spec.LookupPolicy.Local = true }, 3, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 nil and empty annotations are equal", func(is *image.ImageStream) { is.Spec.Tags[0].Annotations = map[string]string{} }, 2, map[string]int64{"a": 1, "b": 2}},
		{"§4.3 a generation of 0 on the stream is bumped", func(is *image.ImageStream) {}, 2, map[string]int64{"a": 1, "b": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := old.DeepCopy()
			tt.edit(is)
			is.Generation = 77 // users cannot set it either
			is.Status = image.ImageStreamStatus{}
			testStrategy().PrepareForUpdate(is, old)
			if is.Generation != tt.wantGen {
				t.Errorf("generation = %d, want %d", is.Generation, tt.wantGen)
			}
			got := map[string]int64{}
			for _, tag := range is.Spec.Tags {
				got[tag.Name] = *tag.Generation
			}
			if diff := cmp.Diff(tt.wantTags, got); diff != "" {
				t.Errorf("tag generations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(old.Status.Tags, is.Status.Tags); diff != "" {
				t.Errorf("spec update changed status (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrepareForInternalUpdateKeepsStatus(t *testing.T) {
	old := newStream(dockerTag("a", "quay.io/x/a:1", gen(1)))
	old.Generation = 1
	is := old.DeepCopy()
	is.Status.Tags = []image.NamedTagEventList{
		{Tag: "a", Items: []image.TagEvent{{Image: digA, DockerImageReference: "x@" + digA, Generation: 1}}},
		{Tag: "empty"},
	}
	testStrategy().PrepareForInternalUpdate(is, old)
	if len(is.Status.Tags) != 1 || is.Status.Tags[0].Tag != "a" {
		t.Errorf("status tags = %+v, want a only (empty tags collapse)", is.Status.Tags)
	}
}

// TestTagRefChanged covers SEMANTICS §4.3 tagRefChanged.
func TestTagRefChanged(t *testing.T) {
	base := func() image.TagReference { return dockerTag("t", "quay.io/x/y:1", gen(2)) }
	tests := []struct {
		name string
		edit func(old, next *image.TagReference)
		want bool
	}{
		{"identical", func(o, n *image.TagReference) {}, false},
		{"next from nil", func(o, n *image.TagReference) { n.From = nil }, false},
		{"next from empty", func(o, n *image.TagReference) { n.From = &image.ObjectReference{} }, false},
		{"old from nil", func(o, n *image.TagReference) { o.From = nil }, true},
		{"name differs", func(o, n *image.TagReference) { n.From.Name = "quay.io/x/y:2" }, true},
		{"kind differs is ignored", func(o, n *image.TagReference) { n.From.Kind = image.KindImageStreamTag }, false},
		{"namespace defaulted equal", func(o, n *image.TagReference) { n.From.Namespace = "ns" }, false},
		{"namespace differs", func(o, n *image.TagReference) { n.From.Namespace = "other" }, true},
		{"reference differs", func(o, n *image.TagReference) { n.Reference = true }, true},
		{"import mode differs", func(o, n *image.TagReference) { n.ImportPolicy.ImportMode = image.ImportModePreserveOriginal }, true},
		{"insecure ignored", func(o, n *image.TagReference) { n.ImportPolicy.Insecure = true }, false},
		{"scheduled ignored", func(o, n *image.TagReference) { n.ImportPolicy.Scheduled = true }, false},
		{"generation reset to 0", func(o, n *image.TagReference) { n.Generation = gen(0) }, true},
		{"generation other value", func(o, n *image.TagReference) { n.Generation = gen(5) }, false},
		{"generation nil", func(o, n *image.TagReference) { n.Generation = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, n := base(), base()
			tt.edit(&o, &n)
			if got := tagRefChanged(&o, &n, "ns"); got != tt.want {
				t.Errorf("tagRefChanged = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTagsChanged covers SEMANTICS §4.4.
func TestTagsChanged(t *testing.T) {
	other := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "other", Namespace: "ns"}, Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
		{Tag: "v1", Items: []image.TagEvent{{Created: image.NewTime(now.Add(-time.Hour)), DockerImageReference: "reg:5000/ns/other@" + digB, Image: digB, Generation: 4}}},
	}}}
	existing := []image.NamedTagEventList{{Tag: "src", Items: []image.TagEvent{{Created: image.NewTime(now.Add(-time.Hour)), DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 1}}}}
	isi := func(name, from string) image.TagReference {
		t := dockerTag(name, from, nil)
		t.From.Kind = image.KindImageStreamImage
		return t
	}
	ref := dockerTag("pinned", "quay.io/x/y:1", nil)
	ref.Reference = true
	tests := []struct {
		name       string
		tag        image.TagReference
		want       []image.TagEvent // history of the new tag
		wantErr    string
		wantSource int64 // generation of src's newest event afterwards
	}{
		{name: "DockerImage with reference: the pull spec is recorded verbatim", tag: ref,
			want: []image.TagEvent{{Created: image.NewTime(now), DockerImageReference: "quay.io/x/y:1", Generation: 2}}, wantSource: 1},
		{name: "DockerImage without reference waits for the importer", tag: dockerTag("imp", "quay.io/x/y:1", nil), wantSource: 1},
		{name: "ImageStreamTag in this stream copies the source event (QUIRK §14.5 source generation overwritten)", tag: istTag("t", "src", nil),
			want:       []image.TagEvent{{Created: image.NewTime(now.Add(-time.Hour)), DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 2}},
			wantSource: 2},
		{name: "ImageStreamTag spelled stream:tag", tag: istTag("t", "ruby:src", nil),
			want:       []image.TagEvent{{Created: image.NewTime(now.Add(-time.Hour)), DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 2}},
			wantSource: 2},
		{name: "ImageStreamTag to a tag with no history is accepted with no status (QUIRK §14.6)", tag: istTag("t", "missing", nil), wantSource: 1},
		{name: "ImageStreamTag in another stream, integrated registry pull spec rewritten to this stream", tag: istTag("t", "other:v1", nil),
			want:       []image.TagEvent{{Created: image.NewTime(now.Add(-time.Hour)), DockerImageReference: "reg:5000/ns/ruby@" + digB, Image: digB, Generation: 2}},
			wantSource: 1},
		{name: "ImageStreamTag in a missing stream", tag: istTag("t", "nope:v1", nil), wantErr: "spec.tags[t].from.name: Not found: \"nope:v1\"", wantSource: 1},
		{name: "ImageStreamImage by digest prefix", tag: isi("t", "aaaa1111"),
			want: []image.TagEvent{{Created: image.NewTime(now), DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 2}}, wantSource: 1},
		{name: "ImageStreamImage in another stream", tag: isi("t", "other@"+digB),
			want: []image.TagEvent{{Created: image.NewTime(now), DockerImageReference: "reg:5000/ns/ruby@" + digB, Image: digB, Generation: 2}}, wantSource: 1},
		{name: "ImageStreamImage with an unknown id", tag: isi("t", "cccc"), wantSource: 1,
			wantErr: `spec.tags[t].from.name: Invalid value: "cccc": error generating tag event: imagestreamimage.image.openshift.io "cccc" not found`},
		{name: "from name with too many parts", tag: istTag("t", "a:b:c", nil), wantSource: 1,
			wantErr: `spec.tags[t].from.name: Invalid value: "a:b:c": must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testStrategy()
			s.Streams = getter{"ns/other": other}
			old := newStream(dockerTag("src", "quay.io/x/y:1", gen(1)))
			old.Generation = 1
			old.Status.Tags = existing
			is := old.DeepCopy()
			is.Spec.Tags = append(is.Spec.Tags, tt.tag)
			s.PrepareForUpdate(is, old)
			errs := s.tagsChanged(context.Background(), old, is)
			var gotErr string
			if len(errs) > 0 {
				gotErr = errs[0].Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("errors = %v, want %q", errs, tt.wantErr)
			}
			var got []image.TagEvent
			if l := StatusTag(is, tt.tag.Name); l != nil {
				got = l.Items
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if g := StatusTag(is, "src").Items[0].Generation; g != tt.wantSource {
				t.Errorf("source generation = %d, want %d", g, tt.wantSource)
			}
		})
	}
}

// TestTagVerifierForbiddenNamesSourceStream: SEMANTICS §4.6: a denied
// cross-namespace tag is Forbidden at spec.tags[t].from with a message
// naming "<ns>/<stream>", the stream part of from.name (§4.4 step 4), not
// from.name with its tag or id. §4.1 step 3: the refusal does not stop
// resolution, and every refusal comes before every resolution error.
func TestTagVerifierForbiddenNamesSourceStream(t *testing.T) {
	from := func(tag, kind, ns, name string) image.TagReference {
		r := dockerTag(tag, name, nil)
		r.From.Kind, r.From.Namespace = kind, ns
		return r
	}
	tests := []struct {
		name string
		tags []image.TagReference
		want []string
	}{
		{name: "ImageStreamTag stream:tag", tags: []image.TagReference{from("t", image.KindImageStreamTag, "other", "src:v1")},
			want: []string{"spec.tags[t].from: Forbidden: other/src: denied", `spec.tags[t].from.name: Not found: "src:v1"`}},
		{name: "ImageStreamTag bare tag names this stream", tags: []image.TagReference{from("t", image.KindImageStreamTag, "other", "v1")},
			want: []string{"spec.tags[t].from: Forbidden: other/ruby: denied", `spec.tags[t].from.name: Not found: "v1"`}},
		{name: "ImageStreamImage stream@id", tags: []image.TagReference{from("t", image.KindImageStreamImage, "other", "src@"+digA)},
			want: []string{"spec.tags[t].from: Forbidden: other/src: denied", `spec.tags[t].from.name: Not found: "src@` + digA + `"`}},
		{name: "ImageStreamImage bare id names this stream", tags: []image.TagReference{from("t", image.KindImageStreamImage, "other", digA)},
			want: []string{"spec.tags[t].from: Forbidden: other/ruby: denied", `spec.tags[t].from.name: Not found: "` + digA + `"`}},
		{name: "refusals precede resolution errors", tags: []image.TagReference{
			from("a", image.KindImageStreamTag, "", "nope:v1"),
			from("b", image.KindImageStreamTag, "other", "src:v1"),
		}, want: []string{
			"spec.tags[b].from: Forbidden: other/src: denied",
			`spec.tags[a].from.name: Not found: "nope:v1"`,
			`spec.tags[b].from.name: Not found: "src:v1"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testStrategy()
			s.VerifyTags = func(context.Context, *image.ImageStream, *image.TagReference) error { return errors.New("denied") }
			is := newStream(tt.tags...)
			s.PrepareForCreate(is)
			var got []string
			for _, e := range s.tagsChanged(context.Background(), nil, is) {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateChecksResolvedStatus: SEMANTICS §4 head and §4.1 step 3:
// validation runs after tagsChanged, so the events tag resolution adds to
// status are validated with the rest of the stream, and a pull spec the
// registry allow-list refuses is Forbidden at its status item (§3.5 item
// 5). On update, repositories the old stream already holds stay allowed.
func TestValidateChecksResolvedStatus(t *testing.T) {
	blocked := "blocked.io/acme/app@" + digB
	other := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "other", Namespace: "ns"}, Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
		{Tag: "v1", Items: []image.TagEvent{{DockerImageReference: blocked, Image: digB, Generation: 1}}},
	}}}
	const forbidden = `ImageStream.image.openshift.io "ruby" is invalid: status.tags[x].items[0].dockerImageReference: Forbidden: registry blocked.io is not allowed`
	tests := []struct {
		name      string
		update    bool
		oldStatus []image.NamedTagEventList
		tag       image.TagReference
		want      string
	}{
		{name: "create: a resolved pull spec from a refused registry is Forbidden", tag: istTag("x", "other:v1", nil), want: forbidden},
		{name: "update: a resolved pull spec from a refused registry is Forbidden", update: true, tag: istTag("x", "other:v1", nil), want: forbidden},
		{name: "update: a repository the old status holds stays allowed", update: true, tag: istTag("x", "src", nil),
			oldStatus: []image.NamedTagEventList{{Tag: "src", Items: []image.TagEvent{{DockerImageReference: blocked, Image: digB, Generation: 1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testStrategy()
			s.Streams = getter{"ns/other": other}
			s.Validation.AllowRegistry = func(ref reference.DockerImageReference, _ bool) error {
				if ref.Registry == "blocked.io" {
					return errors.New("registry blocked.io is not allowed")
				}
				return nil
			}
			is := newStream(tt.tag)
			var err error
			if tt.update {
				old := newStream()
				old.Generation = 1
				old.Status.Tags = tt.oldStatus
				is.Status = *old.Status.DeepCopy()
				s.PrepareForUpdate(is, old)
				err = s.ValidateUpdate(context.Background(), is, old)
			} else {
				s.PrepareForCreate(is)
				err = s.ValidateCreate(context.Background(), is)
			}
			if got := LatestTaggedImage(is, "x"); got == nil || got.DockerImageReference != blocked {
				t.Fatalf("setup: x resolved to %+v, want %s", got, blocked)
			}
			var got string
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateUpdateReportsTagErrorsLikeOpenShift checks QUIRK §14.3: tag
// resolution errors arrive as one Internal field error at "" that carries
// the nested Invalid message.
func TestValidateUpdateReportsTagErrorsLikeOpenShift(t *testing.T) {
	s := testStrategy()
	old := newStream()
	old.Generation = 1
	is := old.DeepCopy()
	is.Spec.Tags = []image.TagReference{istTag("t", "nope:v1", nil)}
	s.PrepareForUpdate(is, old)
	err := s.ValidateUpdate(context.Background(), is, old)
	if !errors.Is(err, image.ErrInvalid) || Reason(err) != image.StatusReasonInvalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	want := `ImageStream.image.openshift.io "ruby" is invalid: : Internal error: imagestreams.image.openshift.io "ruby" is invalid: spec.tags[t].from.name: Not found: "nope:v1"`
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}

// TestTrackingTagsFollowSource: "tag changes and referenced tag should react"
// (SEMANTICS §4.4, §5.3).
func TestTrackingTagsFollowSource(t *testing.T) {
	s := testStrategy()
	old := newStream(dockerTag("src", "quay.io/x/y:1", gen(1)), istTag("latest", "src", gen(1)))
	old.Generation = 1
	old.Status.Tags = []image.NamedTagEventList{
		{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 1}}},
		{Tag: "src", Items: []image.TagEvent{{DockerImageReference: "quay.io/x/y@" + digA, Image: digA, Generation: 1}}},
	}
	// An import moved src to digB (internal update keeps the status).
	is := old.DeepCopy()
	AddTagEvent(is, "src", image.TagEvent{Created: image.NewTime(now), DockerImageReference: "quay.io/x/y@" + digB, Image: digB, Generation: 2})
	s.PrepareForInternalUpdate(is, old)
	if err := s.ValidateUpdate(context.Background(), is, old); err != nil {
		t.Fatal(err)
	}
	if got := LatestTaggedImage(is, "latest"); got == nil || got.Image != digB {
		t.Errorf("latest = %+v, want it to follow src to %s", got, digB)
	}
	if n := len(StatusTag(is, "latest").Items); n != 2 {
		t.Errorf("latest history has %d items, want 2", n)
	}
}

// TestPrepareForStatusUpdate covers SEMANTICS §4.5.
func TestPrepareForStatusUpdate(t *testing.T) {
	old := newStream(dockerTag("a", "quay.io/x/a:1", gen(3)))
	old.Generation = 5
	old.Status.Tags = []image.NamedTagEventList{{Tag: "a", Items: []image.TagEvent{{DockerImageReference: "x@" + digA, Image: digA, Generation: 3}}}}
	is := old.DeepCopy()
	is.Spec.Tags = nil // status endpoint cannot touch spec tags
	is.Spec.LookupPolicy.Local = true
	is.Generation = 9
	AddTagEvent(is, "a", image.TagEvent{DockerImageReference: "x@" + digB, Image: digB})
	AddTagEvent(is, "b", image.TagEvent{DockerImageReference: "y@" + digB, Image: digB})
	testStrategy().PrepareForStatusUpdate(is, old)
	if is.Generation != 5 || len(is.Spec.Tags) != 1 {
		t.Errorf("generation %d, spec tags %v: status update changed spec", is.Generation, is.Spec.Tags)
	}
	if !is.Spec.LookupPolicy.Local {
		t.Errorf("lookupPolicy change was dropped; OpenShift keeps it (§4.5, QUIRK §14.19)")
	}
	if g := StatusTag(is, "a").Items[0].Generation; g != 3 {
		t.Errorf("changed event generation = %d, want the spec tag's 3", g)
	}
	if g := StatusTag(is, "b").Items[0].Generation; g != 5 {
		t.Errorf("new tag event generation = %d, want the stream's 5", g)
	}
}

func TestStatusErrorIs(t *testing.T) {
	tests := []struct {
		err    error
		target error
	}{
		{NewNotFound(ResourceImageStreams, "x"), storage.ErrNotFound},
		{NewAlreadyExists(ResourceImageStreams, "x"), storage.ErrExists},
		{NewConflict(ResourceImageStreams, "x", errors.New("changed")), storage.ErrConflict},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.target) {
			t.Errorf("errors.Is(%v, %v) = false", tt.err, tt.target)
		}
	}
	if errors.Is(NewNotFound(ResourceImageStreams, "x"), storage.ErrConflict) {
		t.Errorf("NotFound is Conflict")
	}
	if got := NewNotFound(ResourceImageStreams, "x").Error(); got != `imagestreams.image.openshift.io "x" not found` {
		t.Errorf("message %q", got)
	}
}

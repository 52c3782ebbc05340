package image_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

const (
	kindsMsg     = "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'"
	scheduledMsg = "only tags pointing to Docker repositories may be scheduled for background import"
	refPolicyMsg = `valid values are "Source", "Local"`
	importMsg    = "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"
)

// TestValidateImageStream follows SEMANTICS §3.5 (create).
func TestValidateImageStream(t *testing.T) {
	streamTag := func(name, kind, from string) image.TagReference {
		tag := dockerTag(name, from)
		tag.From.Kind = kind
		return tag
	}
	tests := []struct {
		name   string
		mutate func(is *image.ImageStream)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.ImageStream) {}},
		{
			name:   "name syntax",
			mutate: func(is *image.ImageStream) { is.Name = "App" },
			want:   errs(invalid("metadata.name", "App", streamNameMsg)),
		},
		{
			name: "namespace/name of 255 characters",
			mutate: func(is *image.ImageStream) {
				is.Namespace, is.Name = repeat("n", 63), repeat("a", 191)
			},
		},
		{
			name: "namespace/name of 256 characters",
			mutate: func(is *image.ImageStream) {
				is.Namespace, is.Name = repeat("n", 63), repeat("a", 192)
			},
			want: errs(invalid("metadata.name", repeat("a", 192), "'namespace/name' cannot be longer than 255 characters")),
		},
		{name: "repository", mutate: func(is *image.ImageStream) { is.Spec.DockerImageRepository = "quay.io/team-a/app" }},
		{
			name:   "repository unparsable",
			mutate: func(is *image.ImageStream) { is.Spec.DockerImageRepository = "a/b@sha256:something" },
			want:   errs(invalid("spec.dockerImageRepository", "a/b@sha256:something", "invalid reference format")),
		},
		{
			name:   "repository with tag and ID",
			mutate: func(is *image.ImageStream) { is.Spec.DockerImageRepository = "a/b:v1@" + testDigest },
			want: errs(
				invalid("spec.dockerImageRepository", "a/b:v1@"+testDigest, "the repository name may not contain a tag"),
				invalid("spec.dockerImageRepository", "a/b:v1@"+testDigest, "the repository name may not contain an ID"),
			),
		},
		{
			name: "tags that are never checked",
			mutate: func(is *image.ImageStream) {
				gen := int64(-5)
				is.Spec.Tags = []image.TagReference{{
					Name: "not/a%valid tag", Annotations: map[string]string{"-": ""}, Reference: true, Generation: &gen,
					ImportPolicy:    image.TagImportPolicy{Insecure: true},
					ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy},
				}}
			},
		},
		{
			name: "DockerImage digest tag may be scheduled",
			mutate: func(is *image.ImageStream) {
				tag := dockerTag("latest", "quay.io/a/b@"+testDigest)
				tag.ImportPolicy = image.TagImportPolicy{Scheduled: true, ImportMode: image.ImportModePreserveOriginal}
				is.Spec.Tags = []image.TagReference{tag}
			},
		},
		{
			name: "from name required",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{dockerTag("latest", "")}
			},
			want: errs(required("spec.tags[latest].from.name", "")),
		},
		{
			name: "from kind and name missing",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{streamTag("latest", "", "")}
			},
			want: errs(required("spec.tags[latest].from.name", ""), required("spec.tags[latest].from.kind", kindsMsg)),
		},
		{
			name: "unknown kind",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{streamTag("latest", "Pod", "x")}
			},
			want: errs(required("spec.tags[latest].from.kind", kindsMsg)),
		},
		{
			name: "DockerImage unparsable",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{dockerTag("v1", "Quay.io/A:latest")}
			},
			want: errs(invalid("spec.tags[v1].from.name", "Quay.io/A:latest", "repository name must be lowercase")),
		},
		{
			name: "ImageStreamTag and ImageStreamImage names are not parsed here",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{
					streamTag("a", image.KindImageStreamTag, "NOT A PULL SPEC"),
					streamTag("b", image.KindImageStreamImage, "app@x"),
				}
			},
		},
		{
			name: "scheduled stream tags",
			mutate: func(is *image.ImageStream) {
				a, b := streamTag("a", image.KindImageStreamTag, "app:v1"), streamTag("b", image.KindImageStreamImage, "app@x")
				a.ImportPolicy.Scheduled, b.ImportPolicy.Scheduled = true, true
				is.Spec.Tags = []image.TagReference{a, b}
			},
			want: errs(
				invalid("spec.tags[a].importPolicy.scheduled", true, scheduledMsg),
				invalid("spec.tags[b].importPolicy.scheduled", true, scheduledMsg),
			),
		},
		{
			name: "reference policy checked even without from",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{{Name: "latest"}}
			},
			want: errs(invalid("spec.tags[latest].referencePolicy.type", image.TagReferencePolicyType(""), refPolicyMsg)),
		},
		{
			name: "import mode",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags[0].ImportPolicy.ImportMode = "Everything"
			},
			want: errs(invalid("spec.tags[latest].importPolicy.importMode", image.ImportModeType("Everything"), importMsg)),
		},
		{
			name: "a duplicate spec tag name validates only the last entry",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{dockerTag("a", ""), dockerTag("b", ""), dockerTag("a", "x"), dockerTag("b", "y")}
			},
		},
		{
			name: "the last duplicate is the one reported",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{dockerTag("a", "x"), dockerTag("a", "")}
			},
			want: errs(required("spec.tags[a].from.name", "")),
		},
		{
			name: "errors in list order, not name order",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = []image.TagReference{dockerTag("b", ""), dockerTag("a", "")}
			},
			want: errs(required("spec.tags[b].from.name", ""), required("spec.tags[a].from.name", "")),
		},
		{
			name: "status items",
			mutate: func(is *image.ImageStream) {
				is.Status.Tags[0].Items = append(is.Status.Tags[0].Items,
					image.TagEvent{DockerImageReference: ""},
					image.TagEvent{DockerImageReference: "a b"},
					image.TagEvent{DockerImageReference: "quay.io/a/b@sha512:" + testDigest[7:]},
				)
			},
			want: errs(
				required("status.tags[latest].items[1].dockerImageReference", ""),
				invalid("status.tags[latest].items[2].dockerImageReference", "a b", "invalid reference format"),
				invalid("status.tags[latest].items[3].dockerImageReference", "quay.io/a/b@sha512:"+testDigest[7:], "invalid checksum digest length"),
			),
		},
		{
			name: "a duplicate status tag validates only the last entry",
			mutate: func(is *image.ImageStream) {
				is.Status.Tags = []image.NamedTagEventList{
					{Tag: "v1", Items: []image.TagEvent{{DockerImageReference: "bad ref"}}},
					{Tag: "v2", Items: []image.TagEvent{{DockerImageReference: ""}}},
					{Tag: "v1", Items: []image.TagEvent{{DockerImageReference: "quay.io/a/b:v1"}}},
				}
			},
			want: errs(required("status.tags[v2].items[0].dockerImageReference", "")),
		},
		{
			name: "rule order: metadata, repository, spec, status",
			mutate: func(is *image.ImageStream) {
				is.Status.Tags[0].Items[0].DockerImageReference = ""
				is.Spec.Tags[0].From.Name = ""
				is.Spec.DockerImageRepository = "a:v1"
				is.Name = ""
			},
			want: errs(
				required("metadata.name", "name or generateName is required"),
				invalid("spec.dockerImageRepository", "a:v1", "the repository name may not contain a tag"),
				required("spec.tags[latest].from.name", ""),
				required("status.tags[latest].items[0].dockerImageReference", ""),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := validStream()
			tt.mutate(is)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStream(is))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamUpdate follows SEMANTICS §3.5 (update): metadata
// update rules, then every create rule.
func TestValidateImageStreamUpdate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(is *image.ImageStream)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.ImageStream) {}},
		{
			name: "new spec tag",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags = append(is.Spec.Tags, dockerTag("v2", "quay.io/team-a/app:v2"))
			},
		},
		{
			name: "metadata and spec errors",
			mutate: func(is *image.ImageStream) {
				is.Name = "other"
				is.ResourceVersion = ""
				is.Spec.Tags[0].From.Kind = ""
			},
			want: errs(
				invalid("metadata.resourceVersion", "", "must be specified for an update"),
				invalid("metadata.name", "other", immutableMsg),
				required("spec.tags[latest].from.kind", kindsMsg),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := validStream()
			tt.mutate(is)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamUpdate(is, validStream()))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamStatusUpdate follows SEMANTICS §3.5 (status
// update): only pull specs new to status are checked; spec is ignored.
func TestValidateImageStreamStatusUpdate(t *testing.T) {
	oldIS := validStream()
	oldIS.Status.Tags[0].Items = append(oldIS.Status.Tags[0].Items, image.TagEvent{DockerImageReference: "legacy bad ref"})
	tests := []struct {
		name   string
		mutate func(is *image.ImageStream)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.ImageStream) {}},
		{
			name: "spec is not validated",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags[0].From.Name = ""
				is.Spec.DockerImageRepository = "a:v1"
			},
		},
		{
			name: "old bad references may stay, even under another tag",
			mutate: func(is *image.ImageStream) {
				is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{
					Tag: "z", Items: []image.TagEvent{{DockerImageReference: "legacy bad ref"}},
				})
			},
		},
		{
			name: "new references must parse, empty ones included",
			mutate: func(is *image.ImageStream) {
				is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{
					Tag: "z", Items: []image.TagEvent{{DockerImageReference: "quay.io/a/b:ok"}, {DockerImageReference: "NEW BAD"}, {}},
				})
			},
			want: errs(
				invalid("status.tags[z].items[1].dockerImageReference", "NEW BAD", "invalid reference format"),
				invalid("status.tags[z].items[2].dockerImageReference", "", "repository name must have at least one component"),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := validStream()
			is.Status.Tags[0].Items = append(is.Status.Tags[0].Items, image.TagEvent{DockerImageReference: "legacy bad ref"})
			tt.mutate(is)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamStatusUpdate(is, oldIS))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateTagReference covers the exported spec-tag check of
// SEMANTICS §3.5 step 4 at a caller-chosen path.
func TestValidateTagReference(t *testing.T) {
	p := image.NewPath("spec", "tags").Index(3)
	tests := []struct {
		name string
		tag  image.TagReference
		want image.ErrorList
	}{
		{name: "valid", tag: dockerTag("v1", "quay.io/a/b:v1")},
		{
			name: "every rule at once",
			tag: image.TagReference{
				Name:            "v1",
				From:            &image.ObjectReference{Kind: image.KindImageStreamTag},
				ImportPolicy:    image.TagImportPolicy{Scheduled: true, ImportMode: "x"},
				ReferencePolicy: image.TagReferencePolicy{Type: "y"},
			},
			want: errs(
				required("spec.tags[3].from.name", ""),
				invalid("spec.tags[3].importPolicy.scheduled", true, scheduledMsg),
				invalid("spec.tags[3].referencePolicy.type", image.TagReferencePolicyType("y"), refPolicyMsg),
				invalid("spec.tags[3].importPolicy.importMode", image.ImportModeType("x"), importMsg),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, image.ValidateTagReference(&tt.tag, p)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

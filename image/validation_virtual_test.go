package image_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

const tagAnnotationsMsg = "tag annotations must not be provided or must be equal to the object meta annotations"

func validISTag() *image.ImageStreamTag {
	tag := dockerTag("v1", "quay.io/team-a/app:v1")
	return &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{Name: "app:v1", Namespace: "team-a", ResourceVersion: "4", Annotations: map[string]string{"a": "b"}},
		Tag:        &tag,
		Generation: 2,
		Image:      *validImage(),
	}
}

// TestValidateImageStreamTag follows SEMANTICS §3.7 (create).
func TestValidateImageStreamTag(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(ist *image.ImageStreamTag)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.ImageStreamTag) {}},
		{name: "no tag", mutate: func(ist *image.ImageStreamTag) { ist.Tag = nil }},
		{name: "name is a path segment only", mutate: func(ist *image.ImageStreamTag) { ist.Name = "App:V1:x" }},
		{
			name:   "name with slash",
			mutate: func(ist *image.ImageStreamTag) { ist.Name = "a/b:v1" },
			want:   errs(invalid("metadata.name", "a/b:v1", "may not contain '/'")),
		},
		{
			name:   "tag checked as a spec tag",
			mutate: func(ist *image.ImageStreamTag) { ist.Tag.From.Name = "" },
			want:   errs(required("tag.from.name", "")),
		},
		{
			name:   "tag annotations equal to metadata annotations",
			mutate: func(ist *image.ImageStreamTag) { ist.Tag.Annotations = map[string]string{"a": "b"} },
		},
		{
			name: "empty tag annotations equal nil metadata annotations",
			mutate: func(ist *image.ImageStreamTag) {
				ist.Annotations = nil
				ist.Tag.Annotations = map[string]string{}
			},
		},
		{
			name:   "tag annotations differ",
			mutate: func(ist *image.ImageStreamTag) { ist.Tag.Annotations = map[string]string{"a": "c"} },
			want:   errs(invalid("tag.annotations", "<map>", tagAnnotationsMsg)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ist := validISTag()
			tt.mutate(ist)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamTag(ist))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamTagUpdate follows SEMANTICS §3.7 (update): only
// annotations, tag, lookupPolicy and generation may change.
func TestValidateImageStreamTagUpdate(t *testing.T) {
	const onlyAnnotations = "may not update fields other than metadata.annotations"
	tests := []struct {
		name   string
		mutate func(ist *image.ImageStreamTag)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.ImageStreamTag) {}},
		{
			name: "the editable fields",
			mutate: func(ist *image.ImageStreamTag) {
				ist.Annotations = map[string]string{"new": "x"}
				ist.Tag = nil
				ist.LookupPolicy.Local = true
				ist.Generation = 9
				ist.TypeMeta = image.TypeMeta{Kind: "ImageStreamTag", APIVersion: image.APIVersion}
			},
		},
		{
			name:   "nil and empty conditions are equal",
			mutate: func(ist *image.ImageStreamTag) { ist.Conditions = []image.TagEventCondition{} },
		},
		{
			name:   "image changed",
			mutate: func(ist *image.ImageStreamTag) { ist.Image.DockerImageReference = "quay.io/x/y:z" },
			want:   errs(invalid("metadata", "", onlyAnnotations)),
		},
		{
			name:   "labels changed",
			mutate: func(ist *image.ImageStreamTag) { ist.Labels = map[string]string{"x": "y"} },
			want:   errs(invalid("metadata", "", onlyAnnotations)),
		},
		{
			name: "tag rules still apply",
			mutate: func(ist *image.ImageStreamTag) {
				ist.Tag.ReferencePolicy.Type = "Remote"
				ist.Tag.Annotations = map[string]string{}
			},
			want: errs(
				invalid("tag.referencePolicy.type", image.TagReferencePolicyType("Remote"), refPolicyMsg),
				invalid("tag.annotations", "<map>", tagAnnotationsMsg),
			),
		},
		{
			name:   "metadata update rules",
			mutate: func(ist *image.ImageStreamTag) { ist.ResourceVersion = "" },
			want: errs(
				invalid("metadata.resourceVersion", "", "must be specified for an update"),
				invalid("metadata", "", onlyAnnotations),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ist := validISTag()
			tt.mutate(ist)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamTagUpdate(ist, validISTag()))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func validImageTag() *image.ImageTag {
	spec := dockerTag("v1", "quay.io/team-a/app:v1")
	return &image.ImageTag{
		ObjectMeta: image.ObjectMeta{Name: "app:v1", Namespace: "team-a", ResourceVersion: "4"},
		Spec:       &spec,
		Status:     &image.NamedTagEventList{Tag: "v1", Items: []image.TagEvent{{DockerImageReference: "quay.io/team-a/app:v1"}}},
	}
}

// TestValidateImageTag follows SEMANTICS §3.8 (create).
func TestValidateImageTag(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(it *image.ImageTag)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.ImageTag) {}},
		{
			name:   "spec required",
			mutate: func(it *image.ImageTag) { it.Spec = nil },
			want:   errs(required("spec", "spec is a required field during creation")),
		},
		{
			name:   "spec name must match",
			mutate: func(it *image.ImageTag) { it.Spec.Name = "v2" },
			want:   errs(invalid("spec.name", "v2", "must match image tag name")),
		},
		{
			name:   "object name without a colon",
			mutate: func(it *image.ImageTag) { it.Name = "v1" },
			want:   errs(invalid("spec.name", "v1", "must match image tag name")),
		},
		{
			name:   "empty tag part means latest",
			mutate: func(it *image.ImageTag) { it.Name, it.Spec.Name = "app:", "latest" },
		},
		{
			name:   "spec checked as a spec tag",
			mutate: func(it *image.ImageTag) { it.Spec.From.Kind = "ImageStreamImages" },
			want:   errs(required("spec.from.kind", kindsMsg)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := validImageTag()
			tt.mutate(it)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageTag(it))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageTagUpdate follows SEMANTICS §3.8 (update): only the
// spec may change.
func TestValidateImageTagUpdate(t *testing.T) {
	const onlySpec = "may not update fields other than spec"
	tests := []struct {
		name   string
		mutate func(it *image.ImageTag)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.ImageTag) {}},
		{name: "spec changed", mutate: func(it *image.ImageTag) { it.Spec.From.Name = "quay.io/team-a/app:v2" }},
		{name: "spec removed", mutate: func(it *image.ImageTag) { it.Spec = nil }},
		{name: "image is not compared", mutate: func(it *image.ImageTag) { it.Image = validImage() }},
		{
			name:   "annotations changed",
			mutate: func(it *image.ImageTag) { it.Annotations = map[string]string{"a": "b"} },
			want:   errs(invalid("metadata", "", onlySpec)),
		},
		{
			name:   "status changed",
			mutate: func(it *image.ImageTag) { it.Status.Items = nil },
			want:   errs(invalid("status", "", onlySpec)),
		},
		{
			name: "spec rules and metadata rules",
			mutate: func(it *image.ImageTag) {
				it.ResourceVersion = ""
				it.Spec.Name = "other"
			},
			want: errs(
				invalid("metadata.resourceVersion", "", "must be specified for an update"),
				invalid("spec.name", "other", "must match image tag name"),
				invalid("metadata", "", onlySpec),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := validImageTag()
			tt.mutate(it)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageTagUpdate(it, validImageTag()))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamImport follows SEMANTICS §3.9.
func TestValidateImageStreamImport(t *testing.T) {
	docker := func(name string) image.ObjectReference {
		return image.ObjectReference{Kind: image.KindDockerImage, Name: name}
	}
	tests := []struct {
		name   string
		mutate func(isi *image.ImageStreamImport)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.ImageStreamImport) {}},
		{
			name: "valid repository only",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Images = nil
				isi.Spec.Repository = &image.RepositoryImportSpec{From: docker("quay.io/team-a/app")}
			},
		},
		{
			name:   "legacy star is not parsed",
			mutate: func(isi *image.ImageStreamImport) { isi.Spec.Images[0].From.Name = "*" },
		},
		{
			name:   "nothing to import",
			mutate: func(isi *image.ImageStreamImport) { isi.Spec.Images = nil },
			want:   errs(invalid("spec.images", nil, "you must specify at least one image or a repository import")),
		},
		{
			name: "image rules",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Images = []image.ImageImportSpec{
					{From: image.ObjectReference{Kind: image.KindImageStreamTag, Name: "a:b"}, ImportPolicy: image.TagImportPolicy{ImportMode: "x"}},
					{From: docker(""), To: &image.LocalObjectReference{}},
					{From: docker("Bad/Name")},
				}
			},
			want: errs(
				invalid("spec.images[0].from.kind", image.KindImageStreamTag, "only DockerImage is supported"),
				invalid("spec.images[0].importPolicy.importMode", image.ImportModeType("x"), importMsg),
				invalid("spec.images[1].to.name", "", "the name of the target tag must be specified"),
				required("spec.images[1].from.name", ""),
				invalid("spec.images[2].from.name", "Bad/Name", "repository name must be lowercase"),
			),
		},
		{
			name: "repository rules",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Repository = &image.RepositoryImportSpec{From: docker(""), ImportPolicy: image.TagImportPolicy{ImportMode: "x"}}
			},
			want: errs(
				required("spec.repository.from.name", "container image references require a name"),
				invalid("spec.repository.importPolicy.importMode", image.ImportModeType("x"), importMsg),
			),
		},
		{
			name: "repository kind",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Repository = &image.RepositoryImportSpec{From: image.ObjectReference{Name: "x"}}
			},
			want: errs(invalid("spec.repository.from.kind", "", "only DockerImage is supported")),
		},
		{
			name: "repository with a tag",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Repository = &image.RepositoryImportSpec{From: docker("quay.io/a/b:v1")}
			},
			want: errs(invalid("spec.repository.from.name", "quay.io/a/b:v1", "you must specify an image repository, not a tag or ID")),
		},
		{
			name: "repository unparsable",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Spec.Repository = &image.RepositoryImportSpec{From: docker("a//b")}
			},
			want: errs(invalid("spec.repository.from.name", "a//b", "invalid reference format")),
		},
		{
			name: "metadata comes last",
			mutate: func(isi *image.ImageStreamImport) {
				isi.Name = "Bad"
				isi.Spec.Images[0].From.Name = ""
			},
			want: errs(
				required("spec.images[0].from.name", ""),
				invalid("metadata.name", "Bad", streamNameMsg),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isi := &image.ImageStreamImport{
				ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "team-a"},
				Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{
					{From: docker("quay.io/team-a/app:v1"), To: &image.LocalObjectReference{Name: "v1"}},
				}},
			}
			tt.mutate(isi)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamImport(isi))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamLayers follows SEMANTICS §3.10, including the
// singular "manifest" path QUIRK.
func TestValidateImageStreamLayers(t *testing.T) {
	empty, cfg := "", testDigest2
	tests := []struct {
		name   string
		images map[string]image.ImageBlobReferences
		want   image.ErrorList
	}{
		{name: "empty"},
		{
			name: "valid image, list and missing image",
			images: map[string]image.ImageBlobReferences{
				"sha256:a": {Layers: []string{testDigest}, Config: &cfg},
				"sha256:b": {Manifests: []string{"sha256:a"}},
				"sha256:c": {ImageMissing: true},
			},
		},
		{
			name: "missing image with content",
			images: map[string]image.ImageBlobReferences{
				"sha256:m": {ImageMissing: true, Layers: []string{"l"}, Config: &cfg, Manifests: []string{"x"}},
			},
			want: errs(
				invalid("images[sha256:m].layers", []string{"l"}, "layers must be empty if image is missing"),
				invalid("images[sha256:m].config", &cfg, "config must be null if image is missing"),
				invalid("images[sha256:m].manifest", []string{"x"}, "manifests must be empty if image is missing"),
			),
		},
		{
			name: "empty layer and config, in name order",
			images: map[string]image.ImageBlobReferences{
				"sha256:z": {Layers: []string{"l", ""}},
				"sha256:a": {Config: &empty},
			},
			want: errs(
				invalid("images[sha256:a].config", &empty, "config cannot be an empty string"),
				invalid("images[sha256:z].layers[1]", "", "layer cannot be empty"),
			),
		},
		{
			name: "manifest list with layers and config",
			images: map[string]image.ImageBlobReferences{
				"sha256:l": {Manifests: []string{"sha256:a", ""}, Layers: []string{"l"}, Config: &cfg},
			},
			want: errs(
				invalid("images[sha256:l].layers", []string{"l"}, "layers must be empty if manifests are present"),
				invalid("images[sha256:l].config", &cfg, "config must be null if manifests are present"),
				invalid("images[sha256:l].manifests[1]", "", "manifest cannot be empty"),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isl := &image.ImageStreamLayers{ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "team-a"}, Images: tt.images}
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamLayers(isl))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

package imagestream

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

func imported(ref, name string) *image.Image {
	return &image.Image{ObjectMeta: image.ObjectMeta{Name: name}, DockerImageReference: ref}
}

func success(img *image.Image, tag string, children ...image.Image) image.ImageImportStatus {
	return image.ImageImportStatus{Status: image.Status{Status: image.StatusSuccess}, Image: img, Tag: tag, Manifests: children}
}

func notFound(tag string) image.ImageImportStatus {
	return image.ImageImportStatus{Tag: tag, Status: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404,
		Message: `dockerimage.image.openshift.io "busybox:nope" not found`}}
}

func importSpec(from, to string) image.ImageImportSpec {
	s := image.ImageImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: from},
		ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModeLegacy}, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}}
	if to != "" {
		s.To = &image.LocalObjectReference{Name: to}
	}
	return s
}

// TestApplyImportResults covers SEMANTICS §8.8 and §8.9.
func TestApplyImportResults(t *testing.T) {
	nowT := image.NewTime(now)
	tests := []struct {
		name       string
		stream     func() *image.ImageStream
		isi        image.ImageStreamImport
		wantSpec   []image.TagReference
		wantStatus []image.NamedTagEventList
		wantImages []string
	}{
		{
			name:   "§8.8 success into a new tag: spec tag created at generation 0, event by digest in the user's spelling (QUIRK §14.12)",
			stream: func() *image.ImageStream { return newStream() },
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:latest", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{success(imported("busybox:latest", digA), "latest")}},
			},
			wantSpec:   []image.TagReference{dockerTag("latest", "busybox:latest", gen(0))},
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{Created: nowT, DockerImageReference: "busybox@" + digA, Image: digA, Generation: 2}}}},
			wantImages: []string{digA},
		},
		{
			name: "§8.8 the same image again changes no history and clears the failure condition",
			stream: func() *image.ImageStream {
				is := newStream(dockerTag("latest", "busybox:latest", gen(1)))
				is.Status.Tags = []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}, Conditions: failed(1)}}
				return is
			},
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:latest", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{success(imported("busybox:latest", digA), "latest")}},
			},
			wantSpec:   []image.TagReference{dockerTag("latest", "busybox:latest", gen(1))},
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}}},
			wantImages: []string{digA},
		},
		{
			name: "§8.8 a re-import request (spec generation newer than the event) updates the event's generation",
			stream: func() *image.ImageStream {
				is := newStream(dockerTag("latest", "busybox:latest", gen(2)))
				is.Generation = 2
				is.Status.Tags = []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}}}
				return is
			},
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:latest", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{success(imported("busybox:latest", digA), "latest")}},
			},
			wantSpec:   []image.TagReference{dockerTag("latest", "busybox:latest", gen(0))},
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 3}}}},
			wantImages: []string{digA},
		},
		{
			name: "§8.8 a new image is prepended; the tag's reference policy and annotations are kept",
			stream: func() *image.ImageStream {
				tag := dockerTag("latest", "busybox:latest", gen(1))
				tag.ReferencePolicy.Type = image.LocalTagReferencePolicy
				tag.Annotations = map[string]string{"a": "b"}
				is := newStream(tag)
				is.Status.Tags = []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}}}
				return is
			},
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:latest", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{success(imported("busybox:latest", digB), "latest")}},
			},
			wantSpec: func() []image.TagReference {
				tag := dockerTag("latest", "busybox:latest", gen(0))
				tag.ReferencePolicy.Type = image.LocalTagReferencePolicy
				tag.Annotations = map[string]string{"a": "b"}
				return []image.TagReference{tag}
			}(),
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{
				{Created: nowT, DockerImageReference: "busybox@" + digB, Image: digB, Generation: 2},
				{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}}},
			wantImages: []string{digB},
		},
		{
			name: "§8.9 a failure adds ImportSuccess=False and keeps the previous image",
			stream: func() *image.ImageStream {
				is := newStream(dockerTag("latest", "busybox:nope", gen(1)))
				is.Status.Tags = []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}}}}
				return is
			},
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:nope", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{notFound("latest")}},
			},
			wantSpec: []image.TagReference{dockerTag("latest", "busybox:nope", gen(0))},
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Items: []image.TagEvent{{DockerImageReference: "busybox@" + digA, Image: digA, Generation: 1}},
				Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound",
					Message: `dockerimage.image.openshift.io "busybox:nope" not found`, Generation: 2, LastTransitionTime: nowT}}}},
		},
		{
			name: "§8.9 QUIRK §14.20 an identical repeated failure changes nothing",
			stream: func() *image.ImageStream {
				is := newStream(dockerTag("latest", "busybox:nope", gen(2)))
				is.Generation = 2
				is.Status.Tags = []image.NamedTagEventList{{Tag: "latest", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound",
					Message: `dockerimage.image.openshift.io "busybox:nope" not found`, Generation: 2}}}}
				return is
			},
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox:nope", "latest")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{notFound("latest")}},
			},
			wantSpec: []image.TagReference{dockerTag("latest", "busybox:nope", gen(2))},
			wantStatus: []image.NamedTagEventList{{Tag: "latest", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound",
				Message: `dockerimage.image.openshift.io "busybox:nope" not found`, Generation: 2}}}},
		},
		{
			name:   "§8.8 an image with no target tag is only reported",
			stream: func() *image.ImageStream { return newStream() },
			isi: image.ImageStreamImport{
				Spec:   image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{importSpec("busybox@"+digA, "")}},
				Status: image.ImageStreamImportStatus{Images: []image.ImageImportStatus{success(imported("busybox@"+digA, digA), "")}},
			},
		},
		{
			name:   "§8.8 a repository import tags every imported tag; manifest-list children are stored too",
			stream: func() *image.ImageStream { return newStream() },
			isi: image.ImageStreamImport{
				Spec: image.ImageStreamImportSpec{Import: true, Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/tools"},
					ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModePreserveOriginal}, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}}},
				Status: image.ImageStreamImportStatus{Repository: &image.RepositoryImportStatus{Images: []image.ImageImportStatus{
					success(imported("quay.io/acme/tools:v1", digA), "v1", *imported("quay.io/acme/tools@"+digB, digB)),
					notFound("v2"),
				}}},
			},
			wantSpec: []image.TagReference{{Name: "v1", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/tools:v1"}, Generation: gen(0),
				ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModePreserveOriginal}, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}}},
			wantStatus: []image.NamedTagEventList{
				{Tag: "v1", Items: []image.TagEvent{{Created: nowT, DockerImageReference: "quay.io/acme/tools@" + digA, Image: digA, Generation: 2}}},
				{Tag: "v2", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: "NotFound",
					Message: `dockerimage.image.openshift.io "busybox:nope" not found`, Generation: 2, LastTransitionTime: nowT}}},
			},
			wantImages: []string{digB, digA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := tt.stream()
			is.Generation = max(is.Generation, 1)
			images := ApplyImportResults(is, &tt.isi, now)
			if diff := cmp.Diff(tt.wantSpec, is.Spec.Tags); diff != "" {
				t.Errorf("spec tags (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStatus, is.Status.Tags); diff != "" {
				t.Errorf("status tags (-want +got):\n%s", diff)
			}
			var names []string
			for _, img := range images {
				names = append(names, img.Name)
			}
			if diff := cmp.Diff(tt.wantImages, names); diff != "" {
				t.Errorf("images to store (-want +got):\n%s", diff)
			}
		})
	}
}

package describe_test

import (
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// The objects behind the samples of the seed's §6.7 ("Working with
// imagestreams"). The documentation truncates digests to 52 hex digits;
// they are kept as printed, since describe does not validate.
const (
	seedDigest = "sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25"
	seedCheck  = "2017-10-02T17:05:11Z"
)

// seedCreated is when the seed's python stream was created.
var seedCreated = image.Date(2017, time.October, 2, 17, 5, 11)

// seedPythonStream is `python` after `oc import-image` of 3.5 (§6.7.1);
// with latest set, it is the stream after `oc tag python:3.5
// python:latest` (§6.7.2).
func seedPythonStream(latest bool) *image.ImageStream {
	one := int64(1)
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{
			Name: "python", Namespace: "default", CreationTimestamp: seedCreated, Generation: 1,
			Annotations: map[string]string{image.DockerImageRepositoryCheckAnnotation: seedCheck},
		},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
			Name: "3.5", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "centos/python-35-centos7"},
			Generation: &one, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		}}},
		Status: image.ImageStreamStatus{
			DockerImageRepository: "docker-registry.default.svc:5000/default/python",
			Tags: []image.NamedTagEventList{{Tag: "3.5", Items: []image.TagEvent{{
				Created: seedCreated, DockerImageReference: "centos/python-35-centos7@" + seedDigest, Image: seedDigest, Generation: 1,
			}}}},
		},
	}
	if latest {
		two := int64(2)
		is.Generation = 2
		is.Spec.Tags = append(is.Spec.Tags, image.TagReference{
			Name: "latest", From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "python@" + seedDigest},
			Generation: &two, ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		})
		is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{Tag: "latest", Items: []image.TagEvent{{
			Created: image.Date(2017, time.October, 2, 17, 9, 0), DockerImageReference: "centos/python-35-centos7@" + seedDigest, Image: seedDigest, Generation: 2,
		}}})
	}
	return is
}

// seedPythonTag is istag/python:latest of §6.7.1: a 251.2 MB image whose
// first layer is 2.898 MB and last 72.26 MB, built two weeks before.
func seedPythonTag(now time.Time) *image.ImageStreamTag {
	layers := []image.ImageLayer{
		{Name: "sha256:1111111111111111111111111111111111111111111111111111111111111111", LayerSize: 2_898_000, MediaType: image.MediaTypeDockerSchema2Layer},
		{Name: "sha256:2222222222222222222222222222222222222222222222222222222222222222", LayerSize: 176_042_000, MediaType: image.MediaTypeDockerSchema2Layer},
		{Name: "sha256:3333333333333333333333333333333333333333333333333333333333333333", LayerSize: 72_260_000, MediaType: image.MediaTypeDockerSchema2Layer},
	}
	return &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{Name: "python:latest", Namespace: "default"},
		Image: image.Image{
			ObjectMeta:           image.ObjectMeta{Name: seedDigest, CreationTimestamp: image.NewTime(now.Add(-150 * time.Second))},
			DockerImageReference: "centos/python-35-centos7@" + seedDigest,
			DockerImageLayers:    layers,
			DockerImageMetadata: image.DockerImage{
				Created:      image.NewTime(now.Add(-15 * 24 * time.Hour)),
				Architecture: "amd64",
				Size:         251_200_000,
				Config: &image.DockerConfig{
					User:         "1001",
					ExposedPorts: map[string]struct{}{"8080/tcp": {}},
					Env: []string{
						"PATH=/opt/app-root/src/bin:/opt/app-root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
						"STI_SCRIPTS_PATH=/usr/libexec/s2i",
						"HOME=/opt/app-root/src",
						"PYTHON_VERSION=3.5",
					},
					Entrypoint: []string{"container-entrypoint"},
					Cmd:        []string{"/bin/sh", "-c", "$STI_SCRIPTS_PATH/usage"},
					WorkingDir: "/opt/app-root/src",
					Labels: map[string]string{
						"build-date":          "20170801",
						"io.openshift.tags":   "builder,python,python35,rh-python35",
						"io.k8s.display-name": "Python 3.5",
					},
				},
			},
		},
	}
}

// busyStream exercises every kind of tag block: pushed history, a
// scheduled and insecure import, a reference tag, a cross-namespace
// source, a PreserveOriginal import that failed, a tag with no source and
// one never imported, plus labels, a JSON annotation and the public pull
// spec.
func busyStream() *image.ImageStream {
	at := func(h int) image.Time { return image.Date(2024, time.May, 14, h, 0, 0) }
	gen := func(n int64) *int64 { return &n }
	local := image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}
	source := image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}
	d := func(c byte) string { return "sha256:" + string(repeat(c, 64)) }
	reg := "image-registry.openshift-image-registry.svc:5000/team/app"
	return &image.ImageStream{
		ObjectMeta: image.ObjectMeta{
			Name: "app", Namespace: "team", CreationTimestamp: at(1), Generation: 7,
			Labels: map[string]string{"app": "shop", "tier": "backend"},
			Annotations: map[string]string{
				"kubectl.kubernetes.io/last-applied-configuration": `{"kind":"ImageStream"}`,
				"note":                      "line one\nline two",
				"openshift.io/display-name": "Shop backend",
			},
		},
		Spec: image.ImageStreamSpec{
			LookupPolicy: image.ImageLookupPolicy{Local: true},
			Tags: []image.TagReference{
				{Name: "v1.2", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:v1.2"}, Generation: gen(3),
					ImportPolicy: image.TagImportPolicy{Scheduled: true, Insecure: true}, ReferencePolicy: source},
				{Name: "1.10", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:1.10"}, Generation: gen(7),
					ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModePreserveOriginal}, ReferencePolicy: local},
				{Name: "ext", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "docker.io/library/nginx:1.25"}, Reference: true, Generation: gen(2), ReferencePolicy: source},
				{Name: "base", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Namespace: "openshift", Name: "ubi:9"}, Generation: gen(2), ReferencePolicy: source,
					Annotations: map[string]string{"description": "The shared base image.", "tags": "base,ubi", "sampleRepo": "https://example.com/app.git"}},
				{Name: "placeholder", Generation: gen(1), ReferencePolicy: source},
				{Name: "next", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:next"}, Generation: gen(7), ReferencePolicy: source},
			},
		},
		Status: image.ImageStreamStatus{
			DockerImageRepository:       reg,
			PublicDockerImageRepository: "registry.apps.example.com/team/app",
			Tags: []image.NamedTagEventList{
				{Tag: "1.10", Items: []image.TagEvent{{Created: at(3), DockerImageReference: "quay.io/acme/app@" + d('a'), Image: d('a'), Generation: 5}},
					Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, LastTransitionTime: at(11),
						Reason: "NotFound", Message: `dockerimage.image.openshift.io "quay.io/acme/app:1.10" not found`, Generation: 7}}},
				{Tag: "base", Items: []image.TagEvent{{Created: at(2), DockerImageReference: "registry.access.redhat.com/ubi9/ubi@" + d('b'), Image: d('b'), Generation: 2}}},
				{Tag: "ext", Items: []image.TagEvent{{Created: at(2), DockerImageReference: "docker.io/library/nginx:1.25", Generation: 2}}},
				{Tag: "latest", Items: []image.TagEvent{
					{Created: at(11), DockerImageReference: reg + "@" + d('c'), Image: d('c'), Generation: 6},
					{Created: at(9), DockerImageReference: reg + "@" + d('d'), Image: d('d'), Generation: 4},
					{Created: at(4), DockerImageReference: reg + "@" + d('a'), Image: d('a'), Generation: 2},
				}},
				{Tag: "v1.2", Items: []image.TagEvent{{Created: at(6), DockerImageReference: "quay.io/acme/app@" + d('d'), Image: d('d'), Generation: 3}}},
			},
		},
	}
}

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// emptyLayersImage is a schema 1 era image whose first and last layers
// are empty: the size line must skip them.
func emptyLayersImage() *image.Image {
	empty := "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
	return &image.Image{
		ObjectMeta:           image.ObjectMeta{Name: "sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d", Labels: map[string]string{"origin": "docs"}},
		DockerImageReference: "172.30.56.218:5000/test/origin-ruby-sample@sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d",
		DockerImageLayers: []image.ImageLayer{
			{Name: empty, LayerSize: 0},
			{Name: "sha256:ee1dd2cb6df21971f4af6de0f1d7782b81fb63156801cfde2bb47b4247c23c29", LayerSize: 196634330},
			{Name: "sha256:ca062656bff07f18bff46be00f40cfbb069687ec124ac0aa038fd676cfaea092", LayerSize: 177723024},
			{Name: empty, LayerSize: 0},
		},
		DockerImageMetadata: image.DockerImage{
			Created: image.Date(2016, time.January, 29, 13, 40, 0), Author: "Ben Parees", Architecture: "amd64",
			Config: &image.DockerConfig{
				Cmd:     []string{"/usr/libexec/s2i/run"},
				Env:     []string{"RACK_ENV=production", "TAB=a\tb"},
				Volumes: map[string]struct{}{"/data": {}, "/cache": {}},
			},
		},
	}
}

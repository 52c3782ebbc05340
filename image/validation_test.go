package image_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// TestValidateImageStreamName follows SEMANTICS §3.1.
func TestValidateImageStreamName(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		prefix bool
		want   []string
	}{
		{name: "simple", in: "app"},
		{name: "all separators", in: "a.b_c-d9"},
		{name: "upper case", in: "App", want: []string{streamNameMsg}},
		{name: "double dash", in: "a--b", want: []string{streamNameMsg}},
		{name: "double underscore", in: "a__b", want: []string{streamNameMsg}},
		{name: "leading separator", in: "-a", want: []string{streamNameMsg}},
		{name: "trailing separator", in: "a.", want: []string{streamNameMsg}},
		{name: "dot only path rule", in: ".", want: []string{"may not be '.'"}},
		{name: "slash only path rule", in: "a/b", want: []string{"may not contain '/'"}},
		{name: "slash and percent", in: "A%/", want: []string{"may not contain '/'", "may not contain '%'"}},
		{name: "generateName still needs the syntax", in: "app-", prefix: true, want: []string{streamNameMsg}},
		{name: "generateName may be dot", in: ".", prefix: true, want: []string{streamNameMsg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, image.ValidateImageStreamName(tt.in, tt.prefix)); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImage follows SEMANTICS §3.2.
func TestValidateImage(t *testing.T) {
	layers := []image.ImageLayer{{Name: testDigest, LayerSize: 1, MediaType: image.MediaTypeOCILayer}}
	manifest := func() image.ImageManifest {
		return image.ImageManifest{Digest: testDigest2, MediaType: image.MediaTypeOCIManifest, ManifestSize: 10, Architecture: "amd64", OS: "linux"}
	}
	tests := []struct {
		name   string
		mutate func(img *image.Image)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.Image) {}},
		{name: "name need not be a digest", mutate: func(img *image.Image) { img.Name = "anything" }},
		{
			name:   "reference required",
			mutate: func(img *image.Image) { img.DockerImageReference = "" },
			want:   errs(required("dockerImageReference", "")),
		},
		{
			name:   "reference upper case",
			mutate: func(img *image.Image) { img.DockerImageReference = "quay.io/Team/App" },
			want:   errs(invalid("dockerImageReference", "quay.io/Team/App", "repository name must be lowercase")),
		},
		{
			name:   "reference with bad digest",
			mutate: func(img *image.Image) { img.DockerImageReference = "a/b@sha256:something" },
			want:   errs(invalid("dockerImageReference", "a/b@sha256:something", "invalid reference format")),
		},
		{
			name:   "reference with short digest",
			mutate: func(img *image.Image) { img.DockerImageReference = "a/b@" + testDigest[:39] },
			want:   errs(invalid("dockerImageReference", "a/b@"+testDigest[:39], "invalid checksum digest length")),
		},
		{
			name: "signature errors are prefixed",
			mutate: func(img *image.Image) {
				img.Signatures = []image.ImageSignature{validSignature(), {ObjectMeta: image.ObjectMeta{Name: "x"}}}
			},
			want: errs(
				invalid("signatures[1].metadata.name", "x", "name must be of format <imageName>@<signatureName>"),
				required("signatures[1].type", ""),
				required("signatures[1].content", ""),
			),
		},
		{
			name:   "valid manifest list",
			mutate: func(img *image.Image) { img.DockerImageManifests = []image.ImageManifest{manifest(), manifest()} },
		},
		{
			name: "manifest digest regexp is unanchored (QUIRK)",
			mutate: func(img *image.Image) {
				m := manifest()
				m.Digest = "not a digest: x:0123456789abcdef0123456789abcdef !"
				m.MediaType = "  application/x.y+json  "
				img.DockerImageManifests = []image.ImageManifest{m}
			},
		},
		{
			name: "every manifest rule",
			mutate: func(img *image.Image) {
				img.DockerImageManifests = []image.ImageManifest{manifest(), {Digest: "sha256:abc", MediaType: "json", ManifestSize: -1}}
			},
			want: errs(
				invalid("dockerImageManifests[1].digest", "sha256:abc", "digest does not conform with OCI image specification"),
				invalid("dockerImageManifests[1].mediaType", "json", "media type does not conform to RFC6838"),
				required("dockerImageManifests[1].architecture", ""),
				required("dockerImageManifests[1].os", ""),
				invalid("dockerImageManifests[1].size", int64(-1), "manifest size cannot be negative"),
			),
		},
		{
			name: "layers with manifests",
			mutate: func(img *image.Image) {
				img.DockerImageManifests = []image.ImageManifest{manifest()}
				img.DockerImageLayers = layers
			},
			want: errs(invalid("dockerImageLayers", layers, "dockerImageLayers should not be set when dockerImageManifests is set")),
		},
		{
			name:   "layers alone are fine",
			mutate: func(img *image.Image) { img.DockerImageLayers = layers },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := validImage()
			tt.mutate(img)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImage(img))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageUpdate follows SEMANTICS §3.2: metadata update rules
// plus the create rules; content changes are not validation errors.
func TestValidateImageUpdate(t *testing.T) {
	oldImg := validImage()
	oldImg.ResourceVersion = "3"
	tests := []struct {
		name   string
		mutate func(img *image.Image)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.Image) {}},
		{name: "content may change", mutate: func(img *image.Image) {
			img.DockerImageReference = "quay.io/other/app@" + testDigest
			img.DockerImageLayers = []image.ImageLayer{{Name: testDigest2}}
		}},
		{
			name: "metadata and create rules together",
			mutate: func(img *image.Image) {
				img.ResourceVersion = ""
				img.DockerImageReference = ""
			},
			want: errs(
				invalid("metadata.resourceVersion", "", "must be specified for an update"),
				required("dockerImageReference", ""),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := validImage()
			img.ResourceVersion = "3"
			tt.mutate(img)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageUpdate(img, oldImg))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func validSignature() image.ImageSignature {
	return image.ImageSignature{
		ObjectMeta: image.ObjectMeta{Name: testDigest + "@sig1"},
		Type:       image.SignatureTypeAtomicImageV1,
		Content:    []byte("blob"),
	}
}

// TestValidateImageSignature follows SEMANTICS §3.3, including the
// condition selection QUIRK (§14.8).
func TestValidateImageSignature(t *testing.T) {
	t1 := image.Date(2026, 1, 1, 0, 0, 0)
	t2 := image.NewTime(t1.Add(time.Hour))
	cond := func(typ image.SignatureConditionType, status image.ConditionStatus, at image.Time) image.SignatureCondition {
		return image.SignatureCondition{Type: typ, Status: status, LastProbeTime: at}
	}
	issuer := &image.SignatureIssuer{SignatureGenericEntity: image.SignatureGenericEntity{CommonName: "ca"}}
	subject := &image.SignatureSubject{PublicKeyID: "k"}
	tests := []struct {
		name   string
		mutate func(s *image.ImageSignature)
		want   image.ErrorList
	}{
		{name: "valid without conditions", mutate: func(*image.ImageSignature) {}},
		{
			name: "valid verified signature",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureTrusted, image.ConditionTrue, t1), cond(image.SignatureForImage, image.ConditionTrue, t1)}
				s.ImageIdentity, s.SignedClaims, s.IssuedBy, s.IssuedTo = "quay.io/a/b", map[string]string{"k": "v"}, issuer, subject
			},
		},
		{
			name: "labels and annotations forbidden",
			mutate: func(s *image.ImageSignature) {
				s.Labels = map[string]string{"a": "b"}
				s.Annotations = map[string]string{"a": "b"}
			},
			want: errs(
				forbidden("metadata.labels", "signature labels cannot be set"),
				forbidden("metadata.annotations", "signature annotations cannot be set"),
			),
		},
		{
			name:   "name needs an at",
			mutate: func(s *image.ImageSignature) { s.Name = "sig1" },
			want:   errs(invalid("metadata.name", "sig1", "name must be of format <imageName>@<signatureName>")),
		},
		{
			name:   "name with two ats",
			mutate: func(s *image.ImageSignature) { s.Name = "a@b@c" },
			want:   errs(invalid("metadata.name", "a@b@c", "name must be of format <imageName>@<signatureName>")),
		},
		{
			name:   "name with empty part",
			mutate: func(s *image.ImageSignature) { s.Name = "a@" },
			want:   errs(invalid("metadata.name", "a@", "name must be of format <imageName>@<signatureName>")),
		},
		{
			name:   "type and content required",
			mutate: func(s *image.ImageSignature) { s.Type, s.Content = "", nil },
			want:   errs(required("type", ""), required("content", "")),
		},
		{
			name: "trusted without ForImage",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureTrusted, image.ConditionTrue, t1)}
			},
			want: errs(invalid("conditions", []image.SignatureCondition{cond(image.SignatureTrusted, image.ConditionTrue, t1)},
				`missing "ForImage" condition type`)),
		},
		{
			name: "ForImage without trusted, and claims set",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureForImage, image.ConditionTrue, t1)}
				s.ImageIdentity = "quay.io/a/b"
			},
			want: errs(
				invalid("conditions", []image.SignatureCondition{cond(image.SignatureForImage, image.ConditionTrue, t1)}, `missing "Trusted" condition type`),
				invalid("imageIdentity", "quay.io/a/b", "must be unset for unknown signature state"),
			),
		},
		{
			name: "unknown trust forbids every claim",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureTrusted, image.ConditionUnknown, t1), cond(image.SignatureForImage, image.ConditionTrue, t1)}
				s.ImageIdentity, s.SignedClaims, s.IssuedBy, s.IssuedTo = "i", map[string]string{"k": "v"}, issuer, subject
			},
			want: errs(
				invalid("imageIdentity", "i", "must be unset for unknown signature state"),
				invalid("signedClaims", map[string]string{"k": "v"}, "must be unset for unknown signature state"),
				invalid("issuedBy", issuer, "must be unset for unknown signature state"),
				invalid("issuedTo", subject, "must be unset for unknown signature state"),
			),
		},
		{
			name: "QUIRK: any first non-trusted condition counts as ForImage",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureExpired, image.ConditionTrue, t1)}
			},
			want: errs(invalid("conditions", []image.SignatureCondition{cond(image.SignatureExpired, image.ConditionTrue, t1)},
				`missing "Trusted" condition type`)),
		},
		{
			name: "QUIRK: an older second Trusted condition stands in for ForImage",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{cond(image.SignatureTrusted, image.ConditionTrue, t2), cond(image.SignatureTrusted, image.ConditionTrue, t1)}
			},
		},
		{
			name: "latest Trusted condition decides the state",
			mutate: func(s *image.ImageSignature) {
				s.Conditions = []image.SignatureCondition{
					cond(image.SignatureTrusted, image.ConditionTrue, t1),
					cond(image.SignatureForImage, image.ConditionTrue, t1),
					cond(image.SignatureTrusted, image.ConditionUnknown, t2),
				}
				s.ImageIdentity = "i"
			},
			want: errs(invalid("imageIdentity", "i", "must be unset for unknown signature state")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := validSignature()
			tt.mutate(&sig)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageSignature(&sig))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageSignatureUpdate follows SEMANTICS §3.3: type and content
// cannot change.
func TestValidateImageSignatureUpdate(t *testing.T) {
	oldSig := validSignature()
	oldSig.ResourceVersion = "1"
	tests := []struct {
		name   string
		mutate func(s *image.ImageSignature)
		want   image.ErrorList
	}{
		{name: "unchanged", mutate: func(*image.ImageSignature) {}},
		{
			name:   "type changed",
			mutate: func(s *image.ImageSignature) { s.Type = "other" },
			want:   errs(forbidden("type", "cannot change signature type")),
		},
		{
			name:   "content changed",
			mutate: func(s *image.ImageSignature) { s.Content = []byte("other") },
			want:   errs(forbidden("content", "cannot change signature content")),
		},
		{
			name:   "emptied type is also required",
			mutate: func(s *image.ImageSignature) { s.Type, s.ResourceVersion = "", "" },
			want: errs(
				invalid("metadata.resourceVersion", "", "must be specified for an update"),
				required("type", ""),
				forbidden("type", "cannot change signature type"),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := validSignature()
			sig.ResourceVersion = "1"
			tt.mutate(&sig)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageSignatureUpdate(&sig, &oldSig))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImportPolicy follows SEMANTICS §3.4.
func TestValidateImportPolicy(t *testing.T) {
	p := image.NewPath("spec", "images").Index(0).Child("importPolicy")
	tests := []struct {
		name string
		mode image.ImportModeType
		want image.ErrorList
	}{
		{name: "empty", mode: ""},
		{name: "Legacy", mode: image.ImportModeLegacy},
		{name: "PreserveOriginal", mode: image.ImportModePreserveOriginal},
		{name: "wrong case", mode: "legacy", want: errs(invalid("spec.images[0].importPolicy.importMode", image.ImportModeType("legacy"),
			"invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := image.ValidateImportPolicy(image.TagImportPolicy{ImportMode: tt.mode, Insecure: true, Scheduled: true}, p)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateImageStreamMapping follows SEMANTICS §3.6, QUIRKs included.
func TestValidateImageStreamMapping(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(m *image.ImageStreamMapping)
		want   image.ErrorList
	}{
		{name: "valid", mutate: func(*image.ImageStreamMapping) {}},
		{name: "name is only a path segment", mutate: func(m *image.ImageStreamMapping) { m.Name = "Not_A-Stream..Name" }},
		{
			name:   "empty name reported three times",
			mutate: func(m *image.ImageStreamMapping) { m.Name = "" },
			want: errs(
				required("metadata.name", "name or generateName is required"),
				required("name", ""),
				required("dockerImageRepository", ""),
			),
		},
		{
			name:   "empty namespace also fails the DNS label check",
			mutate: func(m *image.ImageStreamMapping) { m.Namespace = "" },
			want:   errs(required("metadata.namespace", ""), invalid("metadata.namespace", "", dnsLabelMsg)),
		},
		{
			name:   "bad namespace reported twice",
			mutate: func(m *image.ImageStreamMapping) { m.Namespace = "A" },
			want:   errs(invalid("metadata.namespace", "A", dnsLabelMsg), invalid("metadata.namespace", "A", dnsLabelMsg)),
		},
		{
			name:   "tag required",
			mutate: func(m *image.ImageStreamMapping) { m.Tag = "" },
			want:   errs(required("tag", "")),
		},
		{
			name:   "image errors under image.",
			mutate: func(m *image.ImageStreamMapping) { m.Image = image.Image{ObjectMeta: image.ObjectMeta{Namespace: "x"}} },
			want: errs(
				required("image.metadata.name", "name or generateName is required"),
				forbidden("image.metadata.namespace", "not allowed on this type"),
				required("image.dockerImageReference", ""),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &image.ImageStreamMapping{
				ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "team-a"},
				Image:      *validImage(),
				Tag:        "v1",
			}
			tt.mutate(m)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamMapping(m))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateNil: every validator given a nil object returns the usual
// *InvalidError, with a Required error at the root path, instead of
// panicking. Not a SEMANTICS rule: OpenShift never validates a nil
// object, but an exported function must not panic on any input.
func TestValidateNil(t *testing.T) {
	nilObj := required("", "object is nil")
	nilOld := required("", "old object is nil")
	tests := []struct {
		name     string
		validate func() error
		kind     string
		objName  string
		want     image.ErrorList
	}{
		{"Image", func() error { return image.ValidateImage(nil) }, "Image", "", errs(nilObj)},
		{"ImageUpdate new", func() error { return image.ValidateImageUpdate(nil, validImage()) }, "Image", "", errs(nilObj)},
		{"ImageUpdate old", func() error { return image.ValidateImageUpdate(validImage(), nil) }, "Image", testDigest, errs(nilOld)},
		{"ImageUpdate both", func() error { return image.ValidateImageUpdate(nil, nil) }, "Image", "", errs(nilObj, nilOld)},
		{"ImageSignature", func() error { return image.ValidateImageSignature(nil) }, "ImageSignature", "", errs(nilObj)},
		{"ImageSignatureUpdate", func() error { return image.ValidateImageSignatureUpdate(nil, nil) }, "ImageSignature", "", errs(nilObj, nilOld)},
		{"ImageStream", func() error { return image.ValidateImageStream(nil) }, "ImageStream", "", errs(nilObj)},
		{"ImageStreamWithOptions", func() error {
			return image.ValidateImageStreamWithOptions(nil, image.ValidationOptions{})
		}, "ImageStream", "", errs(nilObj)},
		{"ImageStreamUpdate", func() error { return image.ValidateImageStreamUpdate(validStream(), nil) }, "ImageStream", "app", errs(nilOld)},
		{"ImageStreamUpdateWithOptions", func() error {
			return image.ValidateImageStreamUpdateWithOptions(nil, validStream(), image.ValidationOptions{})
		}, "ImageStream", "", errs(nilObj)},
		{"ImageStreamStatusUpdate", func() error { return image.ValidateImageStreamStatusUpdate(validStream(), nil) }, "ImageStream", "app", errs(nilOld)},
		{"ImageStreamStatusUpdateWithOptions", func() error {
			return image.ValidateImageStreamStatusUpdateWithOptions(nil, nil, image.ValidationOptions{})
		}, "ImageStream", "", errs(nilObj, nilOld)},
		{"ImageStreamMapping", func() error { return image.ValidateImageStreamMapping(nil) }, "ImageStreamMapping", "", errs(nilObj)},
		{"ImageStreamTag", func() error { return image.ValidateImageStreamTag(nil) }, "ImageStreamTag", "", errs(nilObj)},
		{"ImageStreamTagUpdate", func() error { return image.ValidateImageStreamTagUpdate(nil, nil) }, "ImageStreamTag", "", errs(nilObj, nilOld)},
		{"ImageTag", func() error { return image.ValidateImageTag(nil) }, "ImageTag", "", errs(nilObj)},
		{"ImageTagUpdate", func() error { return image.ValidateImageTagUpdate(nil, nil) }, "ImageTag", "", errs(nilObj, nilOld)},
		{"ImageStreamImport", func() error { return image.ValidateImageStreamImport(nil) }, "ImageStreamImport", "", errs(nilObj)},
		{"ImageStreamImportWithOptions", func() error {
			return image.ValidateImageStreamImportWithOptions(nil, image.ValidationOptions{})
		}, "ImageStreamImport", "", errs(nilObj)},
		{"ImageStreamLayers", func() error { return image.ValidateImageStreamLayers(nil) }, "ImageStreamLayers", "", errs(nilObj)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.validate()
			if diff := cmp.Diff(tt.want, fieldErrors(t, err)); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
			var inv *image.InvalidError
			if errors.As(err, &inv) && (inv.Kind != tt.kind || inv.Name != tt.objName) {
				t.Errorf("InvalidError kind, name = %q, %q; want %q, %q", inv.Kind, inv.Name, tt.kind, tt.objName)
			}
		})
	}
	if diff := cmp.Diff(errs(required("tag", "")), image.ValidateTagReference(nil, image.NewPath("tag"))); diff != "" {
		t.Errorf("ValidateTagReference(nil) (-want +got):\n%s", diff)
	}
}

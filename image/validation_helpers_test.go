package image_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// fieldErrors returns the field errors of a Validate result, nil for a
// nil error, and fails the test when a non-nil error is not an
// *image.InvalidError matching image.ErrInvalid.
func fieldErrors(t *testing.T, err error) image.ErrorList {
	t.Helper()
	if err == nil {
		return nil
	}
	var invalid *image.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("error %q (%T) is not an *image.InvalidError", err, err)
	}
	if !errors.Is(err, image.ErrInvalid) {
		t.Errorf("errors.Is(%q, ErrInvalid) = false", err)
	}
	if len(invalid.Errs) == 0 {
		t.Errorf("InvalidError %q has no field errors", err)
	}
	return invalid.Errs
}

// Expected-error builders; they spell the path out as a string so that a
// test does not depend on the Path builder it also checks.
func required(path, detail string) *image.FieldError {
	return &image.FieldError{Type: image.ErrorTypeRequired, Field: path, Detail: detail}
}

func invalid(path string, value any, detail string) *image.FieldError {
	return &image.FieldError{Type: image.ErrorTypeInvalid, Field: path, BadValue: value, Detail: detail}
}

func forbidden(path, detail string) *image.FieldError {
	return &image.FieldError{Type: image.ErrorTypeForbidden, Field: path, Detail: detail}
}

func tooLong(path string, maxBytes int) *image.FieldError {
	return image.NewPath(path).TooLong(maxBytes)
}

// errs is shorthand for an expected list.
func errs(e ...*image.FieldError) image.ErrorList { return e }

// Kubernetes' messages, written out literally (double space included) so
// that tests catch any drift in the implementation's constants.
const (
	dnsLabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " +
		"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " +
		"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	qualifiedNamePartMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
		"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', " +
		"regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', " +
		"and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " +
		"regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	streamNameMsg = `must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"`
	immutableMsg  = "field is immutable"
)

// Fixtures. Each returns a fresh valid object that a case may modify.
const (
	testDigest  = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testDigest2 = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
)

func validImage() *image.Image {
	return &image.Image{
		ObjectMeta:           image.ObjectMeta{Name: testDigest},
		DockerImageReference: "quay.io/team-a/app@" + testDigest,
	}
}

func dockerTag(name, from string) image.TagReference {
	return image.TagReference{
		Name:            name,
		From:            &image.ObjectReference{Kind: image.KindDockerImage, Name: from},
		ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
	}
}

func validStream() *image.ImageStream {
	return &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "team-a", ResourceVersion: "7"},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{
			dockerTag("latest", "quay.io/team-a/app:latest"),
		}},
		Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{{
			Tag:   "latest",
			Items: []image.TagEvent{{DockerImageReference: "quay.io/team-a/app@" + testDigest, Image: testDigest}},
		}}},
	}
}

// repeat returns s repeated to length n.
func repeat(s string, n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }

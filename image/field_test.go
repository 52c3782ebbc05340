package image_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name string
		got  image.Path
		want string
	}{
		{name: "root", got: image.Path{}, want: ""},
		{name: "child of root", got: image.Path{}.Child("metadata"), want: "metadata"},
		{name: "several", got: image.NewPath("spec", "tags"), want: "spec.tags"},
		{name: "key", got: image.NewPath("spec", "tags").Key("latest").Child("from", "name"), want: "spec.tags[latest].from.name"},
		{name: "index", got: image.NewPath("status").Child("tags").Key("v1").Child("items").Index(2), want: "status.tags[v1].items[2]"},
		{name: "index of root", got: image.Path{}.Index(0), want: "[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.String(); got != tt.want {
				t.Errorf("path = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFieldErrorString checks the Kubernetes message format of each error
// type and value kind.
func TestFieldErrorString(t *testing.T) {
	p := image.NewPath("spec", "tags").Key("latest").Child("from", "name")
	var nilPtr *string
	s := "pointed"
	tests := []struct {
		name string
		err  *image.FieldError
		want string
	}{
		{name: "required", err: p.Required(""), want: "spec.tags[latest].from.name: Required value"},
		{name: "required with detail", err: p.Required("why"), want: "spec.tags[latest].from.name: Required value: why"},
		{name: "invalid string", err: image.NewPath("metadata", "name").Invalid("x", "must match ..."),
			want: `metadata.name: Invalid value: "x": must match ...`},
		{name: "invalid number", err: image.NewPath("size").Invalid(int64(-1), "cannot be negative"), want: "size: Invalid value: -1: cannot be negative"},
		{name: "invalid bool", err: image.NewPath("scheduled").Invalid(true, "no"), want: "scheduled: Invalid value: true: no"},
		{name: "invalid nil", err: image.NewPath("spec", "images").Invalid(nil, "empty"), want: `spec.images: Invalid value: "null": empty`},
		{name: "invalid nil pointer", err: image.NewPath("c").Invalid(nilPtr, "d"), want: `c: Invalid value: "null": d`},
		{name: "invalid pointer", err: image.NewPath("c").Invalid(&s, "d"), want: `c: Invalid value: "pointed": d`},
		{name: "invalid struct", err: image.NewPath("c").Invalid([]string{"a"}, "d"), want: `c: Invalid value: []string{"a"}: d`},
		{name: "invalid typed string", err: image.NewPath("t").Invalid(image.ImportModeType("X"), "d"), want: `t: Invalid value: "X": d`},
		{name: "forbidden", err: p.Forbidden("no"), want: "spec.tags[latest].from.name: Forbidden: no"},
		{name: "duplicate", err: image.NewPath("k").Duplicate("v"), want: `k: Duplicate value: "v"`},
		{name: "not supported", err: image.NewPath("k").NotSupported("v", []string{"a", "b"}),
			want: `k: Unsupported value: "v": supported values: "a", "b"`},
		{name: "too long", err: image.NewPath("metadata", "annotations").TooLong(262144),
			want: "metadata.annotations: Too long: may not be more than 262144 bytes"},
		{name: "too long one byte", err: image.NewPath("k").TooLong(1), want: "k: Too long: may not be more than 1 byte"},
		{name: "too long unknown limit", err: image.NewPath("k").TooLong(-1), want: "k: Too long: value is too long"},
		{name: "internal", err: image.Path{}.InternalError(errors.New("boom")), want: ": Internal error: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorTypeValues(t *testing.T) {
	got := []image.ErrorType{
		image.ErrorTypeRequired, image.ErrorTypeInvalid, image.ErrorTypeDuplicate, image.ErrorTypeTooLong,
		image.ErrorTypeNotSupported, image.ErrorTypeForbidden, image.ErrorTypeInternal,
	}
	want := []image.ErrorType{
		"FieldValueRequired", "FieldValueInvalid", "FieldValueDuplicate", "FieldValueTooLong",
		"FieldValueNotSupported", "FieldValueForbidden", "InternalError",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wire values (-want +got):\n%s", diff)
	}
}

// TestInvalidError checks the aggregate message of Kubernetes' NewInvalid
// and the errors.Is / errors.As contract.
func TestInvalidError(t *testing.T) {
	a := image.NewPath("spec", "tags").Key("a").Child("from", "name").Required("")
	b := image.NewPath("metadata", "name").Invalid("X", "bad")
	tests := []struct {
		name string
		errs image.ErrorList
		want string
	}{
		{name: "none", want: `ImageStream.image.openshift.io "web" is invalid`},
		{name: "one", errs: errs(a), want: `ImageStream.image.openshift.io "web" is invalid: spec.tags[a].from.name: Required value`},
		{name: "two", errs: errs(a, b),
			want: `ImageStream.image.openshift.io "web" is invalid: [spec.tags[a].from.name: Required value, metadata.name: Invalid value: "X": bad]`},
		{name: "identical messages shown once", errs: errs(a, b, a),
			want: `ImageStream.image.openshift.io "web" is invalid: [spec.tags[a].from.name: Required value, metadata.name: Invalid value: "X": bad]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error = &image.InvalidError{Kind: "ImageStream", Name: "web", Errs: tt.errs}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
			if !errors.Is(err, image.ErrInvalid) {
				t.Error("errors.Is(err, ErrInvalid) = false")
			}
			for _, fe := range tt.errs {
				if !errors.Is(err, fe) {
					t.Errorf("errors.Is(err, %v) = false", fe)
				}
			}
			var fe *image.FieldError
			if got := errors.As(err, &fe); got != (len(tt.errs) > 0) {
				t.Errorf("errors.As(err, *FieldError) = %v", got)
			}
		})
	}
	if errors.Is(errors.New("other"), image.ErrInvalid) {
		t.Error("an unrelated error matches ErrInvalid")
	}
}

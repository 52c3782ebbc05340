package image_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
)

// Validation reports every problem of an object at once. errors.Is tells
// that validation failed; errors.As recovers the field errors, each with
// its path, type, bad value and message.
func ExampleValidateImageStream() {
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "web", Namespace: "team-a"},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{
			{
				Name:            "latest",
				From:            &image.ObjectReference{Kind: image.KindDockerImage},
				ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
			},
			{
				Name:            "nightly",
				From:            &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "web:latest"},
				ImportPolicy:    image.TagImportPolicy{Scheduled: true},
				ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
			},
		}},
	}

	err := image.ValidateImageStream(is)
	fmt.Println("invalid:", errors.Is(err, image.ErrInvalid))

	var invalid *image.InvalidError
	if errors.As(err, &invalid) {
		for _, fe := range invalid.Errs {
			fmt.Printf("%s (%s at %s)\n", fe, string(fe.Type), fe.Field)
		}
	}
	// Output:
	// invalid: true
	// spec.tags[latest].from.name: Required value (FieldValueRequired at spec.tags[latest].from.name)
	// spec.tags[nightly].importPolicy.scheduled: Invalid value: true: only tags pointing to Docker repositories may be scheduled for background import (FieldValueInvalid at spec.tags[nightly].importPolicy.scheduled)
}

// A RegistryAllowList restricts the registries pull specs may name; its
// Allow method plugs into ValidationOptions.
func ExampleRegistryAllowList() {
	allowed := image.RegistryAllowList{
		{DomainName: "quay.io"},
		{DomainName: "*.corp.example.com"},
	}
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "web", Namespace: "team-a"},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
			Name:            "latest",
			From:            &image.ObjectReference{Kind: image.KindDockerImage, Name: "docker.io/library/nginx:1.27"},
			ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		}}},
	}

	err := image.ValidateImageStreamWithOptions(is, image.ValidationOptions{AllowRegistry: allowed.Allow})
	fmt.Println(err)
	// Output:
	// ImageStream.image.openshift.io "web" is invalid: spec.tags[latest].from.name: Forbidden: registry not allowed: "docker.io" is not in the allow-list ["quay.io", "*.corp.example.com"]
}

func ExampleParseImageStreamTagName() {
	name, tag, err := image.ParseImageStreamTagName("web:v1.2")
	fmt.Println(name, tag, err)

	_, _, err = image.ParseImageStreamTagName("web@sha256:0123")
	fmt.Println(err, errors.Is(err, image.ErrInvalidName))
	// Output:
	// web v1.2 <nil>
	// "web@sha256:0123" is an image stream image, not an image stream tag true
}

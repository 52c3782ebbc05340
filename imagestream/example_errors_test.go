package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Service errors read like OpenShift's API errors and still match the
// storage and image sentinels under errors.Is.
func ExampleStatusError() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	streams := imagestream.NewService(store).ImageStreams("demo")

	_, err := streams.Get(ctx, "app")
	fmt.Println(err)
	fmt.Println(errors.Is(err, storage.ErrNotFound), imagestream.Reason(err))
	if se, ok := errors.AsType[*imagestream.StatusError](err); ok {
		fmt.Println(se.Status().Code)
	}

	_, err = streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "App"}})
	fmt.Println(errors.Is(err, image.ErrInvalid), imagestream.Reason(err))
	// Output:
	// imagestreams.image.openshift.io "app" not found
	// true NotFound
	// 404
	// true Invalid
}

// With reference policy Local a tag is pulled through the integrated
// registry, by digest; the status history keeps the source reference.
// Tag lookups expect a normalized stream (tags sorted by name), so a
// stream built by hand is passed through Normalize first.
func ExampleResolveReferenceForTagEvent() {
	const digest = "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
	event := &image.TagEvent{DockerImageReference: "quay.io/acme/app@" + digest, Image: digest}
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "demo"},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{
			{Name: "source", ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy}},
			{Name: "local", ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}},
		}},
		Status: image.ImageStreamStatus{DockerImageRepository: "image-registry.openshift-image-registry.svc:5000/demo/app"},
	}
	imagestream.Normalize(is)
	fmt.Println(imagestream.ResolveReferenceForTagEvent(is, "source", event))
	fmt.Println(imagestream.ResolveReferenceForTagEvent(is, "local", event))
	// Output:
	// quay.io/acme/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25
	// image-registry.openshift-image-registry.svc:5000/demo/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25
}

// ResolveImageID accepts a prefix of an image's hex digest, but refuses
// one that several images share.
func ExampleResolveImageID() {
	const (
		a = "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
		b = "sha256:3c8f0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdde"
	)
	is := &image.ImageStream{Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
		{Tag: "v1", Items: []image.TagEvent{{DockerImageReference: "quay.io/acme/app@" + a, Image: a}}},
		{Tag: "v2", Items: []image.TagEvent{{DockerImageReference: "quay.io/acme/app@" + b, Image: b}}},
	}}}
	now := time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)

	event, err := imagestream.ResolveImageID(is, "3c87c5", now)
	fmt.Println(event.DockerImageReference, err)
	_, err = imagestream.ResolveImageID(is, "3c8", now)
	fmt.Println(imagestream.Reason(err), err)
	// Output:
	// quay.io/acme/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25 <nil>
	// Conflict Operation cannot be fulfilled on imagestreamimage.image.openshift.io "3c8": multiple images match the prefix "3c8": sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25, sha256:3c8f0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdde
}

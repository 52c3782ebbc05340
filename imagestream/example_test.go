package imagestream_test

import (
	"context"
	"fmt"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// ExampleService pushes two images to a tag the way the integrated
// registry does and reads the tag's history, newest first.
func ExampleService() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	svc := imagestream.NewService(store,
		imagestream.WithClock(func() time.Time { return time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC) }),
		imagestream.WithRegistryHostname("registry.local:5000", ""))

	if _, err := svc.ImageStreams("demo").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, seed := range []string{"v1", "v2"} {
		img := imagetest.Image(seed, imagetest.Options{})
		if _, err := svc.ImageStreamMappings("demo").Create(ctx, imagetest.Mapping("demo", "app", "latest", img)); err != nil {
			fmt.Println(err)
			return
		}
	}
	is, err := svc.ImageStreams("demo").Get(ctx, "app")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range imagestream.StatusTag(is, "latest").Items {
		fmt.Println(e.Image == imagetest.Image("v2", imagetest.Options{}).Name, e.Generation)
	}
	// Output:
	// true 1
	// false 1
}

// ExampleAddTagEvent shows the history rules on a stream in memory.
func ExampleAddTagEvent() {
	is := &image.ImageStream{}
	a := image.TagEvent{DockerImageReference: "quay.io/acme/app@sha256:aaaa", Image: "sha256:aaaa", Generation: 1}
	b := image.TagEvent{DockerImageReference: "quay.io/acme/app@sha256:bbbb", Image: "sha256:bbbb", Generation: 1}
	fmt.Println(imagestream.AddTagEvent(is, "latest", a)) // first event
	fmt.Println(imagestream.AddTagEvent(is, "latest", a)) // identical: no change
	fmt.Println(imagestream.AddTagEvent(is, "latest", b)) // new image: prepended
	fmt.Println(imagestream.LatestTaggedImage(is, "latest").Image, len(imagestream.StatusTag(is, "latest").Items))
	// Output:
	// true
	// false
	// true
	// sha256:bbbb 2
}

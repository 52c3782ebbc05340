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

// ExampleImageStreams_Update shows the generation rules of an update and
// the compare-and-swap on resourceVersion.
func ExampleImageStreams_Update() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	streams := imagestream.NewService(store).ImageStreams("demo")

	is, err := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	stale := is.DeepCopy()

	is.Labels = map[string]string{"team": "web"} // metadata: same generation
	is, _ = streams.Update(ctx, is)
	fmt.Println("after a label:", is.Generation)

	is.Spec.Tags = []image.TagReference{{Name: "v1", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:v1"}}}
	is, _ = streams.Update(ctx, is)
	fmt.Println("after a new tag:", is.Generation, *is.Spec.Tags[0].Generation)

	_, err = streams.Update(ctx, stale)
	fmt.Println("stale update is a conflict:", errors.Is(err, storage.ErrConflict))
	// Output:
	// after a label: 1
	// after a new tag: 2 2
	// stale update is a conflict: true
}

// ExampleService_WatchTags reacts to a tag pointing at a new image, as
// image change triggers do.
func ExampleService_WatchTags() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := memory.New()
	defer store.Close()
	svc := imagestream.NewService(store,
		imagestream.WithClock(func() time.Time { return time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC) }))

	if _, err := svc.ImageStreams("demo").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}}); err != nil {
		fmt.Println(err)
		return
	}
	changes, err := svc.WatchTags(ctx, "demo", imagestream.WatchOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"aaaa", "bbbb"} {
		m := &image.ImageStreamMapping{
			ObjectMeta: image.ObjectMeta{Name: "app"},
			Tag:        "latest",
			Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:" + id}, DockerImageReference: "quay.io/acme/app:" + id},
		}
		if _, err := svc.ImageStreamMappings("demo").Create(ctx, m); err != nil {
			fmt.Println(err)
			return
		}
	}
	for range 2 {
		c := <-changes
		prev := "(none)"
		if c.Previous != nil {
			prev = c.Previous.Image
		}
		fmt.Printf("%s:%s %s -> %s\n", c.Stream, c.Tag, prev, c.Current.Image)
	}
	// Output:
	// app:latest (none) -> sha256:aaaa
	// app:latest sha256:aaaa -> sha256:bbbb
}

// ExampleImageStreams_Watch watches the streams of one team: a stream
// relabelled into the team is ADDED, one relabelled out of it DELETED.
func ExampleImageStreams_Watch() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := memory.New()
	defer store.Close()
	streams := imagestream.NewService(store).ImageStreams("demo")

	events, err := streams.Watch(ctx, imagestream.WatchOptions{LabelSelector: "team=web"})
	if err != nil {
		fmt.Println(err)
		return
	}
	relabel := func(is *image.ImageStream, team string) *image.ImageStream {
		is.Labels = map[string]string{"team": team}
		is, err := streams.Update(ctx, is)
		if err != nil {
			fmt.Println(err)
		}
		return is
	}
	app, _ := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", Labels: map[string]string{"team": "db"}}})
	app = relabel(app, "web")
	app.Annotations = map[string]string{"note": "still web"}
	app, _ = streams.Update(ctx, app)
	relabel(app, "db")
	for range 3 {
		ev := <-events
		fmt.Println(ev.Type, ev.Object.Name, ev.Object.Labels["team"])
	}
	// Output:
	// ADDED app web
	// MODIFIED app web
	// DELETED app web
}

// ExampleImageStreams_Patch adds a label with a merge patch and a spec
// tag with a JSON Patch; only the second changes the spec, so only it
// adds one to the generation.
func ExampleImageStreams_Patch() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	streams := imagestream.NewService(store).ImageStreams("demo")
	if _, err := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}}); err != nil {
		fmt.Println(err)
		return
	}

	is, err := streams.Patch(ctx, "app", imagestream.MergePatchType, []byte(`{"metadata":{"labels":{"team":"web"}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(is.Labels["team"], is.Generation)

	is, err = streams.Patch(ctx, "app", imagestream.JSONPatchType, []byte(`[
		{"op": "add", "path": "/spec/tags", "value": []},
		{"op": "add", "path": "/spec/tags/-", "value": {"name": "v1", "from": {"kind": "DockerImage", "name": "quay.io/acme/app:v1"}}}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(is.Spec.Tags[0].Name, is.Generation)
	// Output:
	// web 1
	// v1 2
}

// ExampleImageSignatures_Create adds a signature to an image; the same
// signature again is AlreadyExists.
func ExampleImageSignatures_Create() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	svc := imagestream.NewService(store)

	const id = "sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29"
	if _, err := svc.Images().Create(ctx, &image.Image{ObjectMeta: image.ObjectMeta{Name: id}, DockerImageReference: "quay.io/acme/app@" + id}); err != nil {
		fmt.Println(err)
		return
	}
	sig := &image.ImageSignature{ObjectMeta: image.ObjectMeta{Name: id + "@sig1"}, Type: image.SignatureTypeAtomicImageV1, Content: []byte("...")}
	if _, err := svc.ImageSignatures().Create(ctx, sig); err != nil {
		fmt.Println(err)
		return
	}
	img, _ := svc.Images().Get(ctx, id)
	fmt.Println(len(img.Signatures), img.Signatures[0].Type)

	_, err := svc.ImageSignatures().Create(ctx, sig)
	fmt.Println(imagestream.Reason(err))
	// Output:
	// 1 AtomicImageV1
	// AlreadyExists
}

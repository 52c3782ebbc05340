package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// ExampleImageStreamTags_Create makes app:stable an alias of app:latest,
// as `oc tag --alias app:latest app:stable` does (plain `oc tag` would
// pin stable to latest's current image instead), then resolves short
// names through the stream's lookup policy, and shows that the alias
// follows the next push to latest.
func ExampleImageStreamTags_Create() {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	svc := imagestream.NewService(store,
		imagestream.WithClock(func() time.Time { return time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC) }),
		imagestream.WithRegistryHostname("image-registry.openshift-image-registry.svc:5000", ""))

	app := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: image.ImageStreamSpec{LookupPolicy: image.ImageLookupPolicy{Local: true}}}
	if _, err := svc.ImageStreams("demo").Create(ctx, app); err != nil {
		fmt.Println(err)
		return
	}
	img := imagetest.Image("v1", imagetest.Options{})
	if _, err := svc.ImageStreamMappings("demo").Create(ctx, imagetest.Mapping("demo", "app", "latest", img)); err != nil {
		fmt.Println(err)
		return
	}
	stable := &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{Name: "app:stable"},
		Tag:        &image.TagReference{From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "app:latest"}},
	}
	ist, err := svc.ImageStreamTags("demo").Create(ctx, stable)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stable is the pushed image:", ist.Image.Name == img.Name)

	_, err = svc.ImageStreamTags("demo").Create(ctx, stable)
	fmt.Println("again:", imagestream.Reason(err))

	for _, name := range []string{"app:stable", "app:next", "other"} {
		pullSpec, err := svc.ResolveShortName(ctx, "demo", name)
		if le, ok := errors.AsType[*imagestream.LookupError](err); ok {
			fmt.Printf("%s: %v\n", name, le.Err)
			continue
		}
		if repo, digest, ok := strings.Cut(pullSpec, "@"); ok && digest == img.Name {
			pullSpec = repo + "@<digest of v1>"
		}
		fmt.Printf("%s: %s\n", name, pullSpec)
	}

	v2 := imagetest.Image("v2", imagetest.Options{})
	if _, err := svc.ImageStreamMappings("demo").Create(ctx, imagetest.Mapping("demo", "app", "latest", v2)); err != nil {
		fmt.Println(err)
		return
	}
	if ist, err = svc.ImageStreamTags("demo").Get(ctx, "app:stable"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after pushing v2 to latest, stable is v2:", ist.Image.Name == v2.Name)
	// Output:
	// stable is the pushed image: true
	// again: AlreadyExists
	// app:stable: image-registry.openshift-image-registry.svc:5000/demo/app@<digest of v1>
	// app:next: image-registry.openshift-image-registry.svc:5000/demo/app:next
	// other: imagestreams.image.openshift.io "other" not found
	// after pushing v2 to latest, stable is v2: true
}

// ExampleParseSelector selects by labels as `oc get -l` does.
func ExampleParseSelector() {
	sel, err := imagestream.ParseSelector("app=ruby, env in (dev,test), !deprecated")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(map[string]string{"app": "ruby", "env": "dev"}))
	fmt.Println(sel.Matches(map[string]string{"app": "ruby", "env": "prod"}))

	_, err = imagestream.ParseSelector("env in dev")
	fmt.Println(errors.Is(err, imagestream.ErrInvalidSelector))
	// Output:
	// app=ruby,!deprecated,env in (dev,test)
	// true
	// false
	// true
}

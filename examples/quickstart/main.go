package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const (
	ns       = "demo"
	registry = "image-registry.openshift-image-registry.svc:5000"
)

func run(ctx context.Context, w io.Writer) error {
	store := memory.New()
	defer store.Close()
	// A fixed clock keeps the output identical from run to run.
	now := time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := imagestream.NewService(store, imagestream.WithClock(clock), imagestream.WithRegistryHostname(registry, ""))
	streams := svc.ImageStreams(ns)

	// 1. An empty stream; the registry will fill it.
	if _, err := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby"}}); err != nil {
		return err
	}

	// 2. Two pushes to ruby:latest, an hour apart.
	v1 := imagetest.Image("ruby-v1", imagetest.Options{Layers: 3})
	v2 := imagetest.Image("ruby-v2", imagetest.Options{Layers: 3})
	for _, img := range []*image.Image{v1, v2} {
		if _, err := svc.ImageStreamMappings(ns).Create(ctx, imagetest.Mapping(ns, "ruby", "latest", img)); err != nil {
			return err
		}
		now = now.Add(time.Hour)
	}

	// 3. `oc tag ruby:latest ruby:prod` pins prod to latest's image;
	//    `oc tag --alias ruby:latest ruby:stable` makes stable follow latest.
	is, err := streams.Get(ctx, "ruby")
	if err != nil {
		return err
	}
	is.Spec.Tags = append(is.Spec.Tags,
		image.TagReference{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "ruby@" + v2.Name}},
		image.TagReference{Name: "stable", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "latest"}},
	)
	if is, err = streams.Update(ctx, is); err != nil {
		return err
	}

	// 4. Roll prod back to the first image: re-tag it from the history.
	now = now.Add(time.Hour)
	imagestream.SpecTag(is, "prod").From.Name = "ruby@" + v1.Name
	if is, err = streams.Update(ctx, is); err != nil {
		return err
	}

	// 5. Show the history, as `oc describe` would, half an hour later.
	now = now.Add(30 * time.Minute)
	fmt.Fprintln(w, "$ oc describe is/ruby")
	if err := describe.ImageStream(w, is, now); err != nil {
		return err
	}
	ist, err := svc.ImageStreamTags(ns).Get(ctx, "ruby:prod")
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\n$ oc describe istag/ruby:prod")
	if err := describe.ImageStreamTag(w, ist, now); err != nil {
		return err
	}

	// 6. `oc tag -d ruby:stable`.
	if err := svc.ImageStreamTags(ns).Delete(ctx, "ruby:stable", imagestream.DeleteOptions{}); err != nil {
		return err
	}
	if is, err = streams.Get(ctx, "ruby"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n$ oc tag -d ruby:stable\nDeleted tag %s/ruby:stable.\n", ns)
	fmt.Fprintf(w, "\n$ oc get is/ruby -o jsonpath='{.status.tags[*].tag}'\n%s\n", tagNames(is))
	return nil
}

func tagNames(is *image.ImageStream) string {
	names := make([]string, len(is.Status.Tags))
	for i, t := range is.Status.Tags {
		names[i] = t.Tag
	}
	return strings.Join(names, " ")
}

package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
)

// pushResult is what the pusher reports when it is done: the
// resourceVersion of its last write, or why it stopped.
type pushResult struct {
	rv  int64
	err error
}

// script is what the pusher goroutine does. Its images and names are
// built before the goroutine starts and only read afterwards, so the
// watcher may read names concurrently.
type script struct {
	web   []*image.Image // web-v1 … web-vN
	api   []*image.Image // api-v1, api-v2
	debug *image.Image
	// names maps an image's digest to the seed it was built from, for
	// readable output.
	names map[string]string
}

func newScript(pushes int) *script {
	s := &script{names: map[string]string{}}
	add := func(seed string) *image.Image {
		img := imagetest.Image(seed, imagetest.Options{})
		s.names[img.Name] = seed
		return img
	}
	for i := 1; i <= pushes; i++ {
		s.web = append(s.web, add(fmt.Sprintf("web-v%d", i)))
	}
	s.api = []*image.Image{add("api-v1"), add("api-v2")}
	s.debug = add("web-debug")
	return s
}

// play makes the writes a registry and a user would make. The last write
// is one the watcher sees as a tag change; play reports its
// resourceVersion.
func (s *script) play(ctx context.Context, svc *imagestream.Service) pushResult {
	push := func(stream, tag string, img *image.Image) error {
		_, err := svc.ImageStreamMappings(ns).Create(ctx, imagetest.Mapping(ns, stream, tag, img))
		return err
	}
	// `oc tag api@<digest> api:prod` pins prod to one image.
	pin := func(img *image.Image) error {
		is, err := svc.ImageStreams(ns).Get(ctx, "api")
		if err != nil {
			return err
		}
		imagestream.SetSpecTag(is, image.TagReference{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: "api@" + img.Name}})
		_, err = svc.ImageStreams(ns).Update(ctx, is)
		return err
	}
	steps := []func() error{}
	for _, img := range s.web {
		steps = append(steps, func() error { return push("web", "latest", img) })
	}
	steps = append(steps,
		// The image web:latest already has: no change, no rollout.
		func() error { return push("web", "latest", s.web[len(s.web)-1]) },
		func() error { return push("api", "latest", s.api[0]) },
		func() error { return pin(s.api[0]) },
		// Nobody deploys web:debug.
		func() error { return push("web", "debug", s.debug) },
		// Staging follows latest; prod stays pinned to api-v1 ...
		func() error { return push("api", "latest", s.api[1]) },
		// ... until it is promoted.
		func() error { return pin(s.api[1]) },
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return pushResult{err: err}
		}
	}
	is, err := svc.ImageStreams(ns).Get(ctx, "api")
	if err != nil {
		return pushResult{err: err}
	}
	rv, err := strconv.ParseInt(is.ResourceVersion, 10, 64)
	if err != nil {
		return pushResult{err: fmt.Errorf("resourceVersion %q: %w", is.ResourceVersion, err)}
	}
	return pushResult{rv: rv}
}

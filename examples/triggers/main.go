package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			log.Fatal(err)
		}
	}
}

const ns = "demo"

// deployment is the part of a Deployment with an image change trigger
// that matters here: the tag it follows and the image it last rolled
// out (a DeploymentConfig's lastTriggeredImage).
type deployment struct {
	name     string
	stream   string
	tag      string
	deployed string
}

// run parses args (without the program name) and runs the example,
// writing its report to w.
func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("triggers", flag.ContinueOnError)
	fs.SetOutput(w)
	pushes := fs.Int("pushes", 3, "number of images pushed to web:latest")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// The example takes no arguments: refuse them rather than
		// ignore them and every flag after them.
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *pushes < 1 {
		return fmt.Errorf("-pushes must be at least 1, got %d", *pushes)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	store := memory.New()
	defer store.Close()
	// A fixed clock: no time appears in the output, and no goroutine
	// writes the clock while the service reads it.
	epoch := time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)
	svc := imagestream.NewService(store, imagestream.WithClock(func() time.Time { return epoch }))
	streams := svc.ImageStreams(ns)
	for _, name := range []string{"web", "api"} {
		if _, err := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name}}); err != nil {
			return err
		}
	}

	// List, then watch from the list's resourceVersion: the pattern that
	// misses no change and repeats none, however the two goroutines are
	// scheduled.
	list, err := streams.List(ctx, imagestream.ListOptions{})
	if err != nil {
		return err
	}
	changes, err := svc.WatchTags(ctx, ns, imagestream.WatchOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		return err
	}

	s := newScript(*pushes)
	done := make(chan pushResult, 1)
	go func() { done <- s.play(ctx, svc) }()

	deployments := []*deployment{
		{name: "frontend", stream: "web", tag: "latest"},
		{name: "backend-staging", stream: "api", tag: "latest"},
		{name: "backend", stream: "api", tag: "prod"},
	}
	return watch(changes, done, deployments, s.names, w)
}

// watch prints each tag change and the rollouts it triggers, until it has
// seen the change of the pusher's last write.
func watch(changes <-chan imagestream.TagChange, done <-chan pushResult, deployments []*deployment, names map[string]string, w io.Writer) error {
	final, seen := int64(-1), int64(0)
	for final < 0 || seen < final {
		select {
		case r := <-done:
			if r.err != nil {
				return r.err
			}
			final, done = r.rv, nil
		case c, ok := <-changes:
			if !ok {
				return errors.New("watch ended before the last push was seen")
			}
			if c.Err != nil {
				return c.Err
			}
			// Resource versions are revisions that grow with every write
			// (package storage), so "seen the last write" is a comparison.
			rv, err := strconv.ParseInt(c.ResourceVersion, 10, 64)
			if err != nil {
				return fmt.Errorf("resourceVersion %q: %w", c.ResourceVersion, err)
			}
			seen = rv
			react(c, deployments, names, w)
		}
	}
	return nil
}

// react prints one change and rolls out the deployments that follow the
// tag, unless they already run its image.
func react(c imagestream.TagChange, deployments []*deployment, names map[string]string, w io.Writer) {
	fmt.Fprintf(w, "%s:%s %s -> %s\n", c.Stream, c.Tag, describe(c.Previous, names), describe(c.Current, names))
	if c.Current == nil {
		// A deleted tag leaves the running deployments alone, as in
		// OpenShift.
		return
	}
	triggered := false
	for _, d := range deployments {
		if d.stream != c.Stream || d.tag != c.Tag || d.deployed == c.Current.Image {
			continue
		}
		d.deployed = c.Current.Image
		triggered = true
		fmt.Fprintf(w, "  trigger: deploy %s from tag %s:%s (%s)\n", d.name, c.Stream, c.Tag, describe(c.Current, names))
	}
	if !triggered {
		fmt.Fprintf(w, "  no deployment follows %s:%s\n", c.Stream, c.Tag)
	}
}

// describe names the image of a tag event: its seed and short digest.
func describe(e *image.TagEvent, names map[string]string) string {
	if e == nil {
		return "(none)"
	}
	id := e.Image
	if len(id) > len("sha256:")+12 {
		id = id[:len("sha256:")+12] // abbreviated as oc does
	}
	if name, ok := names[e.Image]; ok {
		return name + " " + id
	}
	return id
}

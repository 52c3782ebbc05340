package tour

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

const (
	ns       = "demo"
	stream   = "ruby"
	registry = "image-registry.openshift-image-registry.svc:5000"
)

// Registry is the integrated registry's host name the examples' Services
// are configured with (imagestream.WithRegistryHostname).
const Registry = registry

// Tour is the quickstart's flow, split into a first run and the runs
// after it. Its clock is set from the stored state, never from the wall
// clock, so the output is the same on every machine: give Clock to the
// Service with imagestream.WithClock.
type Tour struct {
	now time.Time
}

// Clock returns the tour's current time.
func (t *Tour) Clock() time.Time { return t.now }

// Run does the first run's work when the stream does not exist yet, and
// a later run's otherwise.
func (t *Tour) Run(ctx context.Context, svc *imagestream.Service, w io.Writer) error {
	is, err := svc.ImageStreams(ns).Get(ctx, stream)
	if errors.Is(err, storage.ErrNotFound) {
		fmt.Fprintf(w, "%s/%s not found: first run, doing the quickstart's flow\n\n", ns, stream)
		return t.first(ctx, svc, w)
	}
	if err != nil {
		return err
	}
	return t.again(ctx, svc, is, w)
}

// first creates the stream, pushes two images, tags across tags, rolls a
// tag back and deletes a tag, as examples/quickstart does.
func (t *Tour) first(ctx context.Context, svc *imagestream.Service, w io.Writer) error {
	t.now = time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)
	streams := svc.ImageStreams(ns)
	if _, err := streams.Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: stream}}); err != nil {
		return err
	}
	v1, v2 := version(1), version(2)
	for _, img := range []*image.Image{v1, v2} {
		if _, err := svc.ImageStreamMappings(ns).Create(ctx, imagetest.Mapping(ns, stream, "latest", img)); err != nil {
			return err
		}
		t.now = t.now.Add(time.Hour)
	}
	// `oc tag ruby@<v2> ruby:prod` and `oc tag --alias ruby:latest ruby:stable`.
	is, err := streams.Get(ctx, stream)
	if err != nil {
		return err
	}
	is.Spec.Tags = append(is.Spec.Tags,
		image.TagReference{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamImage, Name: stream + "@" + v2.Name}},
		image.TagReference{Name: "stable", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "latest"}},
	)
	if is, err = streams.Update(ctx, is); err != nil {
		return err
	}
	// Roll prod back to the first image.
	t.now = t.now.Add(time.Hour)
	imagestream.SpecTag(is, "prod").From.Name = stream + "@" + v1.Name
	if _, err = streams.Update(ctx, is); err != nil {
		return err
	}
	// `oc tag -d ruby:stable`.
	if err := svc.ImageStreamTags(ns).Delete(ctx, stream+":stable", imagestream.DeleteOptions{}); err != nil {
		return err
	}
	if is, err = streams.Get(ctx, stream); err != nil {
		return err
	}
	describe(w, is)
	return nil
}

// again reports what an earlier run left in the store, then pushes the
// next version to ruby:latest.
func (t *Tour) again(ctx context.Context, svc *imagestream.Service, is *image.ImageStream, w io.Writer) error {
	latest := imagestream.StatusTag(is, "latest")
	if latest == nil || len(latest.Items) == 0 {
		return fmt.Errorf("%s/%s has no latest tag; delete the store to start over", ns, stream)
	}
	fmt.Fprintf(w, "%s/%s survived the restart: generation %d, tags %s, %d event(s) in latest's history\n",
		ns, stream, is.Generation, tagNames(is), len(latest.Items))
	// The images survive too, not only the stream that names them.
	if prod := imagestream.LatestTaggedImage(is, "prod"); prod != nil {
		img, err := svc.Images().Get(ctx, prod.Image)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "prod's image %s is stored, %d layers\n", short(img.Name), len(img.DockerImageLayers))
	}

	n := len(latest.Items) + 1
	t.now = newest(is).Add(time.Hour)
	if _, err := svc.ImageStreamMappings(ns).Create(ctx, imagetest.Mapping(ns, stream, "latest", version(n))); err != nil {
		return err
	}
	fmt.Fprintf(w, "pushed %s-v%d to %s:latest\n\n", stream, n, stream)
	is, err := svc.ImageStreams(ns).Get(ctx, stream)
	if err != nil {
		return err
	}
	describe(w, is)
	return nil
}

// version returns the n-th image pushed to the stream; the same n gives
// the same digest on every run.
func version(n int) *image.Image {
	return imagetest.Image(fmt.Sprintf("%s-v%d", stream, n), imagetest.Options{Layers: 3})
}

// newest returns the creation time of the stream's newest tag event.
func newest(is *image.ImageStream) time.Time {
	var t time.Time
	for _, list := range is.Status.Tags {
		for _, e := range list.Items {
			if e.Created.After(t) {
				t = e.Created.Time
			}
		}
	}
	return t.UTC()
}

// describe prints the stream in the spirit of `oc describe is`.
func describe(w io.Writer, is *image.ImageStream) {
	tw := tabwriter.NewWriter(w, 0, 8, 1, '\t', 0)
	fmt.Fprintf(tw, "Name:\t%s\n", is.Name)
	fmt.Fprintf(tw, "Namespace:\t%s\n", is.Namespace)
	fmt.Fprintf(tw, "Generation:\t%d\n", is.Generation)
	fmt.Fprintf(tw, "Docker Pull Spec:\t%s\n", is.Status.DockerImageRepository)
	fmt.Fprintf(tw, "Tags:\t%d\n", len(is.Status.Tags))
	tw.Flush()
	for _, list := range is.Status.Tags {
		fmt.Fprintf(w, "\n%s\n", list.Tag)
		if spec := imagestream.SpecTag(is, list.Tag); spec != nil && spec.From != nil {
			fmt.Fprintf(w, "  tagged from %s (%s)\n", short(spec.From.Name), spec.From.Kind)
		} else {
			fmt.Fprintf(w, "  pushed\n")
		}
		for i, e := range list.Items {
			mark := " "
			if i == 0 {
				mark = "*"
			}
			fmt.Fprintf(w, "  %s %s  %s (generation %d)\n", mark, short(e.Image), e.Created.UTC().Format(time.RFC3339), e.Generation)
		}
	}
}

// short abbreviates the digests in s to 12 hex digits, as oc does.
func short(s string) string {
	const algo = "sha256:"
	i := strings.Index(s, algo)
	if i < 0 || len(s) < i+len(algo)+12 {
		return s
	}
	return s[:i+len(algo)+12]
}

func tagNames(is *image.ImageStream) string {
	names := make([]string, 0, len(is.Status.Tags))
	for _, t := range is.Status.Tags {
		names = append(names, t.Tag)
	}
	return "[" + strings.Join(names, " ") + "]"
}

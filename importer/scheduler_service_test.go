package importer_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/registrytest"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestServiceScheduler runs the Scheduler against an imagestream Service
// importing from a real registry (SEMANTICS §8.10): a new image pushed
// under a scheduled tag reaches the stream when the fake clock passes the
// stream's turn, not before, and canceling the context stops the
// Scheduler.
func TestServiceScheduler(t *testing.T) {
	t.Parallel()
	reg := registrytest.Start(t, registrytest.Options{})
	first := imagetest.ImageContent("scheduled-first", imagetest.Options{})
	second := imagetest.ImageContent("scheduled-second", imagetest.Options{})
	pushContent(t, reg, "ns/app", "latest", first)
	// Inside the bubble time moves only while every goroutine is blocked
	// on the bubble; a kept-alive connection's reader never is, so every
	// connection closes after its request.
	reg.Transport.DisableKeepAlives = true
	reg.Transport.CloseIdleConnections()
	transport := reg.Transport.Clone()

	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		imp := importer.New(importer.Options{Transport: transport, RateLimits: importer.Unlimited(), Timeout: 10 * time.Second,
			Registries: importer.RegistryConfig{InsecureRegistries: []string{reg.Host}}})
		svc := imagestream.NewService(memory.New(), imagestream.WithImporter(imp))
		from := reg.Host + "/ns/app:latest"
		_, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{
			ObjectMeta: image.ObjectMeta{Name: "app"},
			Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
				Name: "latest", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: from},
				ImportPolicy: image.TagImportPolicy{Scheduled: true},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// The first import, as the image stream controller would post it.
		_, err = svc.ImageStreamImports("ns").Create(ctx, &image.ImageStreamImport{
			ObjectMeta: image.ObjectMeta{Name: "app"},
			Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{{
				From: image.ObjectReference{Kind: image.KindDockerImage, Name: from}, To: &image.LocalObjectReference{Name: "latest"},
				ImportPolicy: image.TagImportPolicy{Scheduled: true},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		history := func() []string {
			is, err := svc.ImageStreams("ns").Get(ctx, "app")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, tl := range is.Status.Tags {
				for _, ev := range tl.Items {
					out = append(out, tl.Tag+" "+ev.Image)
				}
			}
			return out
		}
		want := []string{"latest " + first.ManifestDigest.String()}
		if diff := cmp.Diff(want, history()); diff != "" {
			t.Fatalf("after the first import (-want +got):\n%s", diff)
		}

		pushContent(t, reg, "ns/app", "latest", second)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		sched := importer.NewServiceScheduler(svc, importer.SchedulerOptions{Interval: 15 * time.Minute, Jitter: -1})
		go func() { done <- sched.Run(runCtx) }()

		// 15 minutes over 4+1 buckets: the stream's bucket comes up after
		// 3 minutes.
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if diff := cmp.Diff(want, history()); diff != "" {
			t.Errorf("before the stream's turn (-want +got):\n%s", diff)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		want = append([]string{"latest " + second.ManifestDigest.String()}, want...)
		if diff := cmp.Diff(want, history()); diff != "" {
			t.Errorf("after the stream's turn (-want +got):\n%s", diff)
		}

		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	})
}

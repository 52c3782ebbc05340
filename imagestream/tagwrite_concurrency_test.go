package imagestream_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestTagViewWritesRetryConflicts checks the server-side retry of
// SEMANTICS §12.1: ImageStreamTag creates and blind updates from two
// Services over one store (whose writes do not take turns, so their
// compare-and-swaps conflict) all land, and each spec change adds one to
// the generation.
func TestTagViewWritesRetryConflicts(t *testing.T) {
	const perWriter = 8
	a, _ := newService(t)
	b, _ := newServiceOn(a.Store())
	createStream(t, a, "ns", "app")
	var wg sync.WaitGroup
	errs := make(chan error, 4*perWriter)
	for w, svc := range []*imagestream.Service{a, b} {
		for i := range perWriter {
			wg.Go(func() {
				ctx := context.Background()
				name := fmt.Sprintf("app:w%d-%d", w, i)
				from := dockerFrom(fmt.Sprintf("example.com/app:%d", i))
				if i%2 == 0 {
					_, err := svc.ImageStreamTags("ns").Create(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: name}, Tag: &image.TagReference{From: from}})
					errs <- err
					return
				}
				_, err := svc.ImageStreamTags("ns").Update(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: name}, Tag: &image.TagReference{From: from}})
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	is := getStream(t, a, "ns", "app")
	var got, want []string
	for _, tag := range is.Spec.Tags {
		got = append(got, tag.Name)
	}
	for w := range 2 {
		for i := range perWriter {
			want = append(want, fmt.Sprintf("w%d-%d", w, i))
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spec tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(int64(1+2*perWriter), is.Generation); diff != "" {
		t.Errorf("generation (-want +got):\n%s", diff)
	}
}

package imagestream_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestListAll checks that ListAll returns what one unpaged List returns,
// whatever the page size, for streams of every namespace and for images.
func TestListAll(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	var wantStreams, wantImages []string
	for i := range 7 {
		ns := fmt.Sprintf("ns%d", i%3)
		name := fmt.Sprintf("app%d", i)
		createStream(t, svc, ns, name)
		pushInto(t, svc, ns, name, "latest", imagetest.Image(name, imagetest.Options{}))
	}
	all, err := svc.ImageStreams("").List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range all.Items {
		wantStreams = append(wantStreams, is.Namespace+"/"+is.Name)
	}
	images, err := svc.Images().List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range images.Items {
		wantImages = append(wantImages, img.Name)
	}
	if len(wantStreams) != 7 || len(wantImages) != 7 {
		t.Fatalf("setup: %d streams, %d images", len(wantStreams), len(wantImages))
	}
	for _, limit := range []int64{0, 1, 2, 3, 7, 100} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			if diff := cmp.Diff(wantStreams, listAllStreams(ctx, t, svc, limit)); diff != "" {
				t.Errorf("ImageStreams.ListAll (-want +got):\n%s", diff)
			}
			imgs, err := svc.Images().ListAll(ctx, imagestream.ListOptions{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, img := range imgs {
				got = append(got, img.Name)
			}
			if diff := cmp.Diff(wantImages, got); diff != "" {
				t.Errorf("Images.ListAll (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListAllNamespacesKeyOrder pins the order List and ListAll document
// for all namespaces: storage key order, as Kubernetes lists, not
// namespace then name ('-' sorts before the '/' ending a namespace).
func TestListAllNamespacesKeyOrder(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for _, s := range [][2]string{{"a0", "z"}, {"a", "x-y"}, {"a", "x"}, {"a-b", "y"}} {
		createStream(t, svc, s[0], s[1])
	}
	want := []string{"a-b/y", "a/x", "a/x-y", "a0/z"}
	for _, limit := range []int64{0, 1, 2} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			if diff := cmp.Diff(want, listAllStreams(ctx, t, svc, limit)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

// listAllStreams lists the streams of every namespace in pages of limit
// and returns them as "namespace/name".
func listAllStreams(ctx context.Context, t *testing.T, svc *imagestream.Service, limit int64) []string {
	t.Helper()
	streams, err := svc.ImageStreams("").ListAll(ctx, imagestream.ListOptions{Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range streams {
		got = append(got, is.Namespace+"/"+is.Name)
	}
	return got
}

package imagestream_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestStoredObjectsReadAsOpenShiftDecodes covers SEMANTICS §2.1–2.3 for
// data the library did not write itself (another tool, an older
// version): a stored stream is defaulted, its tags sorted with the last
// duplicate winning, and a legacy tagged repository stripped, on Get,
// List and Watch alike; an Image stored without a metadata version reads
// as "1.0" (§2.2).
func TestStoredObjectsReadAsOpenShiftDecodes(t *testing.T) {
	const stored = `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"s","namespace":"ns","uid":"u","creationTimestamp":"2017-09-02T10:15:09Z"},` +
		`"spec":{"dockerImageRepository":"quay.io/a/b:v1","tags":[` +
		`{"name":"t","from":{"kind":"DockerImage","name":"quay.io/a/b:old"}},` +
		`{"name":"a","from":{"kind":"DockerImage","name":"quay.io/a/b:a"}},` +
		`{"name":"t","from":{"kind":"DockerImage","name":"quay.io/a/b:v1"}}]},` +
		`"status":{}}`
	tag := func(name, from string) image.TagReference {
		return image.TagReference{
			Name:            name,
			From:            &image.ObjectReference{Kind: image.KindDockerImage, Name: from},
			ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
			ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		}
	}
	want := image.ImageStreamSpec{
		DockerImageRepository: "quay.io/a/b",
		Tags:                  []image.TagReference{tag("a", "quay.io/a/b:a"), tag("t", "quay.io/a/b:v1")},
	}

	ctx := context.Background()
	store := memory.New()
	t.Cleanup(func() { store.Close() })
	svc, _ := newServiceOn(store)
	rv, err := store.Create(ctx, "/imagestreams/ns/s", []byte(stored))
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.ImageStreams("ns").Get(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	check := func(how string, is *image.ImageStream) {
		t.Helper()
		if diff := cmp.Diff(want, is.Spec); diff != "" {
			t.Errorf("%s: spec (-want +got):\n%s", how, diff)
		}
	}
	check("Get", got)
	list, err := svc.ImageStreams("ns").List(ctx, imagestream.ListOptions{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	check("List", &list.Items[0])
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := svc.ImageStreams("ns").Watch(wctx, imagestream.WatchOptions{ResourceVersion: strconv.FormatInt(rv, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Update(ctx, "/imagestreams/ns/s", []byte(stored), rv); err != nil {
		t.Fatal(err)
	}
	ev := <-events
	if ev.Object == nil {
		t.Fatalf("watch event %+v", ev)
	}
	check("Watch", ev.Object)

	const storedImage = `{"kind":"Image","apiVersion":"image.openshift.io/v1","metadata":{"name":"` + "sha256:0000000000000000000000000000000000000000000000000000000000000002" + `"},"dockerImageReference":"quay.io/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000002","dockerImageMetadata":{}}`
	if _, err := store.Create(ctx, "/images/"+digest(2), []byte(storedImage)); err != nil {
		t.Fatal(err)
	}
	img, err := svc.Images().Get(ctx, digest(2))
	if err != nil {
		t.Fatal(err)
	}
	if img.DockerImageMetadataVersion != image.DockerImageMetadataVersion {
		t.Errorf("stored image: dockerImageMetadataVersion = %q, want %q", img.DockerImageMetadataVersion, image.DockerImageMetadataVersion)
	}
	// A created image without a version is stored with it.
	created, err := svc.Images().Create(ctx, &image.Image{ObjectMeta: image.ObjectMeta{Name: digest(3)}, DockerImageReference: "quay.io/a/b@" + digest(3)})
	if err != nil {
		t.Fatal(err)
	}
	if created.DockerImageMetadataVersion != image.DockerImageMetadataVersion {
		t.Errorf("created image: dockerImageMetadataVersion = %q, want %q", created.DockerImageMetadataVersion, image.DockerImageMetadataVersion)
	}
}

package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

const registry = "image-registry.openshift-image-registry.svc:5000"

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newService(t testing.TB, opts ...imagestream.Option) (*imagestream.Service, *clock) {
	t.Helper()
	store := memory.New()
	t.Cleanup(func() { store.Close() })
	c := &clock{t: time.Date(2017, 9, 2, 10, 15, 9, 0, time.UTC)}
	opts = append([]imagestream.Option{imagestream.WithClock(c.now), imagestream.WithRegistryHostname(registry, "")}, opts...)
	return imagestream.NewService(store, opts...), c
}

func createStream(t testing.TB, svc *imagestream.Service, ns, name string, tags ...image.TagReference) *image.ImageStream {
	t.Helper()
	is, err := svc.ImageStreams(ns).Create(context.Background(), &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name}, Spec: image.ImageStreamSpec{Tags: tags}})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func TestImageStreamsLifecycle(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	streams := svc.ImageStreams("ns")
	in := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby"}, Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{{Tag: "forged"}}}}
	is, err := streams.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if is.Generation != 1 || is.UID == "" || is.ResourceVersion == "" || is.Status.DockerImageRepository != registry+"/ns/ruby" || len(is.Status.Tags) != 0 {
		t.Errorf("created stream = %+v", is)
	}
	if len(in.Status.Tags) != 1 {
		t.Errorf("Create modified its argument")
	}
	if _, err := streams.Create(ctx, in); !errors.Is(err, storage.ErrExists) {
		t.Errorf("second Create = %v, want AlreadyExists", err)
	}

	// §4.3: a spec change bumps the generation; metadata does not.
	is.Labels = map[string]string{"a": "b"}
	is, err = streams.Update(ctx, is)
	if err != nil || is.Generation != 1 {
		t.Fatalf("metadata update: gen %d, %v", is.Generation, err)
	}
	stale := is.DeepCopy()
	is.Spec.LookupPolicy.Local = true
	is, err = streams.Update(ctx, is)
	if err != nil || is.Generation != 2 {
		t.Fatalf("spec update: gen %d, %v", is.Generation, err)
	}
	if _, err := streams.Update(ctx, stale); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("stale update = %v, want Conflict", err)
	}
	stale.ResourceVersion = ""
	if _, err := streams.Update(ctx, stale); !errors.Is(err, image.ErrInvalid) {
		t.Errorf("update without resourceVersion = %v, want Invalid", err)
	}

	// §4.5: the status subresource cannot change spec tags.
	withTag := is.DeepCopy()
	withTag.Spec.Tags = []image.TagReference{{Name: "x", From: &image.ObjectReference{Kind: "DockerImage", Name: "quay.io/a/b:1"}}}
	imagestream.AddTagEvent(withTag, "pushed", image.TagEvent{DockerImageReference: registry + "/ns/ruby@" + digest(1), Image: digest(1)})
	got, err := streams.UpdateStatus(ctx, withTag)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Tags) != 0 || imagestream.LatestTaggedImage(got, "pushed") == nil || got.Status.Tags[0].Items[0].Generation != 2 {
		t.Errorf("UpdateStatus result = %+v", got)
	}

	list, err := svc.ImageStreams("").List(ctx, imagestream.ListOptions{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if err := streams.Delete(ctx, "ruby", imagestream.DeleteOptions{UID: "wrong"}); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("Delete with wrong UID = %v", err)
	}
	if err := streams.Delete(ctx, "ruby", imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := streams.Get(ctx, "ruby"); !errors.Is(err, storage.ErrNotFound) || err.Error() != `imagestreams.image.openshift.io "ruby" not found` {
		t.Errorf("Get after Delete = %v", err)
	}
}

func digest(i int) string { return fmt.Sprintf("sha256:%064x", i) }

func pushed(i int) *image.Image {
	img := imagetest.Image(fmt.Sprintf("img-%d", i), imagetest.Options{})
	return img
}

// TestMappingDocumentationHistory reproduces the two-event history of
// origin-ruby-sample:latest in the "Managing image streams" chapter: two
// pushes, the newest first, each event carrying the stream generation at
// its time (SEMANTICS §6.2).
func TestMappingDocumentationHistory(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t)
	createStream(t, svc, "test", "origin-ruby-sample")
	first, second := pushed(1), pushed(2)
	if _, err := svc.ImageStreamMappings("test").Create(ctx, imagetest.Mapping("test", "origin-ruby-sample", "latest", first)); err != nil {
		t.Fatal(err)
	}
	// A spec change between the pushes raises the generation to 2.
	is, _ := svc.ImageStreams("test").Get(ctx, "origin-ruby-sample")
	is.Spec.LookupPolicy.Local = true
	if _, err := svc.ImageStreams("test").Update(ctx, is); err != nil {
		t.Fatal(err)
	}
	clk.add(27 * 24 * time.Hour)
	if _, err := svc.ImageStreamMappings("test").Create(ctx, imagetest.Mapping("test", "origin-ruby-sample", "latest", second)); err != nil {
		t.Fatal(err)
	}
	is, err := svc.ImageStreams("test").Get(ctx, "origin-ruby-sample")
	if err != nil {
		t.Fatal(err)
	}
	want := []image.TagEvent{
		{Created: image.Date(2017, 9, 29, 10, 15, 9), DockerImageReference: registry + "/test/origin-ruby-sample@" + second.Name, Image: second.Name, Generation: 2},
		{Created: image.Date(2017, 9, 2, 10, 15, 9), DockerImageReference: registry + "/test/origin-ruby-sample@" + first.Name, Image: first.Name, Generation: 1},
	}
	if diff := cmp.Diff(want, imagestream.StatusTag(is, "latest").Items); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if len(is.Spec.Tags) != 0 {
		t.Errorf("a mapping created spec tags: %v", is.Spec.Tags)
	}
	stored, err := svc.Images().Get(ctx, first.Name)
	if err != nil || stored.DockerImageMetadata.Config == nil || stored.Annotations[image.ManagedByOpenShiftAnnotation] != "true" {
		t.Errorf("image stored = %+v, %v", stored, err)
	}
}

// TestMappingRules covers the remaining cases of SEMANTICS §6.
func TestMappingRules(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	img := pushed(1)
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, imagetest.Mapping("ns", "missing", "latest", img)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("mapping into a missing stream = %v, want NotFound", err)
	}
	bad := imagetest.Mapping("ns", "a", "latest", img)
	bad.Image.DockerImageReference = ""
	bad.Image.Name = ""
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, bad); !errors.Is(err, image.ErrInvalid) {
		t.Errorf("invalid mapping = %v, want Invalid", err)
	}

	tracking := image.TagReference{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "latest"}}
	createStream(t, svc, "ns", "a", tracking)
	createStream(t, svc, "ns", "b")
	// A tag is required (§3.6); the tracking tag follows it (§5.3).
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, imagetest.Mapping("ns", "a", "", img)); !errors.Is(err, image.ErrInvalid) {
		t.Errorf("mapping without a tag = %v, want Invalid", err)
	}
	if st, err := svc.ImageStreamMappings("ns").Create(ctx, imagetest.Mapping("ns", "a", "latest", img)); err != nil || st.Status != image.StatusSuccess {
		t.Fatalf("mapping = %v, %v", st, err)
	}
	a, _ := svc.ImageStreams("ns").Get(ctx, "a")
	if e := imagestream.LatestTaggedImage(a, "prod"); e == nil || e.Image != img.Name {
		t.Errorf("tracking tag prod = %+v", e)
	}
	// The same image pushed to b: the image exists and is managed, so b's
	// event points at b's repository (§6.2 step 4).
	m := imagetest.Mapping("ns", "b", "v1", img)
	m.Image.DockerImageReference = "elsewhere.example.com/x/y@" + img.Name
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	b, _ := svc.ImageStreams("ns").Get(ctx, "b")
	if e := imagestream.LatestTaggedImage(b, "v1"); e == nil || e.DockerImageReference != registry+"/ns/b@"+img.Name {
		t.Errorf("event for an existing managed image = %+v", e)
	}
	// Mapping the same image again changes nothing.
	before := b.ResourceVersion
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	if b, _ = svc.ImageStreams("ns").Get(ctx, "b"); b.ResourceVersion != before {
		t.Errorf("an identical mapping wrote the stream")
	}
}

// TestConcurrentMappings: 64 writers × 100 mappings into one stream, each
// writer on its own tag; every tag's history holds exactly its 100 images,
// newest first (SEMANTICS §6.2 retries).
func TestConcurrentMappings(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "busy")
	const writers, perWriter = 64, 100
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				img := &image.Image{
					ObjectMeta:           image.ObjectMeta{Name: digest(w*perWriter + i + 1)},
					DockerImageReference: "quay.io/x/y@" + digest(w*perWriter+i+1),
				}
				m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: "busy", Namespace: "ns"}, Tag: fmt.Sprintf("t%d", w), Image: *img}
				for {
					_, err := svc.ImageStreamMappings("ns").Create(ctx, m)
					// Like the registry, a client retries when the server
					// ran out of conflict retries.
					if imagestream.Reason(err) == image.StatusReasonServerTimeout {
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	is, err := svc.ImageStreams("ns").Get(ctx, "busy")
	if err != nil {
		t.Fatal(err)
	}
	if len(is.Status.Tags) != writers {
		t.Fatalf("%d tags, want %d", len(is.Status.Tags), writers)
	}
	for w := range writers {
		items := imagestream.StatusTag(is, fmt.Sprintf("t%d", w)).Items
		if len(items) != perWriter {
			t.Fatalf("tag t%d has %d events, want %d", w, len(items), perWriter)
		}
		for i, e := range items {
			if want := digest(w*perWriter + perWriter - i); e.Image != want {
				t.Fatalf("t%d item %d = %s, want %s", w, i, e.Image, want)
			}
		}
	}
}

func TestWatchTags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app")
	changes, err := svc.WatchTags(ctx, "ns", 0)
	if err != nil {
		t.Fatal(err)
	}
	img1, img2 := pushed(1), pushed(2)
	for _, img := range []*image.Image{img1, img2} {
		if _, err := svc.ImageStreamMappings("ns").Create(ctx, imagetest.Mapping("ns", "app", "latest", img)); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.ImageStreamTags("ns").Delete(ctx, "app:latest"); err != nil {
		t.Fatal(err)
	}
	type change struct{ Tag, Prev, Cur string }
	var got []change
	for range 3 {
		c := <-changes
		var ch change
		ch.Tag = c.Tag
		if c.Previous != nil {
			ch.Prev = c.Previous.Image
		}
		if c.Current != nil {
			ch.Cur = c.Current.Image
		}
		got = append(got, ch)
	}
	want := []change{{"latest", "", img1.Name}, {"latest", img1.Name, img2.Name}, {"latest", img2.Name, ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestImageStreamTagDelete(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "python", image.TagReference{Name: "3.5", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "centos/python-35-centos7"}})
	if err := svc.ImageStreamTags("ns").Delete(ctx, "python:3.5"); err != nil {
		t.Fatal(err)
	}
	is, _ := svc.ImageStreams("ns").Get(ctx, "python")
	if len(is.Spec.Tags) != 0 || is.Generation != 2 {
		t.Errorf("after oc tag -d: tags %v, generation %d", is.Spec.Tags, is.Generation)
	}
	if err := svc.ImageStreamTags("ns").Delete(ctx, "python:3.5"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second delete = %v", err)
	}
	if err := svc.ImageStreamTags("ns").Delete(ctx, "python"); imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("delete without tag = %v", err)
	}
}

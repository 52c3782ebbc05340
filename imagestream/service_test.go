package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
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

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newService returns a Service on a fresh memory store, with a clock at
// 2017-09-02T10:15:09Z and the usual integrated registry.
func newService(t testing.TB, opts ...imagestream.Option) (*imagestream.Service, *clock) {
	t.Helper()
	store := memory.New()
	t.Cleanup(func() { store.Close() })
	return newServiceOn(store, opts...)
}

func newServiceOn(store storage.Interface, opts ...imagestream.Option) (*imagestream.Service, *clock) {
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

func getStream(t testing.TB, svc *imagestream.Service, ns, name string) *image.ImageStream {
	t.Helper()
	is, err := svc.ImageStreams(ns).Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func digest(i int) string { return fmt.Sprintf("sha256:%064x", i) }

// pushed returns a real image (manifest, config, layers) derived from i.
func pushed(i int) *image.Image {
	return imagetest.Image(fmt.Sprintf("img-%d", i), imagetest.Options{})
}

// mapping returns a minimal mapping of image digest(i), pulled from
// quay.io, into ns/stream:tag.
func mapping(ns, stream, tag string, i int) *image.ImageStreamMapping {
	return &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Namespace: ns, Name: stream},
		Tag:        tag,
		Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: digest(i)}, DockerImageReference: "quay.io/acme/app@" + digest(i)},
	}
}

// imagesOf returns the image names of a tag's history, newest first.
func imagesOf(is *image.ImageStream, tag string) []string {
	l := imagestream.StatusTag(is, tag)
	if l == nil {
		return nil
	}
	out := make([]string, len(l.Items))
	for i, e := range l.Items {
		out[i] = e.Image
	}
	return out
}

// TestErrorsMatchSentinels: every error of the Service is a StatusError
// with OpenShift's reason and message, and errors.Is matches the storage
// and image sentinels.
func TestErrorsMatchSentinels(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	is := createStream(t, svc, "ns", "app")
	stale := is.DeepCopy()
	is.Spec.LookupPolicy.Local = true
	if _, err := svc.ImageStreams("ns").Update(ctx, is); err != nil {
		t.Fatal(err)
	}
	noRV := is.DeepCopy()
	noRV.ResourceVersion = ""

	tests := []struct {
		name     string
		call     func() error
		sentinel error
		reason   image.StatusReason
		msg      string
	}{
		{
			name:     "get missing stream",
			call:     func() error { _, err := svc.ImageStreams("ns").Get(ctx, "nope"); return err },
			sentinel: storage.ErrNotFound, reason: image.StatusReasonNotFound,
			msg: `imagestreams.image.openshift.io "nope" not found`,
		},
		{
			name: "create existing stream",
			call: func() error {
				_, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}})
				return err
			},
			sentinel: storage.ErrExists, reason: image.StatusReasonAlreadyExists,
			msg: `imagestreams.image.openshift.io "app" already exists`,
		},
		{
			name:     "update with a stale resourceVersion",
			call:     func() error { _, err := svc.ImageStreams("ns").Update(ctx, stale); return err },
			sentinel: storage.ErrConflict, reason: image.StatusReasonConflict,
			msg: `Operation cannot be fulfilled on imagestreams.image.openshift.io "app": the object has been modified; please apply your changes to the latest version and try again`,
		},
		{
			name:     "update without resourceVersion",
			call:     func() error { _, err := svc.ImageStreams("ns").Update(ctx, noRV); return err },
			sentinel: image.ErrInvalid, reason: image.StatusReasonInvalid,
			msg: `ImageStream.image.openshift.io "app" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
		},
		{
			name:     "get missing image",
			call:     func() error { _, err := svc.Images().Get(ctx, digest(9)); return err },
			sentinel: storage.ErrNotFound, reason: image.StatusReasonNotFound,
			msg: `images.image.openshift.io "` + digest(9) + `" not found`,
		},
		{
			name:     "watch from a compacted revision",
			call:     func() error { return watchFrom(ctx, svc, "1") },
			sentinel: storage.ErrTooOld, reason: imagestream.StatusReasonExpired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v is not %v", err, tt.sentinel)
			}
			if got := imagestream.Reason(err); got != tt.reason {
				t.Errorf("reason = %q, want %q", got, tt.reason)
			}
			if tt.msg != "" && (err == nil || err.Error() != tt.msg) {
				t.Errorf("message:\n got %v\nwant %s", err, tt.msg)
			}
		})
	}
}

// TestNewServiceNilStorePanics: a nil store is a programming error, so
// NewService panics at once with a message naming it, as http.Handle does
// for a nil handler, instead of returning a Service whose first call
// panics on a nil pointer.
func TestNewServiceNilStorePanics(t *testing.T) {
	const want = "imagestream: NewService called with a nil store"
	got := func() (r any) {
		defer func() { r = recover() }()
		imagestream.NewService(nil)
		return nil
	}()
	if got != want {
		t.Errorf("NewService(nil) panicked with %v, want %q", got, want)
	}
}

// TestNilRequestIsBadRequest: a nil request object is the Go form of a
// request without a body, which the API server refuses with BadRequest;
// it must not panic (service.go: errors are *StatusError values).
func TestNilRequestIsBadRequest(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, imagestream.WithImporter(fakeImporter(manifestUnknown)))
	createStream(t, svc, "ns", "app")
	tests := []struct {
		name string
		call func() error
	}{
		{"ImageStreams.Create", func() error { _, err := svc.ImageStreams("ns").Create(ctx, nil); return err }},
		{"ImageStreams.Update", func() error { _, err := svc.ImageStreams("ns").Update(ctx, nil); return err }},
		{"ImageStreams.UpdateStatus", func() error { _, err := svc.ImageStreams("ns").UpdateStatus(ctx, nil); return err }},
		{"Images.Create", func() error { _, err := svc.Images().Create(ctx, nil); return err }},
		{"Images.Update", func() error { _, err := svc.Images().Update(ctx, nil); return err }},
		{"ImageStreamMappings.Create", func() error { _, err := svc.ImageStreamMappings("ns").Create(ctx, nil); return err }},
		{"ImageStreamTags.Create", func() error { _, err := svc.ImageStreamTags("ns").Create(ctx, nil); return err }},
		{"ImageStreamTags.Update", func() error { _, err := svc.ImageStreamTags("ns").Update(ctx, nil); return err }},
		{"ImageTags.Create", func() error { _, err := svc.ImageTags("ns").Create(ctx, nil); return err }},
		{"ImageTags.Update", func() error { _, err := svc.ImageTags("ns").Update(ctx, nil); return err }},
		{"ImageSignatures.Create", func() error { _, err := svc.ImageSignatures().Create(ctx, nil); return err }},
		{"ImageStreamImports.Create", func() error { _, err := svc.ImageStreamImports("ns").Create(ctx, nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				err = tt.call()
			}()
			if _, ok := errors.AsType[*imagestream.StatusError](err); !ok || imagestream.Reason(err) != image.StatusReasonBadRequest {
				t.Errorf("error = %v (reason %q), want a BadRequest *StatusError", err, imagestream.Reason(err))
			}
		})
	}
}

// TestInvalidNameIsBadRequest: a namespace or name that cannot make a
// storage key is the caller's mistake, a BadRequest as in Kubernetes
// ("resource name may not be empty"), not an InternalError of the store.
func TestInvalidNameIsBadRequest(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app")
	const empty = "resource name may not be empty"
	tests := []struct {
		name string
		call func() error
		msg  string // the whole message, if set
	}{
		{"ImageStreams.Get empty name", func() error { _, err := svc.ImageStreams("ns").Get(ctx, ""); return err }, empty},
		{"ImageStreams.Delete empty name", func() error { return svc.ImageStreams("ns").Delete(ctx, "", imagestream.DeleteOptions{}) }, empty},
		{"Images.Get empty name", func() error { _, err := svc.Images().Get(ctx, ""); return err }, empty},
		{"Images.Delete empty name", func() error { return svc.Images().Delete(ctx, "", imagestream.DeleteOptions{}) }, empty},
		{"ImageStreamLayers.Get empty name", func() error { _, err := svc.ImageStreamLayers("ns").Get(ctx, ""); return err }, empty},
		{"ImageStreamLayers.Get empty namespace", func() error { _, err := svc.ImageStreamLayers("").Get(ctx, "app"); return err }, ""},
		{"ImageStreams.Get name ..", func() error { _, err := svc.ImageStreams("ns").Get(ctx, ".."); return err }, ""},
		{"ImageStreams.List namespace .", func() error { _, err := svc.ImageStreams(".").List(ctx, imagestream.ListOptions{}); return err }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if got := imagestream.Reason(err); got != image.StatusReasonBadRequest {
				t.Fatalf("error %v has reason %q, want BadRequest", err, got)
			}
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("error %v does not wrap storage.ErrInvalidKey", err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message %q, want %q", err, tt.msg)
			}
			if tt.msg == "" && err.Error() == empty {
				t.Errorf("message %q blames an empty name", err)
			}
		})
	}
}

// watchFrom starts a stream watch at rv after compacting the store and
// returns the error it ends with.
func watchFrom(ctx context.Context, svc *imagestream.Service, rv string) error {
	list, err := svc.ImageStreams("").List(ctx, imagestream.ListOptions{})
	if err != nil {
		return err
	}
	cur, err := strconv.ParseInt(list.ResourceVersion, 10, 64)
	if err != nil {
		return err
	}
	if err := svc.Store().(storage.Compactor).Compact(ctx, cur); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := svc.ImageStreams("").Watch(ctx, imagestream.WatchOptions{ResourceVersion: rv})
	if err != nil {
		return err
	}
	for ev := range events {
		if ev.Type == storage.Error {
			return ev.Err
		}
	}
	return nil
}

// watchCountingStore counts the store watches whose context has not
// ended. With failFirst, each watch sends an Error event in place of its
// first event and then stays open until its context ends, as a backend
// may.
type watchCountingStore struct {
	storage.Interface
	failFirst bool
	live      atomic.Int32
}

func (s *watchCountingStore) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	events, err := s.Interface.Watch(ctx, prefix, rv)
	if err != nil {
		return nil, err
	}
	s.live.Add(1)
	context.AfterFunc(ctx, func() { s.live.Add(-1) })
	if !s.failFirst {
		return events, nil
	}
	out := make(chan storage.Event)
	go func() {
		defer close(out)
		select {
		case <-events:
			select {
			case out <- storage.Event{Type: storage.Error, Err: errors.New("watch failed")}:
			case <-ctx.Done():
			}
		case <-ctx.Done():
		}
		<-ctx.Done()
	}()
	return out, nil
}

// TestWatchEndEndsStoreWatch: a watch that ends on its own, after an
// Error event, ends the store watch it reads from at once, not when the
// caller's context ends: a caller may stop at the closed channel, as the
// watch documentation invites.
func TestWatchEndEndsStoreWatch(t *testing.T) {
	tests := []struct {
		name      string
		failFirst bool
		// watch starts a watch and returns a function that drains it and
		// reports whether its last value was an error.
		watch func(ctx context.Context, svc *imagestream.Service) (func() bool, error)
		// trigger makes the watch end.
		trigger func(ctx context.Context, store storage.Interface) error
	}{
		{
			name: "ImageStreams.Watch: a stream that does not decode",
			watch: func(ctx context.Context, svc *imagestream.Service) (func() bool, error) {
				events, err := svc.ImageStreams("ns").Watch(ctx, imagestream.WatchOptions{})
				return func() bool {
					return drain(events, func(ev imagestream.ImageStreamEvent) bool { return ev.Type == storage.Error })
				}, err
			},
			trigger: func(ctx context.Context, store storage.Interface) error {
				_, err := store.Create(ctx, "/imagestreams/ns/broken", []byte("{not json"))
				return err
			},
		},
		{
			name: "Images.Watch: an image that does not decode",
			watch: func(ctx context.Context, svc *imagestream.Service) (func() bool, error) {
				events, err := svc.Images().Watch(ctx, imagestream.WatchOptions{})
				return func() bool {
					return drain(events, func(ev imagestream.ImageEvent) bool { return ev.Type == storage.Error })
				}, err
			},
			trigger: func(ctx context.Context, store storage.Interface) error {
				_, err := store.Create(ctx, "/images/broken", []byte("{not json"))
				return err
			},
		},
		{
			name:      "WatchTags: an Error from the store",
			failFirst: true,
			watch: func(ctx context.Context, svc *imagestream.Service) (func() bool, error) {
				changes, err := svc.WatchTags(ctx, "ns", imagestream.WatchOptions{})
				return func() bool { return drain(changes, func(c imagestream.TagChange) bool { return c.Err != nil }) }, err
			},
			trigger: func(ctx context.Context, store storage.Interface) error {
				_, err := store.Create(ctx, "/imagestreams/ns/app", []byte("{}"))
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // only at the very end: the store watch must not wait for it
			mem := memory.New()
			defer mem.Close()
			store := &watchCountingStore{Interface: mem, failFirst: tt.failFirst}
			svc, _ := newServiceOn(store)
			drained, err := tt.watch(ctx, svc)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.trigger(ctx, store); err != nil {
				t.Fatal(err)
			}
			if !drained() {
				t.Fatal("the watch did not end with an error")
			}
			for deadline := time.Now().Add(2 * time.Second); store.live.Load() > 0 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			if n := store.live.Load(); n != 0 {
				t.Errorf("%d store watch(es) still running after the watch closed", n)
			}
		})
	}
}

// drain reads ch until it closes, for at most 10s, and reports whether
// the last value read satisfied last.
func drain[T any](ch <-chan T, last func(T) bool) bool {
	timeout := time.After(10 * time.Second)
	ok := false
	for {
		select {
		case v, open := <-ch:
			if !open {
				return ok
			}
			ok = last(v)
		case <-timeout:
			return false
		}
	}
}

// TestReturnedObjectsAreCopies: callers may change what they pass in and
// what they get back without changing what is stored.
func TestReturnedObjectsAreCopies(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	in := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", Labels: map[string]string{"a": "1"}}}
	out, err := svc.ImageStreams("ns").Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Labels["a"] = "changed input"
	out.Labels["a"] = "changed output"
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 1)); err != nil {
		t.Fatal(err)
	}
	got := getStream(t, svc, "ns", "app")
	got.Status.Tags[0].Items[0].Image = "changed"
	got.Labels["a"] = "changed get"
	again := getStream(t, svc, "ns", "app")
	if diff := cmp.Diff(map[string]string{"a": "1"}, again.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{digest(1)}, imagesOf(again, "latest")); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

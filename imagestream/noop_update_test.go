package imagestream_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

// TestUpdateThatChangesNothing: OpenShift's storage skips a write whose
// value is the stored one byte for byte, so an update that changes
// nothing keeps metadata.resourceVersion and sends watchers no event.
// Each case writes back what it read; the watch must then see only the
// real change made after it.
func TestUpdateThatChangesNothing(t *testing.T) {
	stores := map[string]func() storage.Interface{
		"memory":  func() storage.Interface { return memory.New() },
		"minimal": func() storage.Interface { return storagetest.Minimal(memory.New()) },
	}
	cases := []struct {
		name string
		noop func(ctx context.Context, svc *imagestream.Service) (rv string, err error)
	}{
		{"ImageStreams.Update", func(ctx context.Context, svc *imagestream.Service) (string, error) {
			c := svc.ImageStreams("ns")
			return writeBack(ctx, c.Get, c.Update, "app", streamMeta, nil)
		}},
		{"ImageStreams.UpdateStatus", func(ctx context.Context, svc *imagestream.Service) (string, error) {
			c := svc.ImageStreams("ns")
			return writeBack(ctx, c.Get, c.UpdateStatus, "app", streamMeta, nil)
		}},
		{"ImageStreams.UpdateStatus, a time that encodes alike", func(ctx context.Context, svc *imagestream.Service) (string, error) {
			c := svc.ImageStreams("ns")
			return writeBack(ctx, c.Get, c.UpdateStatus, "app", streamMeta, func(is *image.ImageStream) {
				// Times are stored to the second: the values differ, the
				// bytes do not.
				created := &is.Status.Tags[0].Items[0].Created
				created.Time = created.Add(time.Millisecond)
			})
		}},
		{"ImageStreamTags.Update", func(ctx context.Context, svc *imagestream.Service) (string, error) {
			c := svc.ImageStreamTags("ns")
			return writeBack(ctx, c.Get, c.Update, "app:v1", func(t *image.ImageStreamTag) *image.ObjectMeta { return &t.ObjectMeta }, nil)
		}},
		{"ImageTags.Update", func(ctx context.Context, svc *imagestream.Service) (string, error) {
			c := svc.ImageTags("ns")
			return writeBack(ctx, c.Get, c.Update, "app:v1", func(t *image.ImageTag) *image.ObjectMeta { return &t.ObjectMeta }, nil)
		}},
	}
	for storeName, newStore := range stores {
		for _, tc := range cases {
			t.Run(storeName+"/"+tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				store := newStore()
				defer store.Close()
				svc := imagestream.NewService(store)
				streams := svc.ImageStreams("ns")
				created, err := streams.Create(ctx, &image.ImageStream{
					ObjectMeta: image.ObjectMeta{Name: "app", Labels: map[string]string{"team": "web"}},
					Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
						Name: "v1", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:v1"},
					}}},
				})
				if err != nil {
					t.Fatal(err)
				}
				digest := "sha256:" + strings.Repeat("ab", 32)
				m := &image.ImageStreamMapping{
					ObjectMeta: image.ObjectMeta{Name: "app"},
					Tag:        "v1",
					Image: image.Image{
						ObjectMeta:           image.ObjectMeta{Name: digest},
						DockerImageReference: "quay.io/acme/app@" + digest,
					},
				}
				if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
					t.Fatal(err)
				}
				before, err := streams.Get(ctx, "app")
				if err != nil {
					t.Fatal(err)
				}
				if before.ResourceVersion == created.ResourceVersion {
					t.Fatal("the push did not write")
				}
				events, err := streams.Watch(ctx, imagestream.WatchOptions{ResourceVersion: before.ResourceVersion})
				if err != nil {
					t.Fatal(err)
				}

				rv, err := tc.noop(ctx, svc)
				if err != nil {
					t.Fatal(err)
				}
				if rv != before.ResourceVersion {
					t.Errorf("an update that changes nothing returned resourceVersion %s, want %s as stored", rv, before.ResourceVersion)
				}
				after, err := streams.Get(ctx, "app")
				if err != nil {
					t.Fatal(err)
				}
				if after.ResourceVersion != before.ResourceVersion {
					t.Errorf("stored resourceVersion went from %s to %s on an update that changes nothing", before.ResourceVersion, after.ResourceVersion)
				}

				// A real change is written, and it is the first event.
				after.Labels["team"] = "ops"
				changed, err := streams.Update(ctx, after)
				if err != nil {
					t.Fatal(err)
				}
				if changed.ResourceVersion == before.ResourceVersion {
					t.Fatal("a label change did not write")
				}
				select {
				case ev := <-events:
					if ev.Type != storage.Modified || ev.Object.ResourceVersion != changed.ResourceVersion {
						t.Errorf("first event: %s at %s, want %s at %s (the label change)", ev.Type, ev.Object.ResourceVersion, storage.Modified, changed.ResourceVersion)
					}
				case <-ctx.Done():
					t.Fatal("no event for the label change")
				}
			})
		}
	}
}

// TestImageUpdateThatChangesNothing is TestUpdateThatChangesNothing for
// Images.
func TestImageUpdateThatChangesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store := memory.New()
	defer store.Close()
	images := imagestream.NewService(store).Images()
	digest := "sha256:" + strings.Repeat("cd", 32)
	created, err := images.Create(ctx, &image.Image{
		ObjectMeta:           image.ObjectMeta{Name: digest, Labels: map[string]string{"team": "web"}},
		DockerImageReference: "quay.io/acme/app@" + digest,
	})
	if err != nil {
		t.Fatal(err)
	}
	events, err := images.Watch(ctx, imagestream.WatchOptions{ResourceVersion: created.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	same, err := images.Update(ctx, created.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	if same.ResourceVersion != created.ResourceVersion {
		t.Errorf("an update that changes nothing returned resourceVersion %s, want %s as stored", same.ResourceVersion, created.ResourceVersion)
	}
	same.Labels["team"] = "ops"
	changed, err := images.Update(ctx, same)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Type != storage.Modified || ev.Object.ResourceVersion != changed.ResourceVersion || ev.Object.Labels["team"] != "ops" {
			t.Errorf("first event: %s at %s, want %s at %s (the label change)", ev.Type, ev.Object.ResourceVersion, storage.Modified, changed.ResourceVersion)
		}
	case <-ctx.Done():
		t.Fatal("no event for the label change")
	}
}

// writeBack gets name, changes it with change (if not nil), updates it
// and returns the resourceVersion the update answers with, read through
// meta.
func writeBack[T any](ctx context.Context, get func(context.Context, string) (T, error), update func(context.Context, T) (T, error), name string, meta func(T) *image.ObjectMeta, change func(T)) (string, error) {
	obj, err := get(ctx, name)
	if err != nil {
		return "", err
	}
	if change != nil {
		change(obj)
	}
	out, err := update(ctx, obj)
	if err != nil {
		return "", err
	}
	return meta(out).ResourceVersion, nil
}

func streamMeta(is *image.ImageStream) *image.ObjectMeta { return &is.ObjectMeta }

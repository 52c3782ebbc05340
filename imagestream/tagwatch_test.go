package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// change is a TagChange reduced to what the tests compare.
type change struct {
	Stream, Tag, Prev, Cur string
}

func summarizeChange(c imagestream.TagChange) change {
	ch := change{Stream: c.Namespace + "/" + c.Stream, Tag: c.Tag}
	if c.Previous != nil {
		ch.Prev = c.Previous.Image
	}
	if c.Current != nil {
		ch.Cur = c.Current.Image
	}
	return ch
}

// TestWatchTags: the changes image change triggers react to, in store
// order, for pushes, tag resolution, tag and stream deletion; not for
// events that only record a new generation.
func TestWatchTags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "app", image.TagReference{Name: "prod", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "latest"}})
	list, err := svc.ImageStreams("").List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := svc.WatchTags(ctx, "ns", imagestream.WatchOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	push := func(ns, stream, tag string, i int) {
		t.Helper()
		if _, err := svc.ImageStreamMappings(ns).Create(ctx, mapping(ns, stream, tag, i)); err != nil {
			t.Fatal(err)
		}
	}
	createStream(t, svc, "other", "elsewhere")
	push("other", "elsewhere", "latest", 9) // another namespace: not seen
	push("ns", "app", "latest", 1)          // prod follows
	push("ns", "app", "latest", 2)
	// A spec change, then the same image again: the newest event only
	// records the new generation, which is no change for a trigger.
	is := getStream(t, svc, "ns", "app")
	is.Spec.LookupPolicy.Local = true
	if _, err := svc.ImageStreams("ns").Update(ctx, is); err != nil {
		t.Fatal(err)
	}
	push("ns", "app", "latest", 2)
	// A stream created with a tag that resolves at once.
	createStream(t, svc, "ns", "copy", image.TagReference{Name: "v1", From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "app:latest"}})
	if err := svc.ImageStreamTags("ns").Delete(ctx, "app:prod", imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ImageStreams("ns").Delete(ctx, "app", imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	want := []change{
		{"ns/app", "latest", "", digest(1)},
		{"ns/app", "prod", "", digest(1)},
		{"ns/app", "latest", digest(1), digest(2)},
		{"ns/app", "prod", digest(1), digest(2)},
		{"ns/copy", "v1", "", digest(2)},
		{"ns/app", "prod", digest(2), ""},
		{"ns/app", "latest", digest(2), ""},
	}
	var got []change
	var last imagestream.TagChange
	for range want {
		last = <-changes
		got = append(got, summarizeChange(last))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	// Resuming from a change's resourceVersion skips the changes of that
	// write and continues after it.
	resumed, err := svc.WatchTags(ctx, "", imagestream.WatchOptions{ResourceVersion: last.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	createStream(t, svc, "ns", "late")
	push("ns", "late", "x", 5)
	if c := summarizeChange(<-resumed); c != (change{"ns/late", "x", "", digest(5)}) {
		t.Errorf("after resuming: %+v", c)
	}
}

// TestWatchTagsEnd: a watch that has to end early sends one last change
// that carries Err alone — no namespace, and no resourceVersion to resume
// from (resuming from "0" would silently restart from now) — and closes.
func TestWatchTagsEnd(t *testing.T) {
	tests := []struct {
		name string
		// start returns a watch that is bound to end early.
		start   func(t *testing.T, ctx context.Context, svc *imagestream.Service, store *memory.Store) (<-chan imagestream.TagChange, error)
		wantErr func(err error) bool
	}{
		{
			name: "from a compacted revision: Expired",
			start: func(t *testing.T, ctx context.Context, svc *imagestream.Service, _ *memory.Store) (<-chan imagestream.TagChange, error) {
				for i := range 3 {
					if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", i+1)); err != nil {
						t.Fatal(err)
					}
				}
				rv, _ := parseInt(getStream(t, svc, "ns", "app").ResourceVersion)
				if err := svc.Store().(storage.Compactor).Compact(ctx, rv); err != nil {
					t.Fatal(err)
				}
				return svc.WatchTags(ctx, "ns", imagestream.WatchOptions{ResourceVersion: "1"})
			},
			wantErr: func(err error) bool {
				return errors.Is(err, storage.ErrTooOld) && imagestream.Reason(err) == imagestream.StatusReasonExpired
			},
		},
		{
			name: "store closed",
			start: func(t *testing.T, ctx context.Context, svc *imagestream.Service, store *memory.Store) (<-chan imagestream.TagChange, error) {
				changes, err := svc.WatchTags(ctx, "ns", imagestream.WatchOptions{})
				store.Close()
				return changes, err
			},
			wantErr: func(err error) bool { _, ok := errors.AsType[*imagestream.StatusError](err); return ok },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			store := memory.New()
			defer store.Close()
			svc, _ := newServiceOn(store)
			createStream(t, svc, "ns", "app")
			changes, err := tt.start(t, ctx, svc, store)
			if err == nil {
				c, ok := <-changes
				if !ok {
					t.Fatal("watch closed without an error")
				}
				err = c.Err
				c.Err = nil
				if diff := cmp.Diff(imagestream.TagChange{}, c); diff != "" {
					t.Errorf("fields set beside Err (-want +got):\n%s", diff)
				}
				if _, open := <-changes; open {
					t.Errorf("watch went on after its error")
				}
			}
			if !tt.wantErr(err) {
				t.Errorf("error: %v (reason %q)", err, imagestream.Reason(err))
			}
		})
	}
}

// TestWatchTagsBadResourceVersion: an unparsable resourceVersion is
// refused at once.
func TestWatchTagsBadResourceVersion(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.WatchTags(ctx, "ns", imagestream.WatchOptions{ResourceVersion: "x"}); imagestream.Reason(err) != image.StatusReasonBadRequest {
		t.Errorf("unparsable resourceVersion: %v", err)
	}
}

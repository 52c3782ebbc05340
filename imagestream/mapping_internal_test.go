package imagestream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestPushLeavesCachedStreamAlone: a push copies what it changes, even
// when the status strategy fills in the generation of an event stored
// without one; the cached stream it started from stays as it was.
func TestPushLeavesCachedStreamAlone(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	defer store.Close()
	svc := NewService(store)
	// A stream written by another tool: its newest event has no
	// generation.
	raw := `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"app","namespace":"ns","uid":"u","generation":3},` +
		`"spec":{},"status":{"dockerImageRepository":"","tags":[{"tag":"old","items":[` +
		`{"created":"2024-01-01T00:00:00Z","dockerImageReference":"quay.io/x/y:1","image":"sha256:1","generation":0}]}]}}`
	if _, err := store.Create(ctx, streamKey("ns", "app"), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	cur, err := svc.loadStream(ctx, "ns", "app")
	if err != nil {
		t.Fatal(err)
	}
	m := &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app"}, Tag: "new",
		Image: image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:2"}, DockerImageReference: "quay.io/x/y:2"},
	}
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := LatestTaggedImage(cur.stream(), "old").Generation; got != 0 {
		t.Errorf("cached stream changed: generation %d", got)
	}
	is, _, err := svc.getStream(ctx, "ns", "app")
	if err != nil {
		t.Fatal(err)
	}
	if got := LatestTaggedImage(is, "old").Generation; got != 3 {
		t.Errorf("stored generation = %d, want the stream's 3 (SEMANTICS §4.5)", got)
	}
}

// TestPushBatchFaresAsAlone: pushes that queue behind a write share the
// next one, yet each must fare as if written alone (pushqueue.go). When
// the shared write fails otherwise than by conflict, here on the limit
// hook (SEMANTICS §4.7), the pushes are written again one by one in
// queue order, so only those that fail alone fail.
func TestPushBatchFaresAsAlone(t *testing.T) {
	// withHistory returns the tags of is that have history.
	withHistory := func(is *image.ImageStream) []string {
		var tags []string
		for _, l := range is.Status.Tags {
			if len(l.Items) > 0 {
				tags = append(tags, l.Tag)
			}
		}
		return tags
	}
	tests := []struct {
		name   string
		limit  func(tags []string) error // on the tags of the stream to write
		want   map[string]string         // push outcome (reason) by tag
		tags   []string                  // stored afterwards
		checks int32                     // limit checks of the pushes: a, b and c together, then alone
	}{
		{
			name: "the last push exceeds the limit",
			limit: func(tags []string) error {
				if len(tags) > 2 {
					return errors.New("at most 2 tags")
				}
				return nil
			},
			want:   map[string]string{"a": "", "b": "", "c": "Invalid"},
			tags:   []string{"a", "b"},
			checks: 4,
		},
		{
			name: "a push in the middle is refused",
			limit: func(tags []string) error {
				for _, t := range tags {
					if t == "b" {
						return errors.New("no tag b")
					}
				}
				return nil
			},
			want:   map[string]string{"a": "", "b": "Invalid", "c": ""},
			tags:   []string{"a", "c"},
			checks: 4,
		},
		{
			name:   "all fit: one shared write",
			limit:  func([]string) error { return nil },
			want:   map[string]string{"a": "", "b": "", "c": ""},
			tags:   []string{"a", "b", "c"},
			checks: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := memory.New()
			defer store.Close()
			gate := make(chan struct{})
			var once sync.Once
			var armed atomic.Bool
			var checks atomic.Int32
			svc := NewService(store, WithLimitVerifier(func(_ context.Context, is, _ *image.ImageStream) error {
				if armed.Load() {
					checks.Add(1)
					once.Do(func() { <-gate }) // hold the write of the first push
				}
				return tt.limit(withHistory(is))
			}))
			if _, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app"}}); err != nil {
				t.Fatal(err)
			}
			armed.Store(true)
			push := func(tag string, i int) <-chan error {
				ch := make(chan error, 1)
				m := &image.ImageStreamMapping{
					ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app"}, Tag: tag,
					Image: image.Image{ObjectMeta: image.ObjectMeta{Name: fmt.Sprintf("sha256:%d", i)}, DockerImageReference: fmt.Sprintf("quay.io/x/y:%d", i)},
				}
				go func() {
					_, err := svc.ImageStreamMappings("ns").Create(ctx, m)
					ch <- err
				}()
				return ch
			}
			queued := func(n int) {
				t.Helper()
				for range 10000 {
					svc.pushes.mu.Lock()
					q := svc.pushes.m[streamKey("ns", "app")]
					ok := q != nil && q.active && len(q.pending) == n
					svc.pushes.mu.Unlock()
					if ok {
						return
					}
					time.Sleep(100 * time.Microsecond)
				}
				t.Fatalf("never saw %d pushes queued", n)
			}
			a := push("a", 1)
			queued(0) // a is being written
			b := push("b", 2)
			queued(1)
			c := push("c", 3)
			queued(2) // b and c share the next write
			close(gate)
			got := map[string]string{}
			for tag, ch := range map[string]<-chan error{"a": a, "b": b, "c": c} {
				got[tag] = string(Reason(<-ch))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome by tag, as if written alone (-want +got):\n%s", diff)
			}
			is, _, err := svc.getStream(ctx, "ns", "app")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.tags, withHistory(is)); diff != "" {
				t.Errorf("stored tags (-want +got):\n%s", diff)
			}
			if got := checks.Load(); got != tt.checks {
				t.Errorf("%d limit checks, want %d", got, tt.checks)
			}
		})
	}
}

package imagestream_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// meddlingStore runs meddle before every Update of key: a writer outside
// the Service under test getting in first.
type meddlingStore struct {
	storage.Interface
	key     string
	meddle  func(attempt int)
	updates atomic.Int32
}

func (s *meddlingStore) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	if key == s.key {
		n := s.updates.Add(1)
		if s.meddle != nil {
			s.meddle(int(n))
		}
	}
	return s.Interface.Update(ctx, key, value, rv)
}

// TestMappingConflictRetry covers the retry rule of SEMANTICS §6.2 step
// 6 against a writer in another process (here: another Service on the same
// store, so neither the cache nor the turn-taking of the Service under
// test sees it).
func TestMappingConflictRetry(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// before is pushed by the Service under test before the push
		// that meets interference; tag "latest".
		before []int
		// meddle runs through the other Service before the given
		// attempts (1-based) of the push under test.
		meddle      func(t *testing.T, other *imagestream.Service, attempt int)
		wantErr     image.StatusReason
		wantUpdates int32
		want        map[string][]string
	}{
		{
			name:   "another tag changed: retried",
			before: []int{1},
			meddle: func(t *testing.T, other *imagestream.Service, attempt int) {
				if attempt == 1 {
					mustPush(t, other, "other", 7)
				}
			},
			wantUpdates: 2,
			want:        map[string][]string{"latest": {digest(2), digest(1)}, "other": {digest(7)}},
		},
		{
			name:   "the same tag changed: Conflict",
			before: []int{1},
			meddle: func(t *testing.T, other *imagestream.Service, attempt int) {
				if attempt == 1 {
					mustPush(t, other, "latest", 7)
				}
			},
			wantErr:     image.StatusReasonConflict,
			wantUpdates: 1,
			want:        map[string][]string{"latest": {digest(7), digest(1)}},
		},
		{
			name: "the tag had no history: retried",
			meddle: func(t *testing.T, other *imagestream.Service, attempt int) {
				if attempt == 1 {
					mustPush(t, other, "latest", 7)
				}
			},
			wantUpdates: 2,
			want:        map[string][]string{"latest": {digest(2), digest(7)}},
		},
		{
			name:   "only the generation of the newest event changed: retried",
			before: []int{1},
			meddle: func(t *testing.T, other *imagestream.Service, attempt int) {
				if attempt != 1 {
					return
				}
				is, err := other.ImageStreams("ns").Get(ctx, "app")
				if err != nil {
					t.Error(err)
					return
				}
				is.Spec.LookupPolicy.Local = true // generation 2
				if _, err := other.ImageStreams("ns").Update(ctx, is); err != nil {
					t.Error(err)
				}
				mustPush(t, other, "latest", 1) // same image, generation 2
			},
			wantUpdates: 2,
			want:        map[string][]string{"latest": {digest(2), digest(1)}},
		},
		{
			name:   "interference every time: ServerTimeout after ten attempts",
			before: []int{1},
			meddle: func(t *testing.T, other *imagestream.Service, attempt int) {
				mustPush(t, other, fmt.Sprintf("t%d", attempt), 100+attempt)
			},
			wantErr:     image.StatusReasonServerTimeout,
			wantUpdates: 10,
			want: map[string][]string{"latest": {digest(1)},
				"t1": {digest(101)}, "t2": {digest(102)}, "t3": {digest(103)}, "t4": {digest(104)}, "t5": {digest(105)},
				"t6": {digest(106)}, "t7": {digest(107)}, "t8": {digest(108)}, "t9": {digest(109)}, "t10": {digest(110)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.New()
			t.Cleanup(func() { mem.Close() })
			store := &meddlingStore{Interface: mem, key: "/imagestreams/ns/app"}
			svc, _ := newServiceOn(store)
			other, _ := newServiceOn(mem)
			createStream(t, svc, "ns", "app")
			for _, i := range tt.before {
				mustPush(t, svc, "latest", i)
			}
			store.updates.Store(0)
			store.meddle = func(n int) { tt.meddle(t, other, n) }
			_, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "app", "latest", 2))
			store.meddle = nil
			if imagestream.Reason(err) != tt.wantErr {
				t.Errorf("push: %v, want reason %q", err, tt.wantErr)
			}
			if tt.wantErr == image.StatusReasonConflict && !errors.Is(err, storage.ErrConflict) {
				t.Errorf("conflict %v is not storage.ErrConflict", err)
			}
			if got := store.updates.Load(); got != tt.wantUpdates {
				t.Errorf("%d writes of the stream, want %d", got, tt.wantUpdates)
			}
			is := getStream(t, svc, "ns", "app")
			got := map[string][]string{}
			for _, l := range is.Status.Tags {
				got[l.Tag] = imagesOf(is, l.Tag)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
		})
	}
}

func mustPush(t *testing.T, svc *imagestream.Service, tag string, i int) {
	t.Helper()
	if _, err := svc.ImageStreamMappings("ns").Create(context.Background(), mapping("ns", "app", tag, i)); err != nil {
		t.Error(err)
	}
}

// pushUntilDone pushes like the integrated registry, which tries again
// when the server ran out of conflict retries.
func pushUntilDone(ctx context.Context, svc *imagestream.Service, m *image.ImageStreamMapping) error {
	for {
		_, err := svc.ImageStreamMappings(m.Namespace).Create(ctx, m)
		if imagestream.Reason(err) != image.StatusReasonServerTimeout {
			return err
		}
	}
}

// TestConcurrentMappings: 64 goroutines × 100 ImageStreamMappings into
// one stream, eight writers per tag. Every tag's history holds exactly the
// images pushed to it, once each, and each writer's images in the order it
// pushed them (newest first).
func TestConcurrentMappings(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createStream(t, svc, "ns", "busy")
	const writers, perWriter, tags = 64, 100, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				m := &image.ImageStreamMapping{
					ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "busy"},
					Tag:        fmt.Sprintf("t%d", w%tags),
					Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: fmt.Sprintf("w%d-%d", w, i)}, DockerImageReference: fmt.Sprintf("quay.io/x/y:w%d-%d", w, i)},
				}
				if err := pushUntilDone(ctx, svc, m); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	is := getStream(t, svc, "ns", "busy")
	checkHistories(t, is, writers, perWriter, tags)
}

// checkHistories checks the histories left by writers pushing images
// "w<writer>-<i>" to tag "t<writer%tags>".
func checkHistories(t *testing.T, is *image.ImageStream, writers, perWriter, tags int) {
	t.Helper()
	if len(is.Status.Tags) != tags {
		t.Fatalf("%d tags, want %d", len(is.Status.Tags), tags)
	}
	for tag := range tags {
		history := imagesOf(is, fmt.Sprintf("t%d", tag))
		if want := writers / tags * perWriter; len(history) != want {
			t.Errorf("tag t%d has %d events, want %d", tag, len(history), want)
		}
		next := map[int]int{} // writer -> the index it must show next, counting down
		for w := tag; w < writers; w += tags {
			next[w] = perWriter - 1
		}
		for _, name := range history {
			var w, i int
			if _, err := fmt.Sscanf(name, "w%d-%d", &w, &i); err != nil {
				t.Fatalf("tag t%d: event %q", tag, name)
			}
			if n, ok := next[w]; !ok || n != i {
				t.Fatalf("tag t%d: event %s out of place (writer %d should show %d next)", tag, name, w, next[w])
			}
			next[w]--
		}
	}
}

// TestConcurrentMappingsTwoServices: two Services on one store behave like
// two API servers: their writes conflict for real, and the retry rule
// keeps every event.
func TestConcurrentMappingsTwoServices(t *testing.T) {
	ctx := context.Background()
	mem := memory.New()
	t.Cleanup(func() { mem.Close() })
	a, _ := newServiceOn(mem)
	b, _ := newServiceOn(mem)
	createStream(t, a, "ns", "busy")
	const writers, perWriter, tags = 8, 25, 4
	var wg sync.WaitGroup
	for w := range writers {
		svc := a
		if w%2 == 1 {
			svc = b
		}
		wg.Go(func() {
			for i := range perWriter {
				m := &image.ImageStreamMapping{
					ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "busy"},
					Tag:        fmt.Sprintf("t%d", w%tags),
					Image:      image.Image{ObjectMeta: image.ObjectMeta{Name: fmt.Sprintf("w%d-%d", w, i)}, DockerImageReference: fmt.Sprintf("quay.io/x/y:w%d-%d", w, i)},
				}
				if err := pushUntilDone(ctx, svc, m); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkHistories(t, getStream(t, b, "ns", "busy"), writers, perWriter, tags)
}

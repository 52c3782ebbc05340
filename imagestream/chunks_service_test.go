package imagestream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// TestChunkedPushesMatchAFreshRead pushes into a stream of many tags,
// whose status the Service keeps in chunks (chunks.go): into existing
// tags, new tags between them, and a tag that a spec tag tracks (§5.3),
// with another writer's status update in between. After each step the
// stored value must be exactly what json.Marshal writes for the stream it
// decodes to, and a Service with no cache must read the same stream as
// the one that wrote it. It runs on a store that keeps values as parts
// and on one that is handed whole values.
func TestChunkedPushesMatchAFreshRead(t *testing.T) {
	for _, tt := range []struct {
		name  string
		store func() storage.Interface
	}{
		{"memory", func() storage.Interface { return memory.New() }},
		{"plain store", func() storage.Interface { return plainStore{memory.New()} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := tt.store()
			defer store.Close()
			svc, _ := newServiceOn(store)
			createStream(t, svc, "ns", "app", image.TagReference{Name: "follow", From: istFrom("t0100")})
			is := getStream(t, svc, "ns", "app")
			for i := range 150 {
				is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{
					Tag:   fmt.Sprintf("t%04d", i*2),
					Items: []image.TagEvent{{Created: image.Date(2024, 1, 1, 0, 0, 0), DockerImageReference: registry + "/ns/app@" + digest(i), Image: digest(i), Generation: 1}},
				})
			}
			if _, err := svc.ImageStreams("ns").UpdateStatus(ctx, is); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for step := range 120 {
				tag := fmt.Sprintf("t%04d", rng.IntN(310)) // odd numbers are new tags
				if step%10 == 0 {
					tag = "t0100"
				}
				pushInto(t, svc, "ns", "app", tag, pushed(1000+step))
				if step == 60 { // another writer: the next push starts from a decoded stream
					other, _ := newServiceOn(store)
					cur := getStream(t, other, "ns", "app")
					cur.Status.Tags[3].Items[0].Generation = 0
					if _, err := other.ImageStreams("ns").UpdateStatus(ctx, cur); err != nil {
						t.Fatal(err)
					}
				}
				if step%7 != 0 {
					continue
				}
				obj, err := store.Get(ctx, "/imagestreams/ns/app")
				if err != nil {
					t.Fatal(err)
				}
				var decoded image.ImageStream
				if err := json.Unmarshal(obj.Value, &decoded); err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(&decoded)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(obj.Value, want) {
					t.Fatalf("step %d: stored value is not what json.Marshal writes:\n%s\nwant\n%s", step, obj.Value, want)
				}
				fresh, _ := newServiceOn(store)
				if diff := cmp.Diff(getStream(t, fresh, "ns", "app"), getStream(t, svc, "ns", "app")); diff != "" {
					t.Fatalf("step %d: stream (-fresh read +cached):\n%s", step, diff)
				}
			}
			got := getStream(t, svc, "ns", "app")
			if n := len(got.Status.Tags); n < 160 {
				t.Errorf("%d status tags, want at least 160 (150 seeded and new ones)", n)
			}
			// follow saw every push into t0100, not the seeded event.
			follow, src := imagesOf(got, "follow"), imagesOf(got, "t0100")
			if len(follow) < 12 || !cmp.Equal(follow, src[:len(src)-1]) {
				t.Errorf("tracking tag follow has %v, want the pushed events (at least 12) of t0100 %v", follow, src)
			}
		})
	}
}

// plainStore hides the optional methods of the store it wraps, like any
// store but the memory one.
type plainStore struct{ s storage.Interface }

func (p plainStore) Get(ctx context.Context, key string) (storage.Object, error) {
	return p.s.Get(ctx, key)
}

func (p plainStore) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	return p.s.List(ctx, prefix, opts)
}

func (p plainStore) Create(ctx context.Context, key string, value []byte) (int64, error) {
	return p.s.Create(ctx, key, value)
}

func (p plainStore) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	return p.s.Update(ctx, key, value, rv)
}

func (p plainStore) Delete(ctx context.Context, key string, rv int64) (storage.Object, error) {
	return p.s.Delete(ctx, key, rv)
}

func (p plainStore) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	return p.s.Watch(ctx, prefix, rv)
}

func (p plainStore) Close() error { return p.s.Close() }

package prune_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// Tests of the Context variants of planning (PRUNE.md §6.14).

// cancelAt is a context that ends on a given check rather than at a given
// time, so that a test can stop a plan at each of its checks in turn
// whatever the goroutines' timing: Err returns context.Canceled from its
// n-th call on, counting from 0, or never when n is negative, and Done's
// channel is closed at that call.
type cancelAt struct {
	n     int64
	calls atomic.Int64
	once  sync.Once
	done  chan struct{}
}

func newCancelAt(n int64) *cancelAt { return &cancelAt{n: n, done: make(chan struct{})} }

func (c *cancelAt) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *cancelAt) Done() <-chan struct{}       { return c.done }
func (c *cancelAt) Value(any) any               { return nil }

func (c *cancelAt) Err() error {
	if k := c.calls.Add(1) - 1; c.n >= 0 && k >= c.n {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	return nil
}

// ctxInput is what the four functions read.
type ctxInput struct {
	s       *prune.Snapshot
	o       prune.Options
	ix      *prune.Index          // NewIndex(s), for Index.PlanContext
	after   *prune.Snapshot       // s once Plan(s, o) is carried out, for PlanSweepContext
	listing *prune.StorageListing // for PlanSweepContext
	so      prune.SweepOptions
}

func newCtxInput(t *testing.T, s *prune.Snapshot, o prune.Options) *ctxInput {
	t.Helper()
	d, err := prune.Plan(s, o)
	if err != nil {
		t.Fatal(err)
	}
	return &ctxInput{s: s, o: o, ix: prune.NewIndex(s), after: afterPlan(s, d), listing: listingOf(s, o.Now), so: prune.SweepOptions{Now: o.Now, MinAge: time.Hour}}
}

// ctxFunc is one of the functions under test, with its context-free
// twin. Each returns its result as JSON, nil exactly when the result
// is nil; an Index is given as the JSON of its plan.
type ctxFunc struct {
	name string
	call func(context.Context, *ctxInput) ([]byte, error)
	want func(*ctxInput) ([]byte, error)
}

var ctxFuncs = []ctxFunc{
	{
		name: "PlanContext",
		call: func(ctx context.Context, in *ctxInput) ([]byte, error) {
			d, err := prune.PlanContext(ctx, in.s, in.o)
			return jsonOrNil(d, err)
		},
		want: func(in *ctxInput) ([]byte, error) { return jsonOrNil(prune.Plan(in.s, in.o)) },
	},
	{
		name: "Index.PlanContext",
		call: func(ctx context.Context, in *ctxInput) ([]byte, error) {
			d, err := in.ix.PlanContext(ctx, in.o)
			return jsonOrNil(d, err)
		},
		want: func(in *ctxInput) ([]byte, error) { return jsonOrNil(in.ix.Plan(in.o)) },
	},
	{
		name: "NewIndexContext",
		call: func(ctx context.Context, in *ctxInput) ([]byte, error) {
			return in.planOf(prune.NewIndexContext(ctx, in.s))
		},
		want: func(in *ctxInput) ([]byte, error) { return jsonOrNil(prune.NewIndex(in.s).Plan(in.o)) },
	},
	{
		name: "IndexBuilder.IndexContext",
		call: func(ctx context.Context, in *ctxInput) ([]byte, error) {
			return in.planOf(builderOf(in.s).IndexContext(ctx))
		},
		want: func(in *ctxInput) ([]byte, error) { return jsonOrNil(builderOf(in.s).Index().Plan(in.o)) },
	},
	{
		name: "PlanSweepContext",
		call: func(ctx context.Context, in *ctxInput) ([]byte, error) {
			sw, err := prune.PlanSweepContext(ctx, in.after, in.listing, in.so)
			return jsonOrNil(sw, err)
		},
		want: func(in *ctxInput) ([]byte, error) { return jsonOrNil(prune.PlanSweep(in.after, in.listing, in.so)) },
	},
}

// planOf returns the JSON of ix's plan under in's options, or err when
// ix is nil.
func (in *ctxInput) planOf(ix *prune.Index, err error) ([]byte, error) {
	if ix == nil {
		return nil, err
	}
	d, perr := ix.Plan(in.o)
	if perr != nil {
		return nil, fmt.Errorf("planning the index: %w", perr)
	}
	return jsonOrNil(d, err)
}

// builderOf returns an IndexBuilder that has been given s.
func builderOf(s *prune.Snapshot) *prune.IndexBuilder {
	b := new(prune.IndexBuilder)
	fill(b, s)
	return b
}

// fill gives b the streams and images of s, a few at a time, and its
// references.
func fill(b *prune.IndexBuilder, s *prune.Snapshot) {
	for page := range slices.Chunk(s.Streams, 3) {
		b.AddStreams(page...)
	}
	for page := range slices.Chunk(s.Images, 3) {
		b.AddImages(page...)
	}
	b.AddReferences(s.References...)
}

// jsonOrNil returns the JSON of v, or nil when v is a nil pointer. A
// half-built v may not encode: then it returns the encoder's error as
// the result, which no test expects.
func jsonOrNil[T any](v *T, err error) ([]byte, error) {
	if v == nil {
		return nil, err
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		return []byte("not encodable: " + merr.Error()), err
	}
	return b, err
}

// listingOf is what a registry holding s holds: each stream's repository
// with links to its events' images and their layers, every image's
// blobs, and an orphaned repository and blob. Every third entry was
// written just now, so that the sweep's minimum age keeps some.
func listingOf(s *prune.Snapshot, now time.Time) *prune.StorageListing {
	n := 0
	at := func() time.Time {
		n++
		if n%3 == 0 {
			return now.Add(-time.Minute)
		}
		return now.Add(-30 * 24 * time.Hour)
	}
	images := map[string]*image.Image{}
	l := &prune.StorageListing{}
	for _, img := range s.Images {
		images[img.Name] = img
		l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: img.Name, Size: 1, Modified: at()})
		for _, ly := range img.DockerImageLayers {
			l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: ly.Name, Size: ly.LayerSize, Modified: at()})
		}
	}
	for _, is := range s.Streams {
		r := prune.StoredRepository{Name: is.Namespace + "/" + is.Name}
		for _, tl := range is.Status.Tags {
			for _, ev := range tl.Items {
				r.ManifestLinks = append(r.ManifestLinks, prune.StoredLink{Digest: ev.Image, Modified: at()})
				if img := images[ev.Image]; img != nil {
					for _, ly := range img.DockerImageLayers {
						r.LayerLinks = append(r.LayerLinks, prune.StoredLink{Digest: ly.Name, Modified: at()})
					}
				}
			}
		}
		l.Repositories = append(l.Repositories, r)
	}
	l.Repositories = append(l.Repositories, prune.StoredRepository{Name: "gone/app", ManifestLinks: []prune.StoredLink{{Digest: dg("gone")}}})
	l.Blobs = append(l.Blobs, prune.StoredBlob{Digest: dg("stray"), Size: 7})
	return l
}

// midInput is larger than randomCase's snapshots, so that every loop
// that checks its context does so more than once: 300 images (five
// batches), 150 streams (three chunks) and 2,500 references (three
// chunks), with manifest lists and invalid references.
func midInput(t *testing.T) *ctxInput {
	rs := imagetest.RandomSnapshot(11, imagetest.SnapshotOptions{
		Images: 300, Streams: 150, Namespaces: 5, TagsPerStream: 3, HistoryDepth: 4, LayersPerImage: 3,
	})
	s := &prune.Snapshot{Images: rs.Images, Streams: rs.Streams}
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 2_500 {
		is := rs.Streams[rng.IntN(len(rs.Streams))]
		tl := is.Status.Tags[rng.IntN(len(is.Status.Tags))]
		var spec string
		switch rng.IntN(10) {
		case 0:
			spec = "r.io/" + is.Namespace + "/BAD "
		case 1, 2, 3:
			spec = fmt.Sprintf("r.io/%s/%s:%s", is.Namespace, is.Name, tl.Tag)
		default:
			spec = fmt.Sprintf("r.io/%s/%s@%s", is.Namespace, is.Name, tl.Items[rng.IntN(len(tl.Items))].Image)
		}
		s.References = append(s.References, prune.Reference{
			Owner: prune.Owner{Kind: "Pod", Namespace: is.Namespace, Name: fmt.Sprint("pod-", i)}, FieldPath: "spec.containers[0].image",
			Spec: spec, Inactive: rng.IntN(3) == 0, Created: imagetest.Epoch.Add(-time.Duration(rng.IntN(100)) * time.Hour),
		})
	}
	o := prune.Options{Now: imagetest.Epoch.Add(24 * time.Hour), KeepTagRevisions: ptr(1), KeepReferencedImages: true}
	return newCtxInput(t, s, o)
}

// ctxInputs are the inputs of the tests: small random snapshots, the
// golden one, an empty one and midInput's.
func ctxInputs(t *testing.T) map[string]*ctxInput {
	ins := map[string]*ctxInput{}
	for seed := range uint64(8) {
		s, o := randomCase(seed)
		ins[fmt.Sprint("random-", seed)] = newCtxInput(t, s, o)
	}
	s, o := goldenInput()
	ins["golden"] = newCtxInput(t, s, o)
	ins["empty"] = newCtxInput(t, &prune.Snapshot{}, prune.Options{Now: now})
	ins["mid"] = midInput(t)
	return ins
}

// TestContextEnded checks that every function returns nil and ctx.Err()
// itself when ctx has ended before the call, and that invalid options
// are reported before the context.
func TestContextEnded(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	contexts := []struct {
		name string
		ctx  context.Context
	}{
		{"canceled", canceled},
		{"deadline exceeded", expired},
		{"first check", newCancelAt(0)},
	}
	in := midInput(t)
	bad := *in
	bad.o.KeepTagRevisions = ptr(-1)
	bad.so.Now = time.Time{}
	for _, f := range ctxFuncs {
		for _, c := range contexts {
			t.Run(f.name+"/"+c.name, func(t *testing.T) {
				want := c.ctx.Err()
				got, err := f.call(c.ctx, in)
				if got != nil || err != want {
					t.Errorf("got %.40q…, %v; want nil, %v itself", got, err, want)
				}
				if !errors.Is(err, want) {
					t.Errorf("errors.Is(%v, %v) is false", err, want)
				}
			})
		}
		if f.name == "NewIndexContext" || f.name == "IndexBuilder.IndexContext" {
			continue // it takes no options
		}
		t.Run(f.name+"/invalid options first", func(t *testing.T) {
			got, err := f.call(canceled, &bad)
			if got != nil || err == nil || errors.Is(err, context.Canceled) {
				t.Fatalf("got %.40q…, %v; want nil and the options' error", got, err)
			}
			if !errors.Is(err, prune.ErrInvalidOptions) && !errors.Is(err, prune.ErrSweepOptions) {
				t.Errorf("%v wraps neither ErrInvalidOptions nor ErrSweepOptions", err)
			}
		})
	}
}

// TestContextEveryCheck cancels each function at each of the checks an
// uncancelled run makes, in turn: every cut must give nil and
// context.Canceled, without a panic or a race (run it with -race), and
// the run that outlives every check must give the context-free result.
// The checks' count does not depend on the goroutines' timing, so a cut
// at check k < total always happens.
func TestContextEveryCheck(t *testing.T) {
	ins := ctxInputs(t)
	for _, f := range ctxFuncs {
		for name, in := range ins {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				want, err := f.want(in)
				if err != nil {
					t.Fatal(err)
				}
				never := newCancelAt(-1)
				if _, err := f.call(never, in); err != nil {
					t.Fatal(err)
				}
				total := never.calls.Load()
				if total == 0 {
					t.Fatal("an uncancelled run checked its context no time")
				}
				t.Logf("%d checks", total)
				for k := range total + 1 {
					ctx := newCancelAt(k)
					got, err := f.call(ctx, in)
					switch {
					case k < total && (got != nil || err != context.Canceled):
						t.Fatalf("cancelled at check %d of %d: got %.40q…, %v; want nil, context.Canceled", k, total, got, err)
					case k == total && err != nil:
						t.Fatalf("cancelled after the last check (%d): %v", total, err)
					case k == total:
						if diff := cmp.Diff(string(want), string(got)); diff != "" {
							t.Fatalf("cancelled after the last check: result differs from the context-free one (-want +got):\n%s", diff)
						}
					}
					if n := ctx.calls.Load(); n <= k && k < total {
						t.Fatalf("cancelled at check %d: only %d checks made", k, n)
					}
				}
			})
		}
	}
}

// TestContextSameJSON checks that with a context that never ends each
// function's result is its context-free twin's, byte for byte (PRUNE.md
// §6.1), over more random snapshots than TestContextEveryCheck.
func TestContextSameJSON(t *testing.T) {
	ins := ctxInputs(t)
	for seed := range randomSeeds(50) {
		s, o := randomCase(1000 + seed)
		ins[fmt.Sprint("random-", 1000+seed)] = newCtxInput(t, s, o)
	}
	for _, f := range ctxFuncs {
		for name, in := range ins {
			want, err := f.want(in)
			if err != nil {
				t.Fatalf("%s/%s: %v", f.name, name, err)
			}
			got, err := f.call(newCancelAt(-1), in)
			if err != nil {
				t.Fatalf("%s/%s: %v", f.name, name, err)
			}
			if string(got) != string(want) {
				t.Errorf("%s/%s: JSON differs from the context-free result (-want +got):\n%s", f.name, name, cmp.Diff(string(want), string(got)))
			}
		}
	}
}

// TestContextNoLeak checks that a cancelled plan leaves no goroutine
// behind: each function joins the goroutines it started before it
// returns. A goroutine may still be between its last statement and its
// exit when the count is read, so the count is given a moment to settle.
func TestContextNoLeak(t *testing.T) {
	in := midInput(t)
	runtime.GC()
	before := runtime.NumGoroutine()
	// PlanContext makes every check NewIndexContext and Index.PlanContext
	// make; PlanSweepContext starts no goroutine.
	never := newCancelAt(-1)
	if _, err := prune.PlanContext(never, in.s, in.o); err != nil {
		t.Fatal(err)
	}
	for k := range never.calls.Load() {
		if _, err := prune.PlanContext(newCancelAt(k), in.s, in.o); err != context.Canceled {
			t.Fatalf("cancelled at check %d: %v", k, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// TestIndexContextReset checks that an IndexBuilder whose IndexContext
// was cancelled is reset, as its doc says: it then holds nothing, and
// given the snapshot again it builds the Index a fresh builder would.
func TestIndexContextReset(t *testing.T) {
	in := midInput(t)
	want, err := jsonOrNil(builderOf(in.s).Index().Plan(in.o))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := jsonOrNil(new(prune.IndexBuilder).Index().Plan(in.o))
	if err != nil {
		t.Fatal(err)
	}
	never := newCancelAt(-1)
	if _, err := builderOf(in.s).IndexContext(never); err != nil {
		t.Fatal(err)
	}
	for k := range never.calls.Load() {
		b := builderOf(in.s)
		if ix, err := b.IndexContext(newCancelAt(k)); ix != nil || err != context.Canceled {
			t.Fatalf("cancelled at check %d: got %v, %v; want nil, context.Canceled", k, ix, err)
		}
		got, err := jsonOrNil(b.Index().Plan(in.o))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(empty) {
			t.Fatalf("cancelled at check %d: the builder kept what was added (-empty +got):\n%s", k, cmp.Diff(string(empty), string(got)))
		}
		fill(b, in.s)
		if got, err = jsonOrNil(b.Index().Plan(in.o)); err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("cancelled at check %d, then given the snapshot again: the plan differs (-want +got):\n%s", k, cmp.Diff(string(want), string(got)))
		}
	}
}

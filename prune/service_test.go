package prune_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/prune"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// recordingRegistry is a RegistryDeleter that records what it deletes.
type recordingRegistry struct {
	mu    sync.Mutex
	links map[string]bool // "repo@digest"
	blobs map[string]bool
}

func (r *recordingRegistry) record(set map[string]bool, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	set[key] = true
	return nil
}

func (r *recordingRegistry) DeleteLayerLink(_ context.Context, repo, dgst string) error {
	return r.record(r.links, repo+"@"+dgst)
}

func (r *recordingRegistry) DeleteManifestLink(_ context.Context, repo, dgst string) error {
	return r.record(r.links, repo+"@"+dgst)
}

func (r *recordingRegistry) DeleteBlob(_ context.Context, dgst string) error {
	return r.record(r.blobs, dgst)
}

// TestServiceEndToEnd builds state through imagestream.Service on the
// memory store, reads the snapshot back from storage, plans, executes
// through ServiceTargets with a recording registry, and checks what the
// Service then shows.
func TestServiceEndToEnd(t *testing.T) {
	tests := []struct {
		name string
		// late pushes through the Service between Plan and Execute.
		late       bool
		wantImages []string // labels of the images left
		wantLate   bool
	}{
		{name: "plan and execute", wantImages: []string{"a1", "a2", "w2", "w4"}},
		{name: "an image pushed into a new stream after planning survives", late: true, wantImages: []string{"a1", "a2", "w1", "w2", "w4"}, wantLate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := memory.New()
			defer store.Close()
			clock := imagetest.Epoch
			svc := imagestream.NewService(store, imagestream.WithClock(func() time.Time { return clock }))
			labels := map[string]string{}
			img := func(label string) *image.Image {
				i := imagetest.Image(label, imagetest.Options{Layers: 2})
				labels[i.Name] = label
				return i
			}
			for _, name := range []string{"web", "api"} {
				if _, err := svc.ImageStreams("shop").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name}}); err != nil {
					t.Fatal(err)
				}
			}
			push := func(stream, tag string, i *image.Image) {
				t.Helper()
				m := &image.ImageStreamMapping{ObjectMeta: image.ObjectMeta{Name: stream}, Tag: tag, Image: *i}
				if _, err := svc.ImageStreamMappings("shop").Create(ctx, m); err != nil {
					t.Fatalf("push %s to %s:%s: %v", labels[i.Name], stream, tag, err)
				}
				clock = clock.Add(time.Hour)
			}
			w1, w2 := img("w1"), img("w2")
			for _, i := range []*image.Image{w1, w2, img("w3"), img("w4")} {
				push("web", "latest", i)
			}
			push("api", "stable", img("a1"))
			list, children := imagetest.ListImage("multi", imagetest.Options{}, "linux/amd64", "linux/arm64")
			labels[list.Name] = "list"
			for i, c := range children {
				labels[c.Name] = []string{"c1", "c2"}[i]
				if _, err := svc.Images().Create(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			push("api", "multi", list)
			push("api", "multi", img("a2"))
			if _, err := svc.Images().Create(ctx, img("unused")); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(3 * time.Hour)

			tg := prune.ServiceTargets(svc, &recordingRegistry{links: map[string]bool{}, blobs: map[string]bool{}})
			refs := []prune.Reference{{
				Owner: prune.Owner{Kind: "Pod", Namespace: "shop", Name: "web-1"}, FieldPath: "spec.containers[0].image",
				Spec: "image-registry.svc:5000/shop/web@" + w2.Name, Created: clock,
			}}
			snap, err := prune.ReadSnapshot(ctx, tg.Lister, refs)
			if err != nil {
				t.Fatal(err)
			}
			d, err := prune.Plan(snap, prune.Options{Now: clock, KeepTagRevisions: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			// An Index read page by page plans the same.
			ix, err := prune.ReadIndexPaged(ctx, svc, refs, 2)
			if err != nil {
				t.Fatal(err)
			}
			fromIndex, err := ix.Plan(prune.Options{Now: clock, KeepTagRevisions: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d, fromIndex); diff != "" {
				t.Errorf("plan from ReadIndex (-snapshot +index):\n%s", diff)
			}
			if tt.late {
				if _, err := svc.ImageStreams("shop").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "late"}}); err != nil {
					t.Fatal(err)
				}
				push("late", "v1", w1)
			}
			rep, err := prune.Execute(ctx, d, tg, prune.ExecuteOptions{Workers: 2})
			if err != nil {
				t.Fatalf("Execute: %v", err)
			}

			events := map[string][]string{}
			streams, err := svc.ImageStreams("").List(ctx, imagestream.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range streams.Items {
				for _, tl := range is.Status.Tags {
					for _, ev := range tl.Items {
						events[is.Name+":"+tl.Tag] = append(events[is.Name+":"+tl.Tag], labels[ev.Image])
					}
				}
			}
			wantEvents := map[string][]string{"web:latest": {"w4", "w2"}, "api:stable": {"a1"}, "api:multi": {"a2"}}
			if tt.late {
				wantEvents["late:v1"] = []string{"w1"}
			}
			if diff := cmp.Diff(wantEvents, events); diff != "" {
				t.Errorf("tag events through the Service (-want +got):\n%s", diff)
			}
			images, err := svc.Images().List(ctx, imagestream.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, i := range images.Items {
				left = append(left, labels[i.Name])
			}
			slices.Sort(left)
			if diff := cmp.Diff(tt.wantImages, left); diff != "" {
				t.Errorf("images through the Service (-want +got):\n%s", diff)
			}

			reg := tg.Registry.(*recordingRegistry)
			wantLinks := map[string]bool{}
			for _, sd := range d.Streams {
				for _, l := range append(slices.Clone(sd.LayerLinks), sd.ManifestLinks...) {
					wantLinks[sd.Repository()+"@"+l] = true
				}
			}
			wantBlobs := map[string]bool{}
			for _, b := range d.Blobs {
				wantBlobs[b.Digest] = true
			}
			for _, b := range rep.Withheld.Blobs {
				delete(wantBlobs, b)
			}
			if diff := cmp.Diff(wantLinks, reg.links); diff != "" {
				t.Errorf("links deleted (-plan +registry):\n%s", diff)
			}
			if diff := cmp.Diff(wantBlobs, reg.blobs); diff != "" {
				t.Errorf("blobs deleted (-plan +registry):\n%s", diff)
			}
			if tt.wantLate {
				for _, b := range []string{w1.Name, w1.DockerImageLayers[0].Name} {
					if reg.blobs[b] {
						t.Errorf("blob %s of the late image deleted", b)
					}
				}
			} else if diff := cmp.Diff(d.Stats, rep.Deleted); diff != "" {
				t.Errorf("deleted differs from the plan (-plan +deleted):\n%s", diff)
			}

			// A second run changes nothing.
			before := slices.Sorted(maps.Keys(reg.blobs))
			rep, err = prune.Execute(ctx, d, tg, prune.ExecuteOptions{Workers: 2})
			if err != nil {
				t.Fatalf("second Execute: %v", err)
			}
			if rep.Deleted.DeletedImageStreamTagItems != 0 || rep.Deleted.UpdatedImageStreams != 0 {
				t.Errorf("second run deleted %+v, want no stream change", rep.Deleted)
			}
			if diff := cmp.Diff(before, slices.Sorted(maps.Keys(reg.blobs))); diff != "" {
				t.Errorf("second run blobs (-first +second):\n%s", diff)
			}
		})
	}
}

// TestReadNilSource: ReadSnapshot without a Lister and ReadIndex without
// a Service return an error, as Execute does without a plan, rather than
// panicking on the nil.
func TestReadNilSource(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		read func() (gotResult bool, err error)
		want string
	}{
		{"ReadSnapshot", func() (bool, error) {
			snap, err := prune.ReadSnapshot(ctx, nil, nil)
			return snap != nil, err
		}, "prune: ReadSnapshot needs a Lister"},
		{"ReadIndex", func() (bool, error) {
			idx, err := prune.ReadIndex(ctx, nil, nil)
			return idx != nil, err
		}, "prune: ReadIndex needs a Service"},
		// ServiceTargets of a nil Service leaves the targets nil, so
		// Execute refuses them rather than panicking on the first call.
		{"Execute through ServiceTargets", func() (bool, error) {
			rep, err := prune.Execute(ctx, &prune.Decisions{}, prune.ServiceTargets(nil, nil), prune.ExecuteOptions{})
			return rep != nil, err
		}, "prune: Targets.Streams is nil, and without a Lister the re-check reads the streams through it (or set NoRecheck)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotResult, err := tt.read()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
			if gotResult {
				t.Error("result is not nil")
			}
		})
	}
}

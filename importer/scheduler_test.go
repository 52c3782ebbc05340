package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/importer"
)

// fakeStreams is an in-memory StreamLister and ImportCreator that
// records when each import was posted.
type fakeStreams struct {
	mu      sync.Mutex
	start   time.Time
	streams map[string]*image.ImageStream
	posted  []string // "<elapsed> <ns>/<name> <tags>"
	onPost  func(f *fakeStreams, isi *image.ImageStreamImport)
}

func newFakeStreams(streams ...*image.ImageStream) *fakeStreams {
	f := &fakeStreams{start: time.Now(), streams: map[string]*image.ImageStream{}}
	for _, is := range streams {
		f.streams[is.Namespace+"/"+is.Name] = is
	}
	return f
}

func (f *fakeStreams) ListImageStreams(context.Context) ([]*image.ImageStream, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*image.ImageStream
	for _, is := range f.streams {
		out = append(out, is.DeepCopy())
	}
	return out, nil
}

func (f *fakeStreams) GetImageStream(_ context.Context, ns, name string) (*image.ImageStream, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if is := f.streams[ns+"/"+name]; is != nil {
		return is.DeepCopy(), nil
	}
	return nil, nil
}

func (f *fakeStreams) CreateImageStreamImport(_ context.Context, isi *image.ImageStreamImport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var tags []string
	for _, s := range isi.Spec.Images {
		tags = append(tags, s.To.Name)
	}
	f.posted = append(f.posted, fmt.Sprintf("%v %s/%s %v", time.Since(f.start), isi.Namespace, isi.Name, tags))
	if f.onPost != nil {
		f.onPost(f, isi)
	}
	return nil
}

func (f *fakeStreams) Posted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.posted...)
}

// scheduledStream is a stream with one scheduled tag from registry.
func scheduledStream(ns, name, registry string) *image.ImageStream {
	return &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
			Name: "latest", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: registry + "/" + name + ":latest"},
			ImportPolicy: image.TagImportPolicy{Scheduled: true},
		}}},
	}
}

// runFor runs s until d has passed on the bubble's clock.
func runFor(t *testing.T, s *importer.Scheduler, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	if err := s.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want context.DeadlineExceeded", err)
	}
}

func TestSchedulerInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		one := int64(1)
		digestImported := &image.ImageStream{
			ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "pinned"},
			Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
				Name: "v1", Generation: &one, ImportPolicy: image.TagImportPolicy{Scheduled: true},
				From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/ns/app@sha256:" + fmt.Sprintf("%064d", 1)},
			}}},
			Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{{Tag: "v1", Items: []image.TagEvent{{Image: "sha256:x", Generation: 1}}}}},
		}
		unscheduled := scheduledStream("ns", "manual", "quay.io")
		unscheduled.Spec.Tags[0].ImportPolicy.Scheduled = false
		f := newFakeStreams(scheduledStream("ns", "app", "quay.io"), unscheduled, digestImported)
		s := importer.NewScheduler(f, f, importer.SchedulerOptions{Jitter: -1})
		runFor(t, s, time.Hour)
		want := []string{"3m0s ns/app [latest]", "18m0s ns/app [latest]", "33m0s ns/app [latest]", "48m0s ns/app [latest]"}
		if diff := cmp.Diff(want, f.Posted()); diff != "" {
			t.Errorf("imports (-want +got):\n%s", diff)
		}
	})
}

func TestSchedulerJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(scheduledStream("ns", "app", "quay.io"))
		s := importer.NewScheduler(f, f, importer.SchedulerOptions{Interval: 10 * time.Minute})
		runFor(t, s, time.Hour)
		// 10 min / 5 slots = 2 min steps ±10%: six imports in the hour,
		// the first between 1m48s and 2m12s.
		got := f.Posted()
		if len(got) < 5 || len(got) > 7 {
			t.Fatalf("imports = %q, want about 6", got)
		}
		first, err := time.ParseDuration(strings.Fields(got[0])[0])
		if err != nil {
			t.Fatal(err)
		}
		if first < 108*time.Second || first > 132*time.Second {
			t.Errorf("first import after %v, want 2m ±10%%", first)
		}
	})
}

// TestSchedulerJitterClamped: a Jitter of 1 or more would make waits
// zero or negative; it is taken as 0.5, so the 2-minute steps of a
// 10-minute interval last at least a minute and a stream's imports stay
// at least five steps apart.
func TestSchedulerJitterClamped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(scheduledStream("ns", "app", "quay.io"))
		s := importer.NewScheduler(f, f, importer.SchedulerOptions{Interval: 10 * time.Minute, Jitter: 5,
			MaxImportsPerMinute: -1, MaxImportsPerRegistryPerMinute: -1})
		runFor(t, s, time.Hour)
		got := f.Posted()
		if len(got) == 0 || len(got) > 12 {
			t.Fatalf("%d imports in an hour, want 1 to 12: %q", len(got), got)
		}
		var last time.Duration
		for i, p := range got {
			at, err := time.ParseDuration(strings.Fields(p)[0])
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case i == 0 && at < time.Minute:
				t.Errorf("first import after %v, want at least a minute", at)
			case i > 0 && at-last < 5*time.Minute:
				t.Errorf("import %d after %v, %v after the previous, want at least 5m", i, at, at-last)
			}
			last = at
		}
	})
}

func TestSchedulerLimits(t *testing.T) {
	tests := []struct {
		name    string
		streams int
		opts    importer.SchedulerOptions
		want    int // imports in the first step (3 minutes)
	}{
		// 12 streams over 5 buckets: the first holds 3.
		{name: "no limit", streams: 12, opts: importer.SchedulerOptions{MaxImportsPerMinute: -1, MaxImportsPerRegistryPerMinute: -1}, want: 3},
		// 1 per minute, burst 2.
		{name: "global limit", streams: 12, opts: importer.SchedulerOptions{MaxImportsPerMinute: 1, MaxImportsPerRegistryPerMinute: -1}, want: 2},
		// 1 per minute and registry, burst 1: the rest move on.
		{name: "registry limit", streams: 12, opts: importer.SchedulerOptions{MaxImportsPerMinute: -1, MaxImportsPerRegistryPerMinute: 1}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var streams []*image.ImageStream
				for i := range tt.streams {
					streams = append(streams, scheduledStream("ns", fmt.Sprintf("s%02d", i), "quay.io"))
				}
				f := newFakeStreams(streams...)
				tt.opts.Jitter = -1
				runFor(t, importer.NewScheduler(f, f, tt.opts), 3*time.Minute+time.Second)
				if got := len(f.Posted()); got != tt.want {
					t.Errorf("imports = %d (%q), want %d", got, f.Posted(), tt.want)
				}
			})
		})
	}
}

func TestSchedulerForgetsDeletedStreams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(scheduledStream("ns", "app", "quay.io"))
		f.onPost = func(f *fakeStreams, isi *image.ImageStreamImport) { delete(f.streams, isi.Namespace+"/"+isi.Name) }
		runFor(t, importer.NewScheduler(f, f, importer.SchedulerOptions{Jitter: -1}), time.Hour)
		if got := f.Posted(); len(got) != 1 {
			t.Errorf("imports = %q, want one", got)
		}
	})
}

func TestSchedulerStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(scheduledStream("ns", "app", "quay.io"))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- importer.NewScheduler(f, f, importer.SchedulerOptions{}).Run(ctx) }()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	})
}

func TestBuckets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		interval time.Duration
		want     int
	}{
		{name: "default 15 minutes", interval: 15 * time.Minute, want: 4},
		{name: "over an hour doubles", interval: 2 * time.Hour, want: 8},
		{name: "exactly an hour", interval: time.Hour, want: 4},
		{name: "under ten minutes halves", interval: 5 * time.Minute, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := importer.Buckets(tt.interval); got != tt.want {
				t.Errorf("Buckets(%v) = %d, want %d", tt.interval, got, tt.want)
			}
		})
	}
}

// TestScheduledImportContent checks the import posted for a stream
// (SEMANTICS §8.10): the controller bumps the generation of the scheduled
// tags on a copy and posts what handleImageStream builds from it, with the
// stream's resourceVersion and UID. Every importable tag needing an import
// rides along with the scheduled ones; a stream never checked (no
// dockerRepositoryCheck annotation) with a dockerImageRepository imports
// every importable tag and the repository.
func TestScheduledImportContent(t *testing.T) {
	gen := func(g int64) *int64 { return &g }
	checked := map[string]string{image.DockerImageRepositoryCheckAnnotation: "2024-01-01T00:00:00Z"}
	from := func(name string) *image.ObjectReference {
		return &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/ns/app:" + name}
	}
	scheduled := image.TagImportPolicy{Scheduled: true}
	imported := func(tag string, g int64) image.NamedTagEventList {
		return image.NamedTagEventList{Tag: tag, Items: []image.TagEvent{{Image: "sha256:" + tag, Generation: g}}}
	}
	want := func(tag string, ip image.TagImportPolicy) image.ImageImportSpec {
		return image.ImageImportSpec{From: *from(tag), To: &image.LocalObjectReference{Name: tag}, ImportPolicy: ip}
	}
	tests := []struct {
		name   string
		stream *image.ImageStream
		want   image.ImageStreamImportSpec
	}{
		{
			name: "scheduled tags with their policies, up-to-date tags left out",
			stream: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", Generation: 2, Annotations: checked},
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "bad", Generation: gen(2), ImportPolicy: scheduled, From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "Not Valid"}},
					{Name: "latest", Generation: gen(2), ImportPolicy: scheduled, From: from("latest"), ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}},
					{Name: "local", Generation: gen(2), ImportPolicy: scheduled, From: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "app:latest"}},
					{Name: "manual", Generation: gen(2), From: from("manual")},
					{Name: "po", Generation: gen(2), ImportPolicy: image.TagImportPolicy{Scheduled: true, ImportMode: image.ImportModePreserveOriginal}, From: from("po")},
					{Name: "ref", Generation: gen(2), Reference: true, ImportPolicy: scheduled, From: from("ref")},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{
					{Tag: "bad", Conditions: []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Generation: 2}}},
					imported("latest", 2), imported("manual", 2), imported("po", 2),
				}},
			},
			want: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{
				{From: *from("latest"), To: &image.LocalObjectReference{Name: "latest"}, ImportPolicy: scheduled,
					ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}},
				want("po", image.TagImportPolicy{Scheduled: true, ImportMode: image.ImportModePreserveOriginal}),
			}},
		},
		{
			name: "a tag whose generation is newer than its status rides along",
			stream: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", Generation: 2, Annotations: checked},
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "a", Generation: gen(1), ImportPolicy: scheduled, From: from("a")},
					{Name: "b", Generation: gen(2), From: from("b")},
					{Name: "c", Generation: gen(1), From: from("c")},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{imported("a", 1), imported("b", 1), imported("c", 1)}},
			},
			want: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{want("a", scheduled), want("b", image.TagImportPolicy{})}},
		},
		{
			name: "a tag without a generation rides along",
			stream: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", Generation: 1, Annotations: checked},
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "a", Generation: gen(1), ImportPolicy: scheduled, From: from("a")},
					{Name: "b", From: from("b")},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{imported("a", 1)}},
			},
			want: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{want("a", scheduled), want("b", image.TagImportPolicy{})}},
		},
		{
			name: "a stream never checked imports every importable tag and its repository",
			stream: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", Generation: 1, Annotations: map[string]string{image.InsecureRepositoryAnnotation: "true"}},
				Spec: image.ImageStreamSpec{DockerImageRepository: "quay.io/ns/app", Tags: []image.TagReference{
					{Name: "a", Generation: gen(1), ImportPolicy: scheduled, From: from("a")},
					{Name: "c", Generation: gen(1), From: from("c")},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{imported("a", 1), imported("c", 1)}},
			},
			want: image.ImageStreamImportSpec{Import: true,
				Images: []image.ImageImportSpec{want("a", scheduled), want("c", image.TagImportPolicy{})},
				Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/ns/app"},
					ImportPolicy: image.TagImportPolicy{Insecure: true}},
			},
		},
		{
			name: "a stream never checked without a repository imports the tags needing it",
			stream: &image.ImageStream{
				ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", Generation: 1},
				Spec: image.ImageStreamSpec{Tags: []image.TagReference{
					{Name: "a", Generation: gen(1), ImportPolicy: scheduled, From: from("a")},
					{Name: "c", Generation: gen(1), From: from("c")},
				}},
				Status: image.ImageStreamStatus{Tags: []image.NamedTagEventList{imported("a", 1), imported("c", 1)}},
			},
			want: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{want("a", scheduled)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				is := tt.stream
				is.ResourceVersion, is.UID = "42", "uid-1"
				f := newFakeStreams(is)
				var got *image.ImageStreamImport
				f.onPost = func(_ *fakeStreams, isi *image.ImageStreamImport) { got = isi }
				runFor(t, importer.NewScheduler(f, f, importer.SchedulerOptions{Jitter: -1}), 4*time.Minute)
				want := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app", ResourceVersion: "42", UID: "uid-1"}, Spec: tt.want}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("posted import (-want +got):\n%s", diff)
				}
			})
		})
	}
}

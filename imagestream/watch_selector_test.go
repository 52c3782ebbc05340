package imagestream_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// forgetfulStore is a store whose watch events never carry the value
// before the change, as when a backend's history no longer has it.
type forgetfulStore struct{ storage.Interface }

func (s forgetfulStore) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	in, err := s.Interface.Watch(ctx, prefix, rv)
	if err != nil {
		return nil, err
	}
	out := make(chan storage.Event)
	go func() {
		defer close(out)
		for ev := range in {
			ev.PrevValue = nil
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// seenEvent is what a selector test compares of an event: the object's
// name, its "team" label and whether its resourceVersion is that of the
// write that caused the event.
type seenEvent struct {
	Type    storage.EventType
	Name    string
	Team    string
	WriteRV bool
}

// TestWatchSelectors: a watch with selectors reports what a Kubernetes
// watch with the same selectors reports. An object that comes to match
// is ADDED, one that stops matching is DELETED with its last matching
// state, changes that match before and after are MODIFIED, and the rest
// is not reported. Without the state before a change, a change that
// does not match is DELETED, one that matches MODIFIED.
func TestWatchSelectors(t *testing.T) {
	cases := []struct {
		name      string
		forgetful bool
		opts      imagestream.WatchOptions
		want      []seenEvent
	}{{
		name: "label selector",
		opts: imagestream.WatchOptions{LabelSelector: "team=web"},
		want: []seenEvent{
			{storage.Added, "a", "web", true},
			{storage.Deleted, "a", "web", true}, // a moves to db: its last matching state
			{storage.Added, "b", "web", true},   // b moves to web
			{storage.Modified, "b", "web", true},
			{storage.Deleted, "b", "web", true},
			{storage.Added, "end", "web", true},
		},
	}, {
		name: "set-based label selector",
		opts: imagestream.WatchOptions{LabelSelector: "team notin (web)"},
		want: []seenEvent{
			{storage.Added, "b", "db", true},
			{storage.Added, "a", "db", true},
			{storage.Deleted, "b", "db", true},
			{storage.Modified, "a", "db", true},
			{storage.Deleted, "a", "db", true},
			{storage.Added, "end", "db", true},
		},
	}, {
		name: "field selector",
		opts: imagestream.WatchOptions{FieldSelector: "metadata.name=b"},
		want: []seenEvent{
			{storage.Added, "b", "db", true},
			{storage.Modified, "b", "web", true},
			{storage.Modified, "b", "web", true},
			{storage.Deleted, "b", "web", true},
		},
	}, {
		name: "both selectors",
		opts: imagestream.WatchOptions{LabelSelector: "team=web", FieldSelector: "metadata.name!=b"},
		want: []seenEvent{
			{storage.Added, "a", "web", true},
			{storage.Deleted, "a", "web", true},
			{storage.Added, "end", "web", true},
		},
	}, {
		name:      "label selector, state before unknown",
		forgetful: true,
		opts:      imagestream.WatchOptions{LabelSelector: "team=web"},
		want: []seenEvent{
			{storage.Added, "a", "web", true},
			{storage.Deleted, "a", "", true},
			{storage.Modified, "b", "web", true},
			{storage.Modified, "b", "web", true},
			{storage.Deleted, "a", "", true},
			{storage.Deleted, "a", "", true},
			{storage.Deleted, "b", "", true},
			{storage.Added, "end", "web", true},
		},
	}}
	kinds := []struct {
		name string
		run  func(ctx context.Context, t *testing.T, svc *imagestream.Service, opts imagestream.WatchOptions) []seenEvent
	}{
		{"ImageStreams", watchStreamChanges},
		{"Images", watchImageChanges},
	}
	for _, kind := range kinds {
		for _, tc := range cases {
			t.Run(kind.name+"/"+tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				store := storage.Interface(memory.New())
				defer store.Close()
				if tc.forgetful {
					store = forgetfulStore{store}
				}
				svc, _ := newServiceOn(store)
				got := kind.run(ctx, t, svc, tc.opts)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// selectorScript is the sequence of writes every selector case watches,
// on objects a and b: a starts on team web, b on db; they swap teams,
// each is changed without changing team, then both are deleted and
// "end", on the team the selector watches, is created.
type selectorScript struct {
	create  func(name, team string) (rv string)
	relabel func(name, team string) (rv string)
	touch   func(name string) (rv string)
	del     func(name string)
}

func (s selectorScript) run(t *testing.T) map[string]bool {
	t.Helper()
	rvs := map[string]bool{}
	var last int64
	note := func(rv string) {
		n, err := strconv.ParseInt(rv, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		last = n
		rvs[rv] = true
	}
	note(s.create("a", "web"))
	note(s.create("b", "db"))
	note(s.relabel("a", "db"))
	note(s.relabel("b", "web"))
	note(s.touch("b"))
	note(s.touch("a"))
	// A delete takes the store's next revision, which Delete does not
	// return.
	s.del("a")
	note(strconv.FormatInt(last+1, 10))
	s.del("b")
	note(strconv.FormatInt(last+1, 10))
	return rvs
}

// collect reads events until one names "end" or, for a watch that cannot
// see "end", until the channel has been quiet for a while.
func collect[T any](ctx context.Context, t *testing.T, events <-chan imagestream.WatchEvent[T], meta func(T) *image.ObjectMeta, writes map[string]bool) []seenEvent {
	t.Helper()
	var got []seenEvent
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("watch ended early")
			}
			if ev.Type == storage.Error {
				t.Fatalf("error event: %v", ev.Err)
			}
			m := meta(ev.Object)
			got = append(got, seenEvent{ev.Type, m.Name, m.Labels["team"], writes[m.ResourceVersion]})
			if m.Name == "end" {
				return got
			}
		case <-time.After(200 * time.Millisecond):
			return got
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
	}
}

// watchedClient is what the selector tests use of ImageStreams and
// Images.
type watchedClient[T any] interface {
	Get(ctx context.Context, name string) (T, error)
	Create(ctx context.Context, obj T) (T, error)
	Update(ctx context.Context, obj T) (T, error)
	Delete(ctx context.Context, name string, opts imagestream.DeleteOptions) error
	Watch(ctx context.Context, opts imagestream.WatchOptions) (<-chan imagestream.WatchEvent[T], error)
}

// watchChanges runs selectorScript on c under a watch with opts and
// returns what the watch reported. newObj builds an object to create.
func watchChanges[T any](ctx context.Context, t *testing.T, c watchedClient[T], opts imagestream.WatchOptions,
	newObj func(name, team string) T, meta func(T) *image.ObjectMeta) []seenEvent {
	events, err := c.Watch(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	must := func(obj T, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return meta(obj).ResourceVersion
	}
	update := func(name string, edit func(*image.ObjectMeta)) string {
		obj, err := c.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		edit(meta(obj))
		return must(c.Update(ctx, obj))
	}
	create := func(name, team string) string { return must(c.Create(ctx, newObj(name, team))) }
	writes := selectorScript{
		create: create,
		relabel: func(name, team string) string {
			return update(name, func(m *image.ObjectMeta) { m.Labels["team"] = team })
		},
		touch: func(name string) string {
			return update(name, func(m *image.ObjectMeta) { m.Annotations = map[string]string{"touched": "yes"} })
		},
		del: func(name string) {
			if err := c.Delete(ctx, name, imagestream.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		},
	}.run(t)
	writes[create("end", endTeam(opts))] = true
	return collect(ctx, t, events, meta, writes)
}

func watchStreamChanges(ctx context.Context, t *testing.T, svc *imagestream.Service, opts imagestream.WatchOptions) []seenEvent {
	return watchChanges(ctx, t, svc.ImageStreams("ns"), opts, func(name, team string) *image.ImageStream {
		return &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name, Labels: map[string]string{"team": team}}}
	}, func(is *image.ImageStream) *image.ObjectMeta { return &is.ObjectMeta })
}

func watchImageChanges(ctx context.Context, t *testing.T, svc *imagestream.Service, opts imagestream.WatchOptions) []seenEvent {
	return watchChanges(ctx, t, svc.Images(), opts, func(name, team string) *image.Image {
		return &image.Image{ObjectMeta: image.ObjectMeta{Name: name, Labels: map[string]string{"team": team}}, DockerImageReference: "quay.io/acme/" + name}
	}, func(img *image.Image) *image.ObjectMeta { return &img.ObjectMeta })
}

// endTeam is the team of "end": one the watch's label selector keeps.
func endTeam(opts imagestream.WatchOptions) string {
	if opts.LabelSelector == "team notin (web)" {
		return "db"
	}
	return "web"
}

// TestWatchSelectorErrors: a selector that does not parse, or a field a
// kind does not support, fails the watch at once with a BadRequest, as
// List does; WatchTags takes no selector.
func TestWatchSelectorErrors(t *testing.T) {
	ctx := t.Context()
	svc, _ := newService(t)
	for _, tc := range []struct {
		name  string
		watch func() error
	}{
		{"bad label selector", func() error {
			_, err := svc.ImageStreams("ns").Watch(ctx, imagestream.WatchOptions{LabelSelector: "a in (b"})
			return err
		}},
		{"unsupported field", func() error {
			_, err := svc.Images().Watch(ctx, imagestream.WatchOptions{FieldSelector: "status.dockerImageRepository=x"})
			return err
		}},
		{"WatchTags with a selector", func() error {
			_, err := svc.WatchTags(ctx, "ns", imagestream.WatchOptions{LabelSelector: "a=b"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.watch()
			var se *imagestream.StatusError
			if !errors.As(err, &se) || se.ErrStatus.Reason != image.StatusReasonBadRequest {
				t.Errorf("err = %v, want a BadRequest StatusError", err)
			}
		})
	}
}

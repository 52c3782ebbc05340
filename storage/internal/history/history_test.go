package history_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
)

// liveness bounds how long a broken watch can hang a test; it says nothing
// about speed.
const liveness = 30 * time.Second

func event(rv int64, key string) storage.Event {
	return storage.Event{Type: storage.Modified, Key: key, Value: []byte(fmt.Sprint(rv)), ResourceVersion: rv}
}

// fill appends events for revisions from..to, alternating keys /a/x and /b/x.
func fill(l *history.Log, from, to int64) (evicted []int64) {
	for rv := from; rv <= to; rv++ {
		key := "/a/x"
		if rv%2 == 0 {
			key = "/b/x"
		}
		l.Append(event(rv, key), func(ev storage.Event) { evicted = append(evicted, ev.ResourceVersion) })
	}
	return evicted
}

// drain reads ch until it is closed and returns the revisions of its
// ordinary events and the error of its Error event, if any.
func drain(t *testing.T, ch <-chan storage.Event) (revs []int64, err error) {
	t.Helper()
	timeout := time.After(liveness)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return revs, err
			}
			if ev.Type == storage.Error {
				if err != nil {
					t.Errorf("second Error event: %v", ev.Err)
				}
				err = ev.Err
				continue
			}
			if err != nil {
				t.Errorf("event %d after the Error event", ev.ResourceVersion)
			}
			revs = append(revs, ev.ResourceVersion)
		case <-timeout:
			t.Fatalf("watch not closed after %v; got %v", liveness, revs)
		}
	}
}

// take reads n ordinary events from ch.
func take(t *testing.T, ch <-chan storage.Event, n int) []int64 {
	t.Helper()
	var revs []int64
	for len(revs) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed after %v, want %d events", revs, n)
			}
			if ev.Type == storage.Error {
				t.Fatalf("Error event after %v: %v", revs, ev.Err)
			}
			revs = append(revs, ev.ResourceVersion)
		case <-time.After(liveness):
			t.Fatalf("got %v after %v, want %d events", revs, liveness, n)
		}
	}
	return revs
}

func span(from, to int64) []int64 {
	var s []int64
	for rv := from; rv <= to; rv++ {
		s = append(s, rv)
	}
	return s
}

func TestAppendEvictsOldest(t *testing.T) {
	l := history.New(3, 1<<20, 10)
	evicted := fill(l, 11, 15)
	if diff := cmp.Diff([]int64{11, 12}, evicted); diff != "" {
		t.Errorf("evicted (-want +got):\n%s", diff)
	}
	if got := l.Compacted(); got != 12 {
		t.Errorf("Compacted() = %d, want 12", got)
	}
}

// The byte bound evicts as the count bound does, but always keeps the
// newest event.
func TestByteBound(t *testing.T) {
	big := func(rv int64, n int) storage.Event {
		return storage.Event{Type: storage.Added, Key: "/k", Value: make([]byte, n-len("/k")), ResourceVersion: rv}
	}
	tests := []struct {
		name        string
		sizes       []int // sizes (key + value) of the events appended at revisions 2, 3, ...
		wantEvicted []int64
	}{
		{name: "fits", sizes: []int{40, 60}},
		{name: "evicts the oldest", sizes: []int{40, 40, 40}, wantEvicted: []int64{2}},
		{name: "evicts several", sizes: []int{30, 30, 30, 90}, wantEvicted: []int64{2, 3, 4}},
		{name: "keeps an oversized newest event", sizes: []int{30, 300, 10}, wantEvicted: []int64{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := history.New(100, 100, 1)
			var evicted []int64
			for i, n := range tt.sizes {
				l.Append(big(int64(i+2), n), func(ev storage.Event) { evicted = append(evicted, ev.ResourceVersion) })
			}
			if diff := cmp.Diff(tt.wantEvicted, evicted); diff != "" {
				t.Errorf("evicted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWatchReplaysThenFollows(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		from   int64
		want   []int64 // events delivered after appending 2..9 then 10..13
	}{
		{name: "everything from the start", prefix: "/", from: 1, want: span(2, 13)},
		{name: "from the middle", prefix: "/", from: 6, want: span(7, 13)},
		{name: "from now", prefix: "/", from: 0, want: span(10, 13)},
		{name: "from the future", prefix: "/", from: 11, want: span(12, 13)},
		{name: "prefix filter", prefix: "/a/", from: 1, want: []int64{3, 5, 7, 9, 11, 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			l := history.New(100, 1<<20, 1)
			fill(l, 2, 9)
			ch, err := l.Watch(ctx, tt.prefix, tt.from)
			if err != nil {
				t.Fatal(err)
			}
			fill(l, 10, 13)
			got := take(t, ch, len(tt.want))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			cancel()
			if rest, err := drain(t, ch); err != nil {
				t.Errorf("after cancel: events %v, error %v", rest, err)
			}
		})
	}
}

func TestWatchTooOld(t *testing.T) {
	l := history.New(4, 1<<20, 1)
	fill(l, 2, 9) // keeps 6..9, compacted 5
	if _, err := l.Watch(t.Context(), "/", 4); !errors.Is(err, storage.ErrTooOld) {
		t.Errorf("Watch(4) error = %v, want ErrTooOld", err)
	}
	ch, err := l.Watch(t.Context(), "/", 5)
	if err != nil {
		t.Fatalf("Watch(5): %v", err)
	}
	if diff := cmp.Diff(span(6, 9), take(t, ch, 4)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// A consumer that stops reading does not hold writers up: the log moves on,
// and the consumer later finds every event it was sent, in order, then an
// Error event wrapping ErrTooOld.
func TestSlowWatcherGetsTooOld(t *testing.T) {
	l := history.New(8, 1<<20, 1)
	ch, err := l.Watch(t.Context(), "/", 1)
	if err != nil {
		t.Fatal(err)
	}
	fill(l, 2, 4)
	if diff := cmp.Diff(span(2, 4), take(t, ch, 3)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	fill(l, 5, 1004) // would block here if writers waited for watchers
	revs, err := drain(t, ch)
	if !errors.Is(err, storage.ErrTooOld) {
		t.Fatalf("final error = %v, want ErrTooOld", err)
	}
	if len(revs) >= 1000 {
		t.Fatalf("got all %d events, want the watch cut short", len(revs))
	}
	if want := span(5, int64(len(revs))+4); len(revs) > 0 {
		if diff := cmp.Diff(want, revs); diff != "" {
			t.Errorf("events before the error are not a gap-free continuation (-want +got):\n%s", diff)
		}
	}
}

func TestCompact(t *testing.T) {
	l := history.New(100, 1<<20, 1)
	fill(l, 2, 9)
	var evicted []int64
	l.Compact(5, func(ev storage.Event) { evicted = append(evicted, ev.ResourceVersion) })
	l.Compact(3, func(ev storage.Event) { t.Errorf("compacting backwards evicted %d", ev.ResourceVersion) })
	if diff := cmp.Diff(span(2, 5), evicted); diff != "" {
		t.Errorf("evicted (-want +got):\n%s", diff)
	}
	if _, err := l.Watch(t.Context(), "/", 4); !errors.Is(err, storage.ErrTooOld) {
		t.Errorf("Watch(4) error = %v, want ErrTooOld", err)
	}
	ch, err := l.Watch(t.Context(), "/", 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(span(6, 9), take(t, ch, 4)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	l.Compact(1000, nil)
	if got := l.Compacted(); got != 9 {
		t.Errorf("Compacted() after compacting beyond the head = %d, want 9", got)
	}
}

// A watch that is up to date when the log is compacted keeps going.
func TestCompactSparesCurrentWatch(t *testing.T) {
	l := history.New(100, 1<<20, 1)
	ch, err := l.Watch(t.Context(), "/", 0)
	if err != nil {
		t.Fatal(err)
	}
	fill(l, 2, 3)
	take(t, ch, 2)
	l.Compact(3, nil)
	fill(l, 4, 4)
	if diff := cmp.Diff([]int64{4}, take(t, ch, 1)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestClose(t *testing.T) {
	l := history.New(100, 1<<20, 1)
	ch, err := l.Watch(t.Context(), "/", 0)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	l.Close()
	if _, err := drain(t, ch); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("watch ended with %v, want ErrClosed", err)
	}
	if _, err := l.Watch(t.Context(), "/", 0); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Watch after Close error = %v, want ErrClosed", err)
	}
	l.Append(event(2, "/a"), nil) // must not panic
}

func BenchmarkAppend(b *testing.B) {
	for _, watchers := range []int{0, 4} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) {
			l := history.New(10000, 1<<20, 1)
			for range watchers {
				ch, err := l.Watch(b.Context(), "/", 0)
				if err != nil {
					b.Fatal(err)
				}
				go func() {
					for range ch {
					}
				}()
			}
			ev := event(1, "/a/x")
			b.ReportAllocs()
			for b.Loop() {
				ev.ResourceVersion++
				l.Append(ev, nil)
			}
		})
	}
}

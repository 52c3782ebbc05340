package importer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stepClock is a fake Clock: Now is set by the test, and After fires at
// once (recording the wait) unless blocked is set.
type stepClock struct {
	mu      sync.Mutex
	now     time.Time
	waits   []time.Duration
	blocked bool
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	if !c.blocked {
		ch <- c.now.Add(d)
	}
	return ch
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestLimiter checks the token bucket against OpenShift's limits
// (SEMANTICS §8.11): the burst passes at once, then each caller waits
// for its own token, and time refills the bucket up to the burst.
func TestLimiter(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name  string
		qps   float64
		burst int
		calls []time.Duration // time advanced before each call
		want  []time.Duration // waits asked of the clock
	}{
		{name: "import limit 2/3", qps: 2, burst: 3, calls: []time.Duration{0, 0, 0, 0, 0}, want: []time.Duration{500 * ms, 1000 * ms}},
		{name: "repository limit 5/5", qps: 5, burst: 5, calls: []time.Duration{0, 0, 0, 0, 0, 0, 0}, want: []time.Duration{200 * ms, 400 * ms}},
		{name: "refill between calls", qps: 2, burst: 3, calls: []time.Duration{0, 0, 0, 500 * ms, 0}, want: []time.Duration{500 * ms}},
		{name: "refill stops at the burst", qps: 2, burst: 1, calls: []time.Duration{0, time.Hour, 0}, want: []time.Duration{500 * ms}},
		{name: "off", qps: -1, burst: 1, calls: []time.Duration{0, 0, 0}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &stepClock{now: time.Unix(1e9, 0)}
			l := newLimiter(clock, tt.qps, tt.burst)
			for _, d := range tt.calls {
				clock.advance(d)
				if err := l.wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, clock.waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLimiterCancel checks that a caller giving up returns its token, so
// the next caller waits no longer than it would have.
func TestLimiterCancel(t *testing.T) {
	t.Parallel()
	clock := &stepClock{now: time.Unix(1e9, 0), blocked: true}
	l := newLimiter(clock, 1, 1)
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.wait(ctx) }()
	for {
		clock.mu.Lock()
		n := len(clock.waits)
		clock.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("wait = %v, want context.Canceled", err)
	}
	clock.blocked = false
	clock.advance(time.Second)
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second}, clock.waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

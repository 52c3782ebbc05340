package imagestream

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// queueHarness drives pushQueues with an apply function that records its
// batches and blocks until released.
type queueHarness struct {
	qs      pushQueues
	mu      sync.Mutex
	batches [][]string
	ctxs    []context.Context
	gate    chan struct{} // apply waits for a value per batch
}

func newQueueHarness() *queueHarness { return &queueHarness{gate: make(chan struct{})} }

func (h *queueHarness) apply(ctx context.Context, batch []*push) {
	var tags []string
	for _, p := range batch {
		tags = append(tags, p.tag)
	}
	h.mu.Lock()
	h.batches = append(h.batches, tags)
	h.ctxs = append(h.ctxs, ctx)
	h.mu.Unlock()
	<-h.gate
	for _, p := range batch {
		p.err = nil
	}
}

// commit starts a push of tag and returns a channel with its outcome.
func (h *queueHarness) commit(ctx context.Context, tag string) <-chan error {
	out := make(chan error, 1)
	go func() { out <- h.qs.commit("/k", &push{ctx: ctx, tag: tag}, h.apply) }()
	return out
}

// waitFor waits until cond holds (checked under the queues' lock).
func (h *queueHarness) waitFor(t *testing.T, cond func(q *pushQueue) bool) {
	t.Helper()
	for range 10000 {
		h.qs.mu.Lock()
		ok := cond(h.qs.m["/k"])
		h.qs.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
	t.Fatal("condition never held")
}

func (h *queueHarness) waitBatches(t *testing.T, n int) {
	t.Helper()
	for range 10000 {
		h.mu.Lock()
		got := len(h.batches)
		h.mu.Unlock()
		if got >= n {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
	t.Fatalf("never saw %d batches", n)
}

func pending(n int) func(q *pushQueue) bool {
	return func(q *pushQueue) bool { return q != nil && len(q.pending) == n }
}

// TestPushQueueBatches: pushes that arrive while a batch is written are
// written together next, in arrival order, and every caller learns its
// outcome.
func TestPushQueueBatches(t *testing.T) {
	ctx := context.Background()
	h := newQueueHarness()
	a := h.commit(ctx, "a")
	h.waitBatches(t, 1)
	b := h.commit(ctx, "b")
	h.waitFor(t, pending(1))
	c := h.commit(ctx, "c")
	h.waitFor(t, pending(2))
	d := h.commit(ctx, "d")
	h.waitFor(t, pending(3))
	h.gate <- struct{}{} // a's batch ends; b leads b, c, d
	h.waitBatches(t, 2)
	h.gate <- struct{}{}
	for i, ch := range []<-chan error{a, b, c, d} {
		if err := <-ch; err != nil {
			t.Errorf("push %d: %v", i, err)
		}
	}
	if diff := cmp.Diff([][]string{{"a"}, {"b", "c", "d"}}, h.batches); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
	if len(h.qs.m) != 0 {
		t.Errorf("queues left behind: %v", h.qs.m)
	}
}

// TestPushQueueCancel: a push that gives up while queued leaves the queue;
// one already in a batch gets the batch's outcome; the batch's context
// ends only when every push of the batch has given up.
func TestPushQueueCancel(t *testing.T) {
	h := newQueueHarness()
	a := h.commit(context.Background(), "a")
	h.waitBatches(t, 1)

	quitter, quit := context.WithCancel(context.Background())
	q := h.commit(quitter, "quitter")
	h.waitFor(t, pending(1))
	ctxB, cancelB := context.WithCancel(context.Background())
	ctxC, cancelC := context.WithCancel(context.Background())
	b := h.commit(ctxB, "b")
	h.waitFor(t, pending(2))
	c := h.commit(ctxC, "c")
	h.waitFor(t, pending(3))
	quit()
	if err := <-q; !errors.Is(err, context.Canceled) {
		t.Errorf("push canceled while queued: %v", err)
	}
	h.waitFor(t, pending(2))

	h.gate <- struct{}{} // b leads b and c
	h.waitBatches(t, 2)
	batchCtx := h.ctxs[1]
	cancelB()
	if err := batchCtx.Err(); err != nil {
		t.Errorf("batch context ended when one of two pushes gave up: %v", err)
	}
	cancelC()
	<-batchCtx.Done() // both gave up
	h.gate <- struct{}{}
	if err := <-a; err != nil {
		t.Errorf("push a: %v", err)
	}
	for _, ch := range []<-chan error{b, c} {
		if err := <-ch; err != nil {
			t.Errorf("push taken into a batch: %v, want the batch's outcome", err)
		}
	}
	if diff := cmp.Diff([][]string{{"a"}, {"b", "c"}}, h.batches); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
}

// TestPushQueueCanceledLeader: a push told to lead after its context ended
// still writes the others' events.
func TestPushQueueCanceledLeader(t *testing.T) {
	h := newQueueHarness()
	a := h.commit(context.Background(), "a")
	h.waitBatches(t, 1)
	ctxB, cancelB := context.WithCancel(context.Background())
	b := h.commit(ctxB, "b")
	h.waitFor(t, pending(1))
	c := h.commit(context.Background(), "c")
	h.waitFor(t, pending(2))
	cancelB()
	// b may see its cancellation before or after it is told to lead; if
	// after, it leads the next batch without its own push. Either way it
	// gives up and c is written.
	h.gate <- struct{}{}
	h.waitBatches(t, 2)
	h.gate <- struct{}{}
	if err := <-b; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled push: %v", err)
	}
	for _, ch := range []<-chan error{a, c} {
		if err := <-ch; err != nil {
			t.Error(err)
		}
	}
	if diff := cmp.Diff([][]string{{"a"}, {"c"}}, h.batches); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
}

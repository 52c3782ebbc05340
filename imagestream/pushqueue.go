package imagestream

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/imagestreams/imagestreams/image"
)

// Concurrent pushes into one stream share writes (group commit). Every
// write stores the whole stream, so N pushes written one by one copy the
// stream N times, and pushes that race each other's compare-and-swap
// waste whole rounds. Instead, a push that finds another push of the same
// stream being written queues its tag event; when that write ends, the
// first queued push becomes the leader and writes every queued event in
// one revision, in arrival order, then hands over to the next. A lone
// push is its own leader and writes at once. For the callers nothing
// changes but speed: each push is applied exactly as if written alone
// (a batch that fails otherwise than by conflict is written again push
// by push, see applyPushes), and Create returns only once its event is
// stored (or has failed).

// push is one mapping's tag event waiting to be written.
type push struct {
	ctx  context.Context
	tag  string
	next image.TagEvent

	state pushState     // guarded by pushQueues.mu
	wake  chan struct{} // receives once: "lead" or "done"
	err   error         // the outcome; read after done

	// seen is the newest event of tag in the stream the current attempt
	// started from, for the conflict rule of SEMANTICS §6.2 step 6.
	seen *image.TagEvent
}

type pushState uint8

const (
	pushQueued  pushState = iota // waiting in the queue
	pushLeading                  // told to lead the next batch
	pushTaken                    // in a batch being written
	pushDone                     // err is final
)

// pushQueues holds the queue of each stream with pushes in flight.
type pushQueues struct {
	mu sync.Mutex
	m  map[string]*pushQueue // guarded by mu
}

type pushQueue struct {
	pending []*push // guarded by pushQueues.mu
	active  bool    // a leader is writing
	refs    int     // pushes in commit for this key
}

// commit writes p's event into stream ns/name, sharing the write with the
// pushes queued behind the one being written, and returns p's outcome.
// apply writes one batch and sets the err of each of its pushes.
func (qs *pushQueues) commit(key string, p *push, apply func(ctx context.Context, batch []*push)) error {
	p.wake = make(chan struct{}, 1)
	qs.mu.Lock()
	if qs.m == nil {
		qs.m = make(map[string]*pushQueue)
	}
	q := qs.m[key]
	if q == nil {
		q = &pushQueue{}
		qs.m[key] = q
	}
	q.refs++
	q.pending = append(q.pending, p)
	if q.active {
		qs.mu.Unlock()
		if done := qs.wait(q, p); done {
			return qs.leave(key, q, p)
		}
		qs.mu.Lock()
	}
	// p leads: write everything queued, p included.
	q.active = true
	batch := q.pending
	q.pending = nil
	for _, b := range batch {
		b.state = pushTaken
	}
	qs.mu.Unlock()

	live := batch[:0:0]
	for _, b := range batch {
		if err := b.ctx.Err(); err != nil {
			b.err = err // gave up before its turn came
			continue
		}
		live = append(live, b)
	}
	if len(live) > 0 {
		ctx, cancel := batchContext(live)
		apply(ctx, live)
		cancel()
	}

	qs.mu.Lock()
	for _, b := range batch {
		b.state = pushDone
		if b != p {
			b.wake <- struct{}{}
		}
	}
	if len(q.pending) > 0 {
		next := q.pending[0]
		next.state = pushLeading
		next.wake <- struct{}{}
	} else {
		q.active = false
	}
	qs.mu.Unlock()
	return qs.leave(key, q, p)
}

// wait blocks a queued push until it is done or must lead, and reports
// whether it is done. A push whose context ends while still queued leaves
// the queue; one already taken into a batch waits for the batch, which is
// short and bounded by the store's own timeouts.
func (qs *pushQueues) wait(q *pushQueue, p *push) (done bool) {
	select {
	case <-p.wake:
	case <-p.ctx.Done():
		qs.mu.Lock()
		if p.state == pushQueued {
			q.pending = slices.DeleteFunc(q.pending, func(x *push) bool { return x == p })
			p.state, p.err = pushDone, p.ctx.Err()
			qs.mu.Unlock()
			return true
		}
		qs.mu.Unlock()
		<-p.wake
	}
	qs.mu.Lock()
	defer qs.mu.Unlock()
	return p.state == pushDone
}

// leave drops p's reference to q and returns p's outcome.
func (qs *pushQueues) leave(key string, q *pushQueue, p *push) error {
	qs.mu.Lock()
	if q.refs--; q.refs == 0 {
		delete(qs.m, key)
	}
	qs.mu.Unlock()
	return p.err
}

// batchContext returns a context for writing batch that ends only when
// every push of the batch has given up (or the store's own deadline
// passes): one caller going away must not fail the pushes of others.
func batchContext(batch []*push) (context.Context, context.CancelFunc) {
	if len(batch) == 1 {
		return batch[0].ctx, func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(batch[0].ctx))
	var live atomic.Int64
	live.Store(int64(len(batch)))
	stops := make([]func() bool, len(batch))
	for i, b := range batch {
		stops[i] = context.AfterFunc(b.ctx, func() {
			if live.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

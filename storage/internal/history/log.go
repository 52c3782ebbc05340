package history

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/imagestreams/imagestreams/storage"
)

// Log is a bounded, revision-ordered log of events. Its methods are safe for
// concurrent use.
type Log struct {
	maxEvents int   // upper bound of the number of events, fixed by New
	maxBytes  int64 // upper bound of bytes, fixed by New

	// waiting is set by a watcher that found nothing new and is about to
	// wait on notify. It is atomic because watchers set it under mu's read
	// lock, while Append reads and clears it under the write lock.
	waiting atomic.Bool

	mu sync.RWMutex
	// The fields below are guarded by mu.
	ring      []storage.Event // circular buffer; grows up to maxEvents
	start     int             // index in ring of the oldest event
	n         int             // number of events in ring
	bytes     int64           // sum of size() over the events in ring
	head      int64           // revision of the newest event, or the initial revision
	compacted int64           // every event at or below this revision is gone
	notify    chan struct{}   // closed and replaced by Append when waiting is set
	closed    bool
}

// New returns an empty log that keeps at most maxEvents events (at least
// one) whose keys and values add up to at most maxBytes (except that the
// newest event is always kept, whatever its size). rev is the store's
// current revision: watches may start from it, and not below it, since the
// log has none of the events before it.
func New(maxEvents int, maxBytes int64, rev int64) *Log {
	return &Log{
		maxEvents: max(maxEvents, 1),
		maxBytes:  maxBytes,
		head:      rev,
		compacted: rev,
		notify:    make(chan struct{}),
	}
}

// size is what an event counts against the byte bound: its key and value.
// PrevValue is not counted: it is the value of an older event, or of the
// version the store keeps anyway.
func size(ev *storage.Event) int64 { return int64(len(ev.Key) + len(ev.Value)) }

// Append adds ev, whose ResourceVersion must be greater than that of every
// event appended before. To stay within its bounds it first evicts its
// oldest events, calling evict (if not nil) for each in order, so the
// caller can drop what only those revisions needed.
func (l *Log) Append(ev storage.Event, evict func(storage.Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sz := size(&ev)
	for l.n > 0 && (l.n >= l.maxEvents || l.bytes+sz > l.maxBytes) {
		l.evictOldest(evict)
	}
	if l.n == len(l.ring) {
		l.grow()
	}
	l.ring[l.wrap(l.start+l.n)] = ev
	l.n++
	l.bytes += sz
	l.head = ev.ResourceVersion
	if l.waiting.Load() {
		close(l.notify)
		l.notify = make(chan struct{})
		l.waiting.Store(false)
	}
}

// evictOldest removes the oldest event, which must exist, and makes its
// revision the compacted one.
func (l *Log) evictOldest(evict func(storage.Event)) {
	ev := l.at(0)
	if evict != nil {
		evict(*ev)
	}
	l.compacted = ev.ResourceVersion
	l.bytes -= size(ev)
	*ev = storage.Event{}
	l.start = l.wrap(l.start + 1)
	l.n--
}

// grow enlarges the ring, keeping its events in order from index 0. Growing
// on demand keeps a store with little traffic from paying for the full
// capacity up front.
func (l *Log) grow() {
	ring := make([]storage.Event, min(max(2*len(l.ring), 64), l.maxEvents))
	for i := range l.n {
		ring[i] = l.ring[l.wrap(l.start+i)]
	}
	l.ring, l.start = ring, 0
}

// wrap maps a logical ring position to an index in ring.
func (l *Log) wrap(i int) int {
	if i >= len(l.ring) {
		i -= len(l.ring)
	}
	return i
}

// at returns the i-th oldest event.
func (l *Log) at(i int) *storage.Event { return &l.ring[l.wrap(l.start+i)] }

// after returns the position of the first event with a revision above rv.
func (l *Log) after(rv int64) int {
	if l.n == 0 || l.at(l.n-1).ResourceVersion <= rv {
		return l.n
	}
	return sort.Search(l.n, func(i int) bool { return l.at(i).ResourceVersion > rv })
}

// Compact evicts every event at or below rv, calling evict for each in
// order, and makes rv the compacted revision. Compacting to or below the
// current compacted revision does nothing; rv is capped at the newest
// revision, as nothing beyond it exists to compact.
func (l *Log) Compact(rv int64, evict func(storage.Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rv = min(rv, l.head)
	if rv <= l.compacted {
		return
	}
	for l.n > 0 && l.at(0).ResourceVersion <= rv {
		l.evictOldest(evict)
	}
	l.compacted = rv
}

// Compacted returns the compacted revision: watches and snapshots must
// start at or above it.
func (l *Log) Compacted() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.compacted
}

// Close ends every watch with an Error event wrapping storage.ErrClosed
// and makes later watches fail. It is idempotent.
func (l *Log) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	close(l.notify)
	// A fresh channel keeps a stray Append after Close from closing
	// notify twice.
	l.notify = make(chan struct{})
	l.waiting.Store(false)
}

// tooOld is the error of a watch whose cursor the log has evicted past.
func tooOld(prefix string, rv, compacted int64) error {
	return &storage.KeyError{Op: "watch", Key: prefix, Err: fmt.Errorf("%w: revision %d is older than the oldest revision kept, %d", storage.ErrTooOld, rv, compacted)}
}

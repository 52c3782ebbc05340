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
	ring      []entry       // circular buffer; grows up to maxEvents
	start     int           // index in ring of the oldest event
	n         int           // number of events in ring
	bytes     int64         // sum of size() over the events in ring
	head      int64         // revision of the newest event, or the initial revision
	compacted int64         // every event at or below this revision is gone
	notify    chan struct{} // closed and replaced by Append when waiting is set
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

// entry is one event of the log. A value held as Parts stays in value or
// prev, with the event's Value or PrevValue nil, until a watch delivers the
// event: an event no watch reads is never joined.
type entry struct {
	ev    storage.Event
	value *Parts // when not nil, ev.Value
	prev  *Parts // when not nil, ev.PrevValue
}

// event returns the event with its values joined. It may take as long as
// joining a large value, so watches call it without holding the log's lock.
func (e *entry) event() storage.Event {
	ev := e.ev
	if e.value != nil {
		ev.Value = e.value.Bytes()
	}
	if e.prev != nil {
		ev.PrevValue = e.prev.Bytes()
	}
	return ev
}

// size is what an entry counts against the byte bound: its key and value,
// a value in parts counting as its joined length. PrevValue is not counted:
// it is the value of an older event, or of the version the store keeps
// anyway.
func (e *entry) size() int64 {
	if e.value != nil {
		return int64(len(e.ev.Key) + e.value.Len())
	}
	return int64(len(e.ev.Key) + len(e.ev.Value))
}

// Append adds ev, whose ResourceVersion must be greater than that of every
// event appended before. To stay within its bounds it first evicts its
// oldest events, calling evict (if not nil) for each in order, so the
// caller can drop what only those revisions needed.
func (l *Log) Append(ev storage.Event, evict func(storage.Event)) {
	l.AppendParts(ev, nil, nil, evict)
}

// AppendParts is Append for an event whose Value, PrevValue or both are
// held as Parts: a non-nil value stands for ev.Value, and a non-nil prev
// for ev.PrevValue, which must then be nil. The log joins them only when a
// watch delivers the event, and counts a value in parts against its byte
// bound as a plain value of the same length. evict receives the event as
// appended, without the values held as Parts.
func (l *Log) AppendParts(ev storage.Event, value, prev *Parts, evict func(storage.Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := entry{ev: ev, value: value, prev: prev}
	sz := e.size()
	for l.n > 0 && (l.n >= l.maxEvents || l.bytes+sz > l.maxBytes) {
		l.evictOldest(evict)
	}
	if l.n == len(l.ring) {
		l.grow()
	}
	l.ring[l.wrap(l.start+l.n)] = e
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
	e := l.at(0)
	if evict != nil {
		evict(e.ev)
	}
	l.compacted = e.ev.ResourceVersion
	l.bytes -= e.size()
	*e = entry{}
	l.start = l.wrap(l.start + 1)
	l.n--
}

// grow enlarges the ring, keeping its events in order from index 0. Growing
// on demand keeps a store with little traffic from paying for the full
// capacity up front.
func (l *Log) grow() {
	ring := make([]entry, min(max(2*len(l.ring), 64), l.maxEvents))
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

// at returns the i-th oldest entry.
func (l *Log) at(i int) *entry { return &l.ring[l.wrap(l.start+i)] }

// after returns the position of the first event with a revision above rv.
func (l *Log) after(rv int64) int {
	if l.n == 0 || l.at(l.n-1).ev.ResourceVersion <= rv {
		return l.n
	}
	return sort.Search(l.n, func(i int) bool { return l.at(i).ev.ResourceVersion > rv })
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
	for l.n > 0 && l.at(0).ev.ResourceVersion <= rv {
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

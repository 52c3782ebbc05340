package history

import (
	"context"
	"strings"

	"github.com/imagestreams/imagestreams/storage"
)

const (
	// chanBuffer lets a consumer lag a little behind without parking the
	// watch goroutine on every send.
	chanBuffer = 64
	// maxBatch and maxScan bound how long a watch holds the log's read lock
	// and how many events it copies at once, so a watch starting far back
	// or filtering a busy log does not stall writers.
	maxBatch = 256
	maxScan  = 4096
)

// Watch streams the events for keys under prefix with a revision above rv
// (rv == 0: above the newest revision, that is from now on), in order. The
// channel is closed when ctx ends. A watch that falls behind the log's
// compacted revision, or is cut by Close, receives one Error event first.
// Watching from below the compacted revision fails at once with an error
// wrapping storage.ErrTooOld. Prefix must have been validated by the caller.
func (l *Log) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	switch {
	case l.closed:
		return nil, &storage.KeyError{Op: "watch", Key: prefix, Err: storage.ErrClosed}
	case rv == 0:
		rv = l.head
	case rv < l.compacted:
		return nil, tooOld(prefix, rv, l.compacted)
	}
	ch := make(chan storage.Event, chanBuffer)
	go l.serve(ctx, prefix, rv, ch)
	return ch, nil
}

// serve feeds one watch until ctx ends or the watch must stop.
func (l *Log) serve(ctx context.Context, prefix string, cursor int64, ch chan<- storage.Event) {
	defer close(ch)
	var batch []entry
	for ctx.Err() == nil {
		var wait <-chan struct{}
		var err error
		batch, cursor, wait, err = l.collect(prefix, cursor, batch[:0])
		for i := range batch {
			select {
			case ch <- batch[i].event():
			case <-ctx.Done():
				return
			}
			// Drop our reference so a delivered value can be collected
			// once the store has moved on.
			batch[i] = entry{}
		}
		if err != nil {
			select {
			case ch <- storage.Event{Type: storage.Error, Key: prefix, Err: err}:
			case <-ctx.Done():
			}
			return
		}
		if wait != nil {
			select {
			case <-wait:
			case <-ctx.Done():
				return
			}
		}
	}
}

// collect appends to batch the events under prefix after cursor, up to the
// batch and scan bounds, and returns the new cursor: the revision of the
// last event examined. When there is nothing left to examine it returns a
// channel that the next Append closes. It copies entries, not events: the
// caller joins values held as Parts after the lock is released, so a large
// join never holds writers up.
func (l *Log) collect(prefix string, cursor int64, batch []entry) ([]entry, int64, <-chan struct{}, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	switch {
	case l.closed:
		return batch, cursor, nil, &storage.KeyError{Op: "watch", Key: prefix, Err: storage.ErrClosed}
	case cursor < l.compacted:
		return batch, cursor, nil, tooOld(prefix, cursor, l.compacted)
	}
	i := l.after(cursor)
	for end := min(l.n, i+maxScan); i < end && len(batch) < maxBatch; i++ {
		e := l.at(i)
		cursor = e.ev.ResourceVersion
		if strings.HasPrefix(e.ev.Key, prefix) {
			batch = append(batch, *e)
		}
	}
	if i == l.n && len(batch) == 0 {
		l.waiting.Store(true)
		return batch, cursor, l.notify, nil
	}
	return batch, cursor, nil, nil
}

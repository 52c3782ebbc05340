package bolt

import (
	"context"
	"fmt"
	"strings"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	bbolt "go.etcd.io/bbolt"
)

const (
	// chanBuffer lets a consumer lag a little without parking the watch
	// goroutine on every send.
	chanBuffer = 64
	// maxBatch and maxScan bound the events a watch copies and the log
	// entries it examines per read transaction, so a watch that starts far
	// back holds neither memory nor a transaction for long.
	maxBatch = 256
	maxScan  = 4096
)

// Watch streams the changes under prefix after revision rv (rv == 0: after
// the current revision), read from the log in revision order. A revision
// older than the history fails at once with ErrTooOld; a watch that falls
// so far behind that the history drops revisions it has not sent ends with
// an Error event wrapping ErrTooOld, as does every watch at Close with
// ErrClosed.
//
// Watches do not slow writers down: a writer only wakes them after its
// commit, and each watch reads the committed log at its own pace. The log
// is in the file, so a watch can resume from a revision seen before a
// restart.
func (s *Store) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, &storage.KeyError{Op: "watch", Key: prefix, Err: err}
	}
	if s.closed.Load() {
		return nil, &storage.KeyError{Op: "watch", Key: prefix, Err: storage.ErrClosed}
	}
	if err := validate.Prefix("watch", prefix); err != nil {
		return nil, err
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		rev, compacted, err := revisions(tx)
		switch {
		case err != nil:
			return err
		case rv == 0:
			rv = rev
		case rv < compacted:
			return tooOld(rv, compacted)
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap("watch", prefix, err)
	}
	ch := make(chan storage.Event, chanBuffer)
	go s.serve(ctx, prefix, rv, ch)
	return ch, nil
}

// serve feeds one watch until ctx ends, the store closes or the history
// overtakes it.
func (s *Store) serve(ctx context.Context, prefix string, cursor int64, ch chan<- storage.Event) {
	defer close(ch)
	var batch []storage.Event
	for {
		// Ask to be woken before reading, so that a commit landing
		// after the read still wakes us.
		wake := s.notify.wait()
		var err error
		var examined bool
		batch, cursor, examined, err = s.collect(prefix, cursor, batch[:0])
		for i := range batch {
			select {
			case ch <- batch[i]:
			case <-ctx.Done():
				return
			}
			batch[i] = storage.Event{} // let a delivered value be collected
		}
		if err != nil {
			select {
			case ch <- storage.Event{Type: storage.Error, Key: prefix, Err: s.wrap("watch", prefix, err)}:
			case <-ctx.Done():
			}
			return
		}
		if examined {
			continue
		}
		select {
		case <-wake:
		case <-s.done:
		case <-ctx.Done():
			return
		}
	}
}

// collect appends the events under prefix after cursor, within the batch
// and scan bounds, and returns the new cursor: the revision of the last
// entry examined. examined is false when there was nothing after cursor.
func (s *Store) collect(prefix string, cursor int64, batch []storage.Event) (_ []storage.Event, _ int64, examined bool, _ error) {
	if s.closed.Load() {
		return batch, cursor, false, storage.ErrClosed
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		_, compacted, err := revisions(tx)
		if err != nil {
			return err
		}
		if cursor < compacted {
			return tooOld(cursor, compacted)
		}
		c := tx.Bucket(bucketLog).Cursor()
		n := 0
		for k, raw := c.Seek(u64(cursor + 1)); k != nil && n < maxScan && len(batch) < maxBatch; k, raw = c.Next() {
			rev, err := readU64(k)
			if err != nil {
				return err
			}
			e, err := decodeEntry(raw)
			if err != nil {
				return err
			}
			cursor, examined = rev, true
			n++
			if strings.HasPrefix(string(e.key), prefix) {
				batch = append(batch, e.event(rev))
			}
		}
		return nil
	})
	return batch, cursor, examined, err
}

// tooOld is the error of a watch from before the history.
func tooOld(rv, compacted int64) error {
	return fmt.Errorf("%w: revision %d is older than the oldest kept, %d", storage.ErrTooOld, rv, compacted)
}

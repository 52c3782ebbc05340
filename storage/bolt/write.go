package bolt

import (
	"bytes"
	"context"
	"errors"

	"github.com/imagestreams/imagestreams/storage"

	bbolt "go.etcd.io/bbolt"
)

// current is the state of a key inside a write transaction. value aliases
// the database page: copy it before the transaction ends.
type current struct {
	exists bool
	rev    int64
	value  []byte
}

// change is what a write does to its key.
type change struct {
	del   bool
	value []byte // for a put
}

// decideFunc looks at a key inside the write transaction and returns the
// change to make, or an error that rolls the transaction back.
type decideFunc func(cur current) (change, error)

// write applies one change to key: decide sees the key's current state
// inside the write transaction, and its change is applied and logged at
// the next revision. It returns that revision. Watches are woken after
// the commit, so they never see a revision that did not commit.
//
// Writes go through the store's committer goroutine, which runs every
// write queued while the previous transaction committed in one
// transaction (group commit): concurrent writers share one fsync, and a
// lone writer waits for nobody.
func (s *Store) write(ctx context.Context, key string, decide decideFunc) (int64, error) {
	r := &request{ctx: ctx, key: key, decide: decide}
	if err := s.do(r); err != nil {
		return 0, err
	}
	return r.rev, r.err
}

// do hands r to the committer and waits for its outcome. While a commit
// is in progress the committer takes no request, so ctx bounds that wait;
// a request the committer has taken but not yet run is skipped if ctx has
// ended by then. Once the committer has it, do waits for the outcome even
// if ctx ends: the request may already be in a transaction that commits,
// and returning ctx's error then would tell the caller a write failed that
// in fact happened. It returns an error only when r was never taken.
func (s *Store) do(r *request) error {
	r.done = make(chan struct{})
	select {
	case s.queue <- r:
	case <-s.done:
		return storage.ErrClosed
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	<-r.done
	return nil
}

// request is one write, or one compaction, waiting for the committer.
type request struct {
	ctx    context.Context
	key    string
	decide decideFunc
	// compact, when > 0, makes the request a compaction to that revision
	// (see Compact) instead of a write.
	compact int64
	// Set by the committer before it closes done.
	rev  int64
	err  error
	done chan struct{}
}

// maxGroup bounds the writes of one transaction, so that a flood of
// writers still gets answers in bounded time.
const maxGroup = 256

// commitLoop is the committer goroutine: it takes a request, adds whatever
// else is already queued, and commits them together, until Close.
func (s *Store) commitLoop() {
	defer close(s.stopped)
	batch := make([]*request, 0, maxGroup)
	for {
		select {
		case r := <-s.queue:
			batch = append(batch[:0], r)
		case <-s.done:
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.commit(batch)
		for i, r := range batch {
			close(r.done)
			batch[i] = nil
		}
	}
}

// commit runs batch in one transaction. A request whose context has
// ended, or whose decide fails, gets that error and changes nothing; if
// the transaction itself fails, every request gets its error, as none of
// them happened.
func (s *Store) commit(batch []*request) {
	var applied bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		rev, _, err := revisions(tx)
		if err != nil {
			return err
		}
		var compacted bool
		for _, r := range batch {
			if err := r.ctx.Err(); err != nil {
				// Its deadline or cancellation came while it waited
				// for this transaction: the caller expects no write.
				r.err = err
				continue
			}
			if r.compact > 0 {
				ok, err := compact(tx, r, rev)
				if err != nil {
					return err
				}
				compacted = compacted || ok
				continue
			}
			ok, err := apply(tx, r, rev+1)
			switch {
			case err != nil:
				return err
			case ok:
				rev++
				r.rev = rev
				applied = true
			}
		}
		if !applied {
			if compacted {
				return nil
			}
			// bbolt would write and fsync its meta page even for an
			// empty transaction; rolling back is free.
			return errNoChange
		}
		if err := tx.Bucket(bucketMeta).Put(metaRev, u64(rev)); err != nil {
			return err
		}
		return s.trim(tx, rev)
	})
	switch {
	case errors.Is(err, errNoChange):
	case err != nil:
		for _, r := range batch {
			r.rev, r.err = 0, err
		}
	default:
		s.notify.broadcast()
	}
}

// errNoChange rolls back a batch in which every request failed.
var errNoChange = errors.New("bolt: nothing to commit")

// apply runs one request inside the batch transaction at revision rev. It
// reports whether the request wrote; a decide error is the request's own
// and is stored in it, other errors fail the transaction.
func apply(tx *bbolt.Tx, r *request, rev int64) (bool, error) {
	kv := tx.Bucket(bucketKV)
	k := []byte(r.key)
	var cur current
	if raw := kv.Get(k); raw != nil {
		rv, v, err := decodeRecord(raw)
		if err != nil {
			return false, err
		}
		cur = current{exists: true, rev: rv, value: v}
	}
	ch, err := r.decide(cur)
	if err != nil {
		r.err = err
		return false, nil
	}
	e := entry{kind: entryPut, key: k, value: ch.value}
	if ch.del {
		e.kind, e.value = entryDelete, nil
	}
	if cur.exists {
		e.prevRev, e.prev = cur.rev, cur.value
	}
	// Encode the log entry before kv changes, while cur.value surely
	// still points at the old record.
	logValue := appendEntry(make([]byte, 0, entrySize(e)), e)
	if ch.del {
		err = kv.Delete(k)
	} else {
		err = kv.Put(k, encodeRecord(rev, ch.value))
	}
	if err != nil {
		return false, err
	}
	return true, tx.Bucket(bucketLog).Put(u64(rev), logValue)
}

// trim drops the log entries beyond the history bound at revision rev,
// advancing the compacted revision.
func (s *Store) trim(tx *bbolt.Tx, rev int64) error {
	return compactTo(tx, rev-s.history)
}

// compactTo deletes every log entry at or below rv and makes rv the
// compacted revision. It does nothing if rv is not above the current one.
func compactTo(tx *bbolt.Tx, rv int64) error {
	_, compacted, err := revisions(tx)
	if err != nil || rv <= compacted {
		return err
	}
	c := tx.Bucket(bucketLog).Cursor()
	end := u64(rv)
	for k, _ := c.First(); k != nil && bytes.Compare(k, end) <= 0; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(metaCompacted, u64(rv))
}

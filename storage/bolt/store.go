package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagestreams/imagestreams/internal/keylock"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DefaultHistory is the number of revisions a Store keeps when
// Options.History is not set: the same as storage/memory, enough for
// watchers and paginated lists to ride out a burst of thousands of writes.
// Each kept revision costs its new and previous value on disk.
const DefaultHistory = 10000

// DefaultTimeout is how long Open waits for the file lock another process
// holds when Options.Timeout is not set.
const DefaultTimeout = time.Second

// initialRevision is the revision of a new, empty store, as in
// storage/memory and etcd: a list of an empty store reports 1, and a watch
// from 1 sees the first write.
const initialRevision = 1

// Options configures Open. The zero value is the safe default.
type Options struct {
	// NoSync skips the fsync after each commit. Writes become several times
	// faster and a process crash loses nothing, but a machine crash or
	// power loss may lose recent commits or corrupt the file. It suits
	// tests, caches and bulk loads that can be redone.
	NoSync bool
	// History is the number of most recent revisions kept in the file for
	// watches and continued lists (including across a restart); older
	// ones fail with storage.ErrTooOld. <= 0 means DefaultHistory.
	History int
	// Timeout bounds the wait for the file lock when another process has
	// the file open; <= 0 means DefaultTimeout.
	Timeout time.Duration
	// Mode is the permission of a newly created file; 0 means 0600.
	Mode os.FileMode
}

// Store is a storage.Interface persisted in one bbolt file. It is safe for
// concurrent use; only one Store (in one process) can have a file open.
type Store struct {
	db      *bbolt.DB
	history int64
	notify  notifier
	closed  atomic.Bool
	// done is closed by Close to end the watches and the committer.
	done      chan struct{}
	closeOnce sync.Once
	// queue feeds the committer goroutine (see write), which closes
	// stopped when it exits.
	queue   chan *request
	stopped chan struct{}
	// locks serialize GuaranteedUpdate per key.
	locks keylock.Locks
}

var (
	_ storage.Interface         = (*Store)(nil)
	_ storage.GuaranteedUpdater = (*Store)(nil)
	_ storage.Compactor         = (*Store)(nil)
)

// Open opens the store in the file at path, creating it if needed. A file
// written by an earlier Store resumes at its last revision, with the
// history it kept.
func Open(path string, opts Options) (*Store, error) {
	if opts.History <= 0 {
		opts.History = DefaultHistory
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Mode == 0 {
		opts.Mode = 0o600
	}
	db, err := bbolt.Open(path, opts.Mode, &bbolt.Options{
		Timeout: opts.Timeout,
		NoSync:  opts.NoSync,
		// The map freelist keeps commits fast as the file grows.
		FreelistType: bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:      db,
		history: int64(opts.History),
		done:    make(chan struct{}),
		queue:   make(chan *request),
		stopped: make(chan struct{}),
	}
	s.notify.init()
	if err := db.Update(s.setup); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	go s.commitLoop()
	return s, nil
}

// setup creates the buckets of a new file, checks the format of an old
// one, and trims a history kept under a larger Options.History.
func (s *Store) setup(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketKV, bucketLog} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	if f := meta.Get(metaFormat); f != nil {
		v, err := readU64(f)
		if err != nil {
			return err
		}
		if v != formatVersion {
			return fmt.Errorf("%w: format version %d, want %d", errCorrupt, v, formatVersion)
		}
		rev, _, err := revisions(tx)
		if err != nil {
			return err
		}
		return s.trim(tx, rev)
	}
	for k, v := range map[string]int64{string(metaFormat): formatVersion, string(metaRev): initialRevision, string(metaCompacted): initialRevision} {
		if err := meta.Put([]byte(k), u64(v)); err != nil {
			return err
		}
	}
	return nil
}

// revisions returns the current and the compacted revision.
func revisions(tx *bbolt.Tx) (rev, compacted int64, err error) {
	meta := tx.Bucket(bucketMeta)
	if rev, err = readU64(meta.Get(metaRev)); err != nil {
		return 0, 0, err
	}
	if compacted, err = readU64(meta.Get(metaCompacted)); err != nil {
		return 0, 0, err
	}
	return rev, compacted, nil
}

// Close ends every watch with an Error event wrapping storage.ErrClosed,
// waits for the writes in progress and closes the file. Later calls fail
// with storage.ErrClosed. Close is idempotent.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.done)
		<-s.stopped
		err = s.db.Close()
	})
	return err
}

// check fails on a cancelled context, after Close and on an invalid key.
func (s *Store) check(ctx context.Context, op, key string) error {
	if err := ctx.Err(); err != nil {
		return &storage.KeyError{Op: op, Key: key, Err: err}
	}
	if s.closed.Load() {
		return &storage.KeyError{Op: op, Key: key, Err: storage.ErrClosed}
	}
	return validate.Key(op, key)
}

// wrap records the operation and key of a bbolt error, mapping the errors
// of a closed database to storage.ErrClosed. Errors of this package's own
// making (already wrapped) pass through.
func (s *Store) wrap(op, key string, err error) error {
	var ke *storage.KeyError
	var ce *storage.ConflictError
	switch {
	case errors.As(err, &ke), errors.As(err, &ce):
		return err
	case errors.Is(err, storage.ErrClosed):
	case s.closed.Load(), errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		err = fmt.Errorf("%w: %w", storage.ErrClosed, err)
	}
	return &storage.KeyError{Op: op, Key: key, Err: err}
}

// notifier wakes the watches waiting for a commit. Writers only take its
// lock, and only allocate when a watch is waiting.
type notifier struct {
	mu      sync.Mutex
	ch      chan struct{} // closed and replaced by broadcast when waiting
	waiting bool
}

func (n *notifier) init() { n.ch = make(chan struct{}) }

// wait returns a channel closed by the next broadcast. Call it before
// looking for new revisions, so a commit in between is not missed.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.waiting = true
	return n.ch
}

// broadcast wakes every waiting watch; writers call it after each commit.
func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.waiting {
		close(n.ch)
		n.ch = make(chan struct{})
		n.waiting = false
	}
}

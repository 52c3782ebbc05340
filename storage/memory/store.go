package memory

import (
	"context"
	"fmt"
	"sync"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
)

// Defaults of the history bounds. A Store keeps at most DefaultHistory
// events, enough for watchers and paginated lists to ride out a burst of
// thousands of writes, and at most DefaultHistoryBytes of keys and values in
// them, so that a burst of large objects cannot pin gigabytes of old
// values (10,000 events of 1.5 MiB would be 15 GiB).
//
// The byte bound is what a store of large objects actually keeps, and it
// costs twice: the memory itself, and the speed of every write, which
// fills fresh memory while the old values wait out the history. 16 MiB
// holds hundreds of writes of a large image stream; with 64 MiB, pushes
// into a 10-tag stream ran about 20% slower (BenchmarkImageStreamMapping
// in package imagestream). Raise it with WithHistoryBytes for watchers
// that fall far behind or lists paged slowly under heavy writes; past the
// bound they get storage.ErrTooOld and list again, as Kubernetes clients
// do after an etcd compaction.
const (
	DefaultHistory      = 10000
	DefaultHistoryBytes = 16 << 20
)

// Compile-time checks of the interfaces a Store implements.
var (
	_ storage.Interface         = (*Store)(nil)
	_ storage.GuaranteedUpdater = (*Store)(nil)
	_ storage.Compactor         = (*Store)(nil)
)

// Store is an in-memory storage.Interface. Its methods are safe for
// concurrent use. The zero value is not usable; call New.
type Store struct {
	// log is the watch history; it has its own lock, taken after mu when
	// both are needed, so watchers never wait for list or get readers.
	log *history.Log
	// forgetFn is s.forget, bound once so that writes do not allocate a
	// method value.
	forgetFn func(storage.Event)
	// tokens lists, in increasing order, the snapshot revisions continue
	// tokens have been issued for since the oldest one still kept. A
	// version superseded after the newest of them no page chain can ask
	// for, so a write drops it at once instead of waiting for the
	// history to move on. Only the listed snapshots, and the current
	// revision, are whole: a token for any other (made by hand, or by
	// another store) is refused rather than answered with a page that
	// misses objects. Lists append under mu's read lock, hence tokensMu;
	// writers read it under mu's write lock, when no list runs, so they
	// see every token issued before them.
	tokensMu sync.Mutex
	tokens   []int64

	mu sync.RWMutex
	// The fields below are guarded by mu.
	rev       int64              // revision of the last write
	compacted int64              // snapshots below this revision are gone
	records   map[string]*record // every key with a version a snapshot may need
	index     index              // the keys of records, in order
	closed    bool
}

// Option configures a Store.
type Option func(*options)

type options struct {
	history      int
	historyBytes int64
}

// WithHistory sets how many events the Store keeps for watches and list
// snapshots (see the package documentation); n <= 0 means DefaultHistory.
func WithHistory(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.history = n
		}
	}
}

// WithHistoryBytes bounds the keys and values of the events the Store
// keeps; n <= 0 means DefaultHistoryBytes. The newest event is kept
// whatever its size.
func WithHistoryBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.historyBytes = n
		}
	}
}

// initialRevision is the revision of a new, empty Store. It is 1, not 0, as
// in etcd: a list of an empty store reports revision 1, and a watch from 1
// sees the first write, whereas a watch from 0 means "from now" and could
// miss a write made between the list and the watch.
const initialRevision = 1

// New returns an empty Store.
func New(opts ...Option) *Store {
	o := options{history: DefaultHistory, historyBytes: DefaultHistoryBytes}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Store{
		log:       history.New(o.history, o.historyBytes, initialRevision),
		rev:       initialRevision,
		compacted: initialRevision,
		records:   make(map[string]*record),
	}
	s.forgetFn = s.forget
	return s
}

// Get returns the current object at key.
func (s *Store) Get(ctx context.Context, key string) (storage.Object, error) {
	v, err := s.head(ctx, key)
	if err != nil {
		return storage.Object{}, err
	}
	return v.object(key), nil
}

// Revision returns the resourceVersion of the current object at key
// without reading its value, which for a value stored by UpdateParts and
// not yet read means without joining it. It fails as Get does, with a
// *storage.KeyError wrapping storage.ErrNotFound for a key that does not
// exist or was deleted. It serves callers that cache decoded objects and
// only need to know whether their copy is still current.
func (s *Store) Revision(ctx context.Context, key string) (int64, error) {
	v, err := s.head(ctx, key)
	if err != nil {
		return 0, err
	}
	return v.rev, nil
}

// head returns the current version of key for Get and Revision; its
// value is read, if at all, after the lock is released.
func (s *Store) head(ctx context.Context, key string) (version, error) {
	if err := check(ctx, "get", key); err != nil {
		return version{}, err
	}
	s.mu.RLock()
	v, ok := s.current(key)
	closed := s.closed
	s.mu.RUnlock()
	switch {
	case closed:
		return version{}, &storage.KeyError{Op: "get", Key: key, Err: storage.ErrClosed}
	case !ok:
		return version{}, &storage.KeyError{Op: "get", Key: key, Err: storage.ErrNotFound}
	}
	return v, nil
}

// current returns the version of key as of the last write, and false if
// the key does not exist. s.mu must be held; the version's value is read
// (see version.bytes) after releasing it.
func (s *Store) current(key string) (version, bool) {
	rec := s.records[key]
	if rec == nil {
		return version{}, false
	}
	v := rec.head()
	if v.deleted {
		return version{}, false
	}
	return v, true
}

// Compact discards the history at and below revision rv: watches from
// below rv and lists continued from a snapshot below rv then fail with
// storage.ErrTooOld. Compacting backwards does nothing; compacting beyond
// the current revision is an error. It implements storage.Compactor.
func (s *Store) Compact(ctx context.Context, rv int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return fmt.Errorf("compact: %w", storage.ErrClosed)
	case rv > s.rev:
		return fmt.Errorf("compact to revision %d: beyond the current revision %d", rv, s.rev)
	case rv <= s.compacted:
		return nil
	}
	s.log.Compact(rv, s.forgetFn)
	s.compacted = rv
	return nil
}

// forget drops what only the revisions up to ev's needed. It is called for
// each event the history evicts, in order, with s.mu held.
func (s *Store) forget(ev storage.Event) {
	s.compacted = ev.ResourceVersion
	rec := s.records[ev.Key]
	// The record may be younger than ev (the key was deleted and created
	// again); forget then keeps all of it, as its versions are all newer.
	if rec != nil && rec.forget(ev.ResourceVersion) {
		delete(s.records, ev.Key)
		s.index.remove(ev.Key)
	}
}

// Close ends every watch with an Error event wrapping storage.ErrClosed
// and makes every later call fail with it. Close is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.log.Close()
	s.records = nil
	s.index = index{}
	return nil
}

// check validates key for op and reports a context that has ended.
func check(ctx context.Context, op, key string) error {
	if err := validate.Key(op, key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &storage.KeyError{Op: op, Key: key, Err: err}
	}
	return nil
}

// checkPrefix is check for list and watch prefixes.
func checkPrefix(ctx context.Context, op, prefix string) error {
	if err := validate.Prefix(op, prefix); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &storage.KeyError{Op: op, Key: prefix, Err: err}
	}
	return nil
}

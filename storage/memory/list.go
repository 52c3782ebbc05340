package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
	"github.com/imagestreams/imagestreams/storage/internal/history"
)

// List returns the objects under prefix, sorted by key. The first page is
// read at the current revision; the pages that follow a continue token are
// read at the same revision, as long as the history still covers it (see
// the package documentation), and fail with storage.ErrTooOld after that.
func (s *Store) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	if err := checkPrefix(ctx, "list", prefix); err != nil {
		return storage.ListResult{}, err
	}
	var snapshot int64
	from := prefix
	if opts.Continue != "" {
		rv, after, err := continuetoken.Decode(opts.Continue, prefix)
		if err != nil {
			return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: err}
		}
		// No key holds a NUL byte, so the first key after "after" is the
		// first key at or above after+"\x00".
		snapshot, from = rv, after+"\x00"
	}

	res, joins, err := s.list(prefix, from, snapshot, opts.Limit)
	// Values held in parts are joined after the lock is released, as a
	// join can take as long as copying the value.
	for _, j := range joins {
		res.Items[j.i].Value = j.parts.Bytes()
	}
	return res, err
}

// pendingJoin is an item of a list page whose value is held in parts.
type pendingJoin struct {
	i     int
	parts *history.Parts
}

// list reads a page of List under the read lock, leaving the values held
// in parts for the caller to join. A snapshot of 0 means the current
// revision.
func (s *Store) list(prefix, from string, snapshot, limit int64) (storage.ListResult, []pendingJoin, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case s.closed:
		return storage.ListResult{}, nil, &storage.KeyError{Op: "list", Key: prefix, Err: storage.ErrClosed}
	case snapshot == 0:
		snapshot = s.rev
	case snapshot < s.compacted:
		return storage.ListResult{}, nil, &storage.KeyError{Op: "list", Key: prefix, Err: fmt.Errorf("%w: snapshot %d of the continue token is older than the oldest revision kept, %d", storage.ErrTooOld, snapshot, s.compacted)}
	case snapshot > s.rev:
		return storage.ListResult{}, nil, &storage.KeyError{Op: "list", Key: prefix, Err: fmt.Errorf("%w: revision %d is in the future", storage.ErrInvalidToken, snapshot)}
	case snapshot < s.rev && !s.issued(snapshot):
		return storage.ListResult{}, nil, &storage.KeyError{Op: "list", Key: prefix, Err: fmt.Errorf("%w: this store issued no continue token for snapshot %d and has not kept its versions", storage.ErrTooOld, snapshot)}
	}

	res := storage.ListResult{ResourceVersion: snapshot}
	if limit > 0 {
		res.Items = make([]storage.Object, 0, min(limit, 1024))
	}
	var joins []pendingJoin
	for e := range s.index.ascend(from, prefix) {
		v, ok := e.rec.at(snapshot)
		if !ok {
			continue
		}
		if limit > 0 && int64(len(res.Items)) == limit {
			res.Continue = continuetoken.Encode(snapshot, prefix, res.Items[len(res.Items)-1].Key)
			s.issue(snapshot)
			break
		}
		if v.parts != nil {
			joins = append(joins, pendingJoin{len(res.Items), v.parts})
		}
		res.Items = append(res.Items, storage.Object{Key: e.key, Value: v.value, ResourceVersion: v.rev})
	}
	return res, joins, nil
}

// issue records that a continue token for snapshot rv exists, so that
// writers keep the versions it may read and later pages may read them. It
// is called with s.mu read-locked.
func (s *Store) issue(rv int64) {
	s.tokensMu.Lock()
	defer s.tokensMu.Unlock()
	// Snapshots below the oldest revision kept fail as too old before
	// they are looked up: forget them. New snapshots are the current
	// revision, which only grows, so the list stays sorted.
	i, _ := slices.BinarySearch(s.tokens, s.compacted)
	s.tokens = s.tokens[i:]
	if n := len(s.tokens); n == 0 || s.tokens[n-1] < rv {
		s.tokens = append(s.tokens, rv)
	}
}

// issued reports whether a continue token for snapshot rv was issued.
// It is called with s.mu read-locked.
func (s *Store) issued(rv int64) bool {
	s.tokensMu.Lock()
	defer s.tokensMu.Unlock()
	_, ok := slices.BinarySearch(s.tokens, rv)
	return ok
}

// newestToken returns the newest snapshot a continue token was issued
// for, 0 if none. It is called with s.mu write-locked, so no list is
// appending to s.tokens.
func (s *Store) newestToken() int64 {
	if n := len(s.tokens); n > 0 {
		return s.tokens[n-1]
	}
	return 0
}

// Watch streams the changes under prefix after revision rv (0: from now
// on). Events come from the Store's history: watching from a revision the
// history no longer covers fails with storage.ErrTooOld, and a watcher that
// falls behind by more than the history receives an Error event wrapping
// storage.ErrTooOld, after every event it had not yet missed, and its
// channel is closed. Writers never wait for watchers.
func (s *Store) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	if err := checkPrefix(ctx, "watch", prefix); err != nil {
		return nil, err
	}
	return s.log.Watch(ctx, prefix, rv)
}

package memory

import (
	"context"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
)

// Create stores a copy of value at key if the key does not exist.
func (s *Store) Create(ctx context.Context, key string, value []byte) (int64, error) {
	if err := checkWrite(ctx, "create", key, value); err != nil {
		return 0, err
	}
	value = clone(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, &storage.KeyError{Op: "create", Key: key, Err: storage.ErrClosed}
	}
	if _, ok := s.current(key); ok {
		return 0, &storage.KeyError{Op: "create", Key: key, Err: storage.ErrExists}
	}
	return s.write(key, value, nil, false), nil
}

// Update replaces the value at key with a copy of value if the object's
// resourceVersion is still rv.
func (s *Store) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	if err := checkWrite(ctx, "update", key, value); err != nil {
		return 0, err
	}
	return s.update(key, clone(value), nil, rv)
}

// UpdateOwned is Update without the copy: the Store takes value over and
// shares it with every later reader, so the caller must never modify it
// again, whether the update succeeds or not. It exists for callers that
// build each value in a fresh buffer anyway (the imagestream Service),
// for which the copy would double the cost of writing a large object.
// A nil value is stored as an empty one, as Update stores it.
func (s *Store) UpdateOwned(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	if err := checkWrite(ctx, "update", key, value); err != nil {
		return 0, err
	}
	if value == nil {
		value = []byte{} // a nil value is a tombstone's
	}
	return s.update(key, value, nil, rv)
}

// update stores value, or parts when not nil, which the Store owns, as
// Update does.
func (s *Store) update(key string, value []byte, parts *history.Parts, rv int64) (int64, error) {
	s.mu.Lock()
	cur, ok := s.current(key)
	closed := s.closed
	if !closed && ok && cur.rev == rv {
		rev := s.write(key, value, parts, false)
		s.mu.Unlock()
		return rev, nil
	}
	s.mu.Unlock()
	switch {
	case closed:
		return 0, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrClosed}
	case !ok:
		return 0, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrNotFound}
	}
	// The current value is read after the lock is released, as joining a
	// value held in parts can take a while.
	return 0, &storage.ConflictError{Op: "update", Key: key, Expected: rv, Current: cur.object(key)}
}

// Delete removes key, unconditionally when rv == 0 and otherwise only if
// its resourceVersion is still rv (never, for rv < 0, as in bolt and
// etcd), and returns the object as it was before.
func (s *Store) Delete(ctx context.Context, key string, rv int64) (storage.Object, error) {
	if err := check(ctx, "delete", key); err != nil {
		return storage.Object{}, err
	}
	s.mu.Lock()
	cur, ok := s.current(key)
	closed := s.closed
	done := !closed && ok && (rv == 0 || cur.rev == rv)
	if done {
		s.write(key, nil, nil, true)
	}
	s.mu.Unlock()
	// The old value is read after the lock is released, as joining a value
	// held in parts can take a while.
	switch {
	case closed:
		return storage.Object{}, &storage.KeyError{Op: "delete", Key: key, Err: storage.ErrClosed}
	case !ok:
		return storage.Object{}, &storage.KeyError{Op: "delete", Key: key, Err: storage.ErrNotFound}
	case !done:
		return storage.Object{}, &storage.ConflictError{Op: "delete", Key: key, Expected: rv, Current: cur.object(key)}
	}
	return cur.object(key), nil
}

// GuaranteedUpdate runs fn on the current object at key and stores a copy
// of its result if the object has not changed meanwhile, retrying with the
// newer object otherwise. fn runs without any lock held, so it may be slow
// or call the Store itself. It implements storage.GuaranteedUpdater; see
// storage.GuaranteedUpdate for the contract.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, ignoreNotFound bool, fn storage.UpdateFunc) (storage.Object, error) {
	if err := check(ctx, "update", key); err != nil {
		return storage.Object{}, err
	}
	s.mu.RLock()
	v, ok := s.current(key)
	closed := s.closed
	s.mu.RUnlock()
	for {
		var cur storage.Object
		switch {
		case closed:
			return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrClosed}
		case !ok && !ignoreNotFound:
			return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrNotFound}
		case !ok:
			cur = storage.Object{Key: key}
		default:
			cur = v.object(key) // outside the lock: it may join parts
		}
		if err := ctx.Err(); err != nil {
			return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: err}
		}
		next, err := fn(cur)
		if err != nil {
			return storage.Object{}, err
		}
		if next == nil {
			return cur, nil
		}
		if err := validate.Value("update", key, next); err != nil {
			return storage.Object{}, err
		}
		next = clone(next)

		s.mu.Lock()
		now, exists := s.current(key)
		closed = s.closed
		if !closed && exists == ok && now.rev == v.rev {
			rev := s.write(key, next, nil, false)
			s.mu.Unlock()
			return storage.Object{Key: key, Value: next, ResourceVersion: rev}, nil
		}
		s.mu.Unlock()
		// Someone else wrote first: retry from what they wrote, read under
		// the same lock, as the ConflictError of Update would carry it.
		v, ok = now, exists
	}
}

// write records a new version of key (a tombstone when deleted) at the next
// revision, logs its event and returns the revision. The value is parts
// when not nil, else value. The key must not be current when creating, and
// must be current when updating or deleting. s.mu must be held for
// writing. Nothing is joined here: the log keeps values in parts as they
// are, for its watches to join.
func (s *Store) write(key string, value []byte, parts *history.Parts, deleted bool) int64 {
	s.rev++
	ev := storage.Event{Key: key, Value: value, ResourceVersion: s.rev}
	v := version{rev: s.rev, value: value, parts: parts, deleted: deleted}
	var prev *history.Parts // ev.PrevValue, when held in parts
	rec := s.records[key]
	switch {
	case rec == nil:
		ev.Type = storage.Added
	case rec.head().deleted:
		ev.Type = storage.Added
	case deleted:
		ev.Type = storage.Deleted
		ev.PrevValue, prev = rec.head().value, rec.head().parts
	default:
		ev.Type = storage.Modified
		ev.PrevValue, prev = rec.head().value, rec.head().parts
	}
	switch {
	case rec == nil:
		rec = &record{versions: []version{v}}
		s.records[key] = rec
		s.index.insert(key, rec)
	case s.newestToken() < rec.head().rev:
		// No continue token reads a snapshot at or after the head version,
		// and none ever will, as new tokens read the current revision: no
		// reader can ask for the head version again. Replace it in place,
		// so that a key written over and over keeps one version.
		rec.versions[len(rec.versions)-1] = v
		if deleted && len(rec.versions) == 1 {
			delete(s.records, key)
			s.index.remove(key)
		}
	default:
		rec.versions = append(rec.versions, v)
	}
	s.log.AppendParts(ev, parts, prev, s.forgetFn)
	return s.rev
}

// checkWrite is check plus the value size limit.
func checkWrite(ctx context.Context, op, key string, value []byte) error {
	if err := check(ctx, op, key); err != nil {
		return err
	}
	if err := validate.Value(op, key, value); err != nil {
		return err
	}
	return nil
}

// clone copies a value the caller handed in, so that the caller reusing its
// buffer cannot change what readers see. The copy is never nil, so a stored
// empty value stays distinguishable from a tombstone's.
func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}

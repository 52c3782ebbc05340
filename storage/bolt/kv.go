package bolt

import (
	"context"
	"errors"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	bbolt "go.etcd.io/bbolt"
)

// Get returns the current object at key.
func (s *Store) Get(ctx context.Context, key string) (storage.Object, error) {
	if err := s.check(ctx, "get", key); err != nil {
		return storage.Object{}, err
	}
	obj, ok, err := s.get(key)
	switch {
	case err != nil:
		return storage.Object{}, s.wrap("get", key, err)
	case !ok:
		return storage.Object{}, &storage.KeyError{Op: "get", Key: key, Err: storage.ErrNotFound}
	}
	return obj, nil
}

// get reads key in its own transaction.
func (s *Store) get(key string) (obj storage.Object, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketKV).Get([]byte(key))
		if raw == nil {
			return nil
		}
		rev, v, err := decodeRecord(raw)
		if err != nil {
			return err
		}
		obj, ok = storage.Object{Key: key, Value: clone(v), ResourceVersion: rev}, true
		return nil
	})
	return obj, ok, err
}

// Create stores value at key if the key does not exist.
func (s *Store) Create(ctx context.Context, key string, value []byte) (int64, error) {
	if err := s.checkWrite(ctx, "create", key, value); err != nil {
		return 0, err
	}
	rev, err := s.write(ctx, key, func(cur current) (change, error) {
		if cur.exists {
			return change{}, &storage.KeyError{Op: "create", Key: key, Err: storage.ErrExists}
		}
		return change{value: value}, nil
	})
	if err != nil {
		return 0, s.wrap("create", key, err)
	}
	return rev, nil
}

// Update replaces the value at key if its resourceVersion is still rv.
func (s *Store) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	if err := s.checkWrite(ctx, "update", key, value); err != nil {
		return 0, err
	}
	rev, err := s.write(ctx, key, func(cur current) (change, error) {
		if err := precondition("update", key, rv, cur); err != nil {
			return change{}, err
		}
		return change{value: value}, nil
	})
	if err != nil {
		return 0, s.wrap("update", key, err)
	}
	return rev, nil
}

// Delete removes key, if rv > 0 only while its resourceVersion is rv. It
// returns the object as it was before the delete.
func (s *Store) Delete(ctx context.Context, key string, rv int64) (storage.Object, error) {
	if err := s.check(ctx, "delete", key); err != nil {
		return storage.Object{}, err
	}
	var old storage.Object
	_, err := s.write(ctx, key, func(cur current) (change, error) {
		if !cur.exists {
			return change{}, &storage.KeyError{Op: "delete", Key: key, Err: storage.ErrNotFound}
		}
		if rv != 0 {
			if err := precondition("delete", key, rv, cur); err != nil {
				return change{}, err
			}
		}
		old = storage.Object{Key: key, Value: clone(cur.value), ResourceVersion: cur.rev}
		return change{del: true}, nil
	})
	if err != nil {
		return storage.Object{}, s.wrap("delete", key, err)
	}
	return old, nil
}

// GuaranteedUpdate implements storage.GuaranteedUpdater. fn runs outside
// any transaction, on a copy of the current object, so it may be slow or
// even use the store; the write transaction then checks that the object
// has not changed since and, if it has, hands the current version to the
// next attempt without another read. fn may therefore run more than once.
//
// GuaranteedUpdates of the same key take turns, so concurrent updaters of
// one key in this process, the only process that can have the file open,
// do not waste attempts on each other; only plain Update and Delete calls
// can make them retry. Hence fn must not itself run a GuaranteedUpdate of
// the same key on the same store: it would wait for itself.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, ignoreNotFound bool, fn storage.UpdateFunc) (storage.Object, error) {
	if err := s.check(ctx, "update", key); err != nil {
		return storage.Object{}, err
	}
	unlock, err := s.locks.Lock(ctx, key)
	if err != nil {
		return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: err}
	}
	defer unlock()
	cur, ok, err := s.get(key)
	if err != nil {
		return storage.Object{}, s.wrap("update", key, err)
	}
	for {
		if !ok {
			if !ignoreNotFound {
				return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrNotFound}
			}
			cur = storage.Object{Key: key}
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
		seen := cur.ResourceVersion
		rev, err := s.write(ctx, key, func(c current) (change, error) {
			if c.rev != seen {
				// Someone else wrote first: retry with what they wrote.
				ok = c.exists
				cur = storage.Object{Key: key, Value: clone(c.value), ResourceVersion: c.rev}
				return change{}, errRetry
			}
			return change{value: next}, nil
		})
		switch {
		case err == nil:
			return storage.Object{Key: key, Value: next, ResourceVersion: rev}, nil
		case !errors.Is(err, errRetry):
			return storage.Object{}, s.wrap("update", key, err)
		}
	}
}

// errRetry rolls back a GuaranteedUpdate attempt that lost a race; it
// never leaves the package.
var errRetry = errors.New("bolt: object changed, retry")

// precondition checks that key exists at revision rv.
func precondition(op, key string, rv int64, cur current) error {
	switch {
	case !cur.exists:
		return &storage.KeyError{Op: op, Key: key, Err: storage.ErrNotFound}
	case cur.rev != rv:
		return &storage.ConflictError{Op: op, Key: key, Expected: rv,
			Current: storage.Object{Key: key, Value: clone(cur.value), ResourceVersion: cur.rev}}
	}
	return nil
}

// checkWrite is check plus the value size limit.
func (s *Store) checkWrite(ctx context.Context, op, key string, value []byte) error {
	if err := s.check(ctx, op, key); err != nil {
		return err
	}
	return validate.Value(op, key, value)
}

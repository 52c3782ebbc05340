package etcd

import (
	"context"
	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Get returns the object at key with its ModRevision as resourceVersion.
func (s *Store) Get(ctx context.Context, key string) (storage.Object, error) {
	if err := s.check("get", key); err != nil {
		return storage.Object{}, err
	}
	resp, err := s.client.Get(ctx, s.key(key))
	if err != nil {
		return storage.Object{}, s.wrap("get", key, err)
	}
	if len(resp.Kvs) == 0 {
		return storage.Object{}, &storage.KeyError{Op: "get", Key: key, Err: storage.ErrNotFound}
	}
	return s.object(resp.Kvs[0]), nil
}

// Create writes value at key in a transaction guarded by
// CreateRevision(key) == 0, which holds only while the key is absent.
func (s *Store) Create(ctx context.Context, key string, value []byte) (int64, error) {
	if err := s.checkWrite("create", key, value); err != nil {
		return 0, err
	}
	k := s.key(key)
	s.hint(key).forget(key)
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
		Then(clientv3.OpPut(k, string(value))).
		Commit()
	if err != nil {
		return 0, s.wrap("create", key, err)
	}
	if !resp.Succeeded {
		return 0, &storage.KeyError{Op: "create", Key: key, Err: storage.ErrExists}
	}
	return resp.Header.Revision, nil
}

// Update writes value at key in a transaction guarded by
// ModRevision(key) == rv; the else-branch reads the key so a conflict
// carries the current object without another round trip.
func (s *Store) Update(ctx context.Context, key string, value []byte, rv int64) (int64, error) {
	if err := s.checkWrite("update", key, value); err != nil {
		return 0, err
	}
	if rv <= 0 {
		// ModRevision == 0 would match a missing key and create it.
		return 0, s.failPrecondition(ctx, "update", key, rv)
	}
	k := s.key(key)
	s.hint(key).forget(key)
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(k), "=", rv)).
		Then(clientv3.OpPut(k, string(value))).
		Else(clientv3.OpGet(k)).
		Commit()
	if err != nil {
		return 0, s.wrap("update", key, err)
	}
	if !resp.Succeeded {
		return 0, s.conflict("update", key, rv, resp.Responses[0].GetResponseRange().Kvs)
	}
	return resp.Header.Revision, nil
}

// Delete removes key, unconditionally when rv == 0, else in a transaction
// guarded by ModRevision(key) == rv. It returns the deleted object as it
// was before the delete.
func (s *Store) Delete(ctx context.Context, key string, rv int64) (storage.Object, error) {
	if err := s.check("delete", key); err != nil {
		return storage.Object{}, err
	}
	k := s.key(key)
	s.hint(key).forget(key)
	if rv == 0 {
		resp, err := s.client.Delete(ctx, k, clientv3.WithPrevKV())
		if err != nil {
			return storage.Object{}, s.wrap("delete", key, err)
		}
		if len(resp.PrevKvs) == 0 {
			return storage.Object{}, &storage.KeyError{Op: "delete", Key: key, Err: storage.ErrNotFound}
		}
		return s.object(resp.PrevKvs[0]), nil
	}
	if rv < 0 {
		return storage.Object{}, s.failPrecondition(ctx, "delete", key, rv)
	}
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(k), "=", rv)).
		Then(clientv3.OpDelete(k, clientv3.WithPrevKV())).
		Else(clientv3.OpGet(k)).
		Commit()
	if err != nil {
		return storage.Object{}, s.wrap("delete", key, err)
	}
	if !resp.Succeeded {
		return storage.Object{}, s.conflict("delete", key, rv, resp.Responses[0].GetResponseRange().Kvs)
	}
	if prev := resp.Responses[0].GetResponseDeleteRange().PrevKvs; len(prev) > 0 {
		return s.object(prev[0]), nil
	}
	// etcd returns the previous key-value of a delete it performed; this
	// is only a guard against a server that does not.
	return storage.Object{Key: key, ResourceVersion: rv}, nil
}

// GuaranteedUpdate implements storage.GuaranteedUpdater the way
// Kubernetes' etcd3 store does: fn gets the current object, and its result
// is written in a transaction guarded by ModRevision(key) == the revision
// fn saw (0 for a missing key, which the guard then also requires); the
// else-branch returns the object that won, for the next attempt. fn runs
// outside any transaction and may run more than once.
//
// Two things save round trips. Updates of one key through the same Store
// take turns, so goroutines of one process do not spend a raft commit on
// every lost race (fn must therefore not run a GuaranteedUpdate of the same
// key on the same Store: it would wait for itself). And the object the
// last such update wrote is offered to fn without a read (see hint): the
// guard proves it current, and if it is not, the transaction fails and fn
// runs again on the real object; if fn rejects a guessed object, or leaves
// it unchanged, the decision is made again on a fresh read.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, ignoreNotFound bool, fn storage.UpdateFunc) (storage.Object, error) {
	if err := s.check("update", key); err != nil {
		return storage.Object{}, err
	}
	unlock, err := s.locks.Lock(ctx, key)
	if err != nil {
		return storage.Object{}, s.wrap("update", key, err)
	}
	defer unlock()
	h := s.hint(key)

	k := s.key(key)
	// guessed: cur is the remembered object, not yet proven current.
	cur, guessed := h.get(key)
	exists, read := guessed, !guessed
	for {
		if read {
			resp, err := s.client.Get(ctx, k)
			if err != nil {
				return storage.Object{}, s.wrap("update", key, err)
			}
			cur, exists = s.current(key, resp.Kvs), len(resp.Kvs) > 0
			guessed, read = false, false
		}
		if !exists && !ignoreNotFound {
			return storage.Object{}, &storage.KeyError{Op: "update", Key: key, Err: storage.ErrNotFound}
		}
		if err := ctx.Err(); err != nil {
			return storage.Object{}, s.wrap("update", key, err)
		}
		next, err := fn(cur)
		if err == nil && next != nil {
			err = validate.Value("update", key, next)
		}
		switch {
		case (err != nil || next == nil) && guessed:
			// The verdict may rest on a stale guess: decide again on a
			// fresh read.
			h.forget(key)
			read = true
			continue
		case err != nil:
			return storage.Object{}, err
		case next == nil:
			return cur, nil
		}
		tresp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", cur.ResourceVersion)).
			Then(clientv3.OpPut(k, string(next))).
			Else(clientv3.OpGet(k)).
			Commit()
		if err != nil {
			// The write may or may not have happened.
			h.forget(key)
			return storage.Object{}, s.wrap("update", key, err)
		}
		if tresp.Succeeded {
			obj := storage.Object{Key: key, Value: next, ResourceVersion: tresp.Header.Revision}
			h.set(obj)
			return obj, nil
		}
		h.forget(key)
		kvs := tresp.Responses[0].GetResponseRange().Kvs
		cur, exists, guessed = s.current(key, kvs), len(kvs) > 0, false
	}
}

// current is the object in a range response, or the empty object fn gets
// for a missing key.
func (s *Store) current(key string, kvs []*mvccpb.KeyValue) storage.Object {
	if len(kvs) == 0 {
		return storage.Object{Key: key}
	}
	return s.object(kvs[0])
}

// checkWrite validates a key and value before a write.
func (s *Store) checkWrite(op, key string, value []byte) error {
	if err := s.check(op, key); err != nil {
		return err
	}
	return validate.Value(op, key, value)
}

// conflict builds the error of a failed compare-and-swap from the
// else-branch read: ErrNotFound if the key is gone, else a ConflictError.
func (s *Store) conflict(op, key string, rv int64, kvs []*mvccpb.KeyValue) error {
	if len(kvs) == 0 {
		return &storage.KeyError{Op: op, Key: key, Err: storage.ErrNotFound}
	}
	return &storage.ConflictError{Op: op, Key: key, Expected: rv, Current: s.object(kvs[0])}
}

// failPrecondition answers a write whose precondition rv can never match.
func (s *Store) failPrecondition(ctx context.Context, op, key string, rv int64) error {
	resp, err := s.client.Get(ctx, s.key(key))
	if err != nil {
		return s.wrap(op, key, err)
	}
	return s.conflict(op, key, rv, resp.Kvs)
}

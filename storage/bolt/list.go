package bolt

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	bbolt "go.etcd.io/bbolt"
)

// List returns the objects under prefix in key order. The first page is
// read at the current revision; the pages after it are rebuilt at that
// same revision from the log (see snapshot), so a chain is one consistent
// snapshot until the history drops it, and then fails with ErrTooOld.
func (s *Store) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: err}
	}
	if s.closed.Load() {
		return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: storage.ErrClosed}
	}
	if err := validate.Prefix("list", prefix); err != nil {
		return storage.ListResult{}, err
	}
	var rv int64
	var after string
	if opts.Continue != "" {
		var err error
		if rv, after, err = continuetoken.Decode(opts.Continue, prefix); err != nil {
			return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: err}
		}
	}
	var res storage.ListResult
	err := s.db.View(func(tx *bbolt.Tx) error {
		rev, compacted, err := revisions(tx)
		if err != nil {
			return err
		}
		switch {
		case rv == 0:
			rv = rev
		case rv < compacted:
			return fmt.Errorf("%w: snapshot %d is older than the oldest kept, %d", storage.ErrTooOld, rv, compacted)
		case rv > rev:
			// Tokens come from this store, whose revision never goes back.
			return fmt.Errorf("%w: snapshot %d is newer than the store, %d", storage.ErrInvalidToken, rv, rev)
		}
		res, err = list(tx, prefix, after, opts.Limit, rv, rev)
		return err
	})
	if err != nil {
		return storage.ListResult{}, s.wrap("list", prefix, err)
	}
	return res, nil
}

// list reads up to limit objects under prefix after the key after (""
// for the first page) as of revision rv; the store is at rev.
func list(tx *bbolt.Tx, prefix, after string, limit, rv, rev int64) (storage.ListResult, error) {
	res := storage.ListResult{ResourceVersion: rv}
	var overlay map[string]version
	var changed []string
	if rv < rev {
		var err error
		if overlay, changed, err = snapshot(tx, prefix, after, rv); err != nil {
			return res, err
		}
	}
	c := tx.Bucket(bucketKV).Cursor()
	pfx := []byte(prefix)
	start := pfx
	if after != "" {
		start = append([]byte(after), 0) // the smallest key after "after"
	}
	k, raw := c.Seek(start)
	// Merge the current keys with the keys changed since rv, both in
	// order. A changed key takes its version from the overlay: since
	// changed is sorted, it is always consumed by the first case before
	// the cursor's copy of the same key could reach the default case.
	for {
		curOK := k != nil && bytes.HasPrefix(k, pfx)
		if !curOK && len(changed) == 0 {
			return res, nil
		}
		var obj storage.Object
		var present bool
		switch {
		case len(changed) > 0 && (!curOK || changed[0] <= string(k)):
			key := changed[0]
			changed = changed[1:]
			if curOK && key == string(k) {
				k, raw = c.Next()
			}
			v := overlay[key]
			obj, present = storage.Object{Key: key, Value: v.value, ResourceVersion: v.rev}, v.rev > 0
		default:
			rev, v, err := decodeRecord(raw)
			if err != nil {
				return res, err
			}
			obj, present = storage.Object{Key: string(k), Value: clone(v), ResourceVersion: rev}, true
			k, raw = c.Next()
		}
		if !present {
			continue
		}
		if limit > 0 && int64(len(res.Items)) == limit {
			// One more object exists: hand out a token instead.
			last := res.Items[len(res.Items)-1].Key
			res.Continue = continuetoken.Encode(rv, prefix, last)
			return res, nil
		}
		res.Items = append(res.Items, obj)
	}
}

// version is a key's state at a past revision: rev 0 means absent.
type version struct {
	rev   int64
	value []byte
}

// snapshot returns, for every key under prefix and after "after" that was
// written after revision rv, its version at rv, plus those keys sorted. The
// first log entry after rv for a key holds the version it replaced, which
// is the version at rv; keys the log does not mention after rv are
// unchanged and read from kv. The caller has checked that the log reaches
// back to rv.
func snapshot(tx *bbolt.Tx, prefix, after string, rv int64) (map[string]version, []string, error) {
	overlay := make(map[string]version)
	var keys []string
	c := tx.Bucket(bucketLog).Cursor()
	for k, raw := c.Seek(u64(rv + 1)); k != nil; k, raw = c.Next() {
		e, err := decodeEntry(raw)
		if err != nil {
			return nil, nil, err
		}
		key := string(e.key)
		if !strings.HasPrefix(key, prefix) || key <= after {
			continue
		}
		if _, seen := overlay[key]; seen {
			continue
		}
		v := version{rev: e.prevRev}
		if e.prevRev > 0 {
			v.value = clone(e.prev)
		}
		overlay[key] = v
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return overlay, keys, nil
}

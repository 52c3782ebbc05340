package etcd

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// List reads the keys under prefix in key order. The first page is read at
// the current revision, which becomes the ResourceVersion of the whole
// chain: later pages are read WithRev(that revision), so a chain sees one
// snapshot, and fails with ErrTooOld once etcd has compacted it. A token
// of a revision the cluster has not reached fails with ErrInvalidToken.
func (s *Store) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	if s.closed.Load() {
		return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: storage.ErrClosed}
	}
	if err := validate.Prefix("list", prefix); err != nil {
		return storage.ListResult{}, err
	}
	p := s.key(prefix)
	start := p
	var rev int64
	if opts.Continue != "" {
		rv, after, err := continuetoken.Decode(opts.Continue, prefix)
		if err != nil {
			return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: err}
		}
		// The smallest key after "after".
		start, rev = s.key(after)+"\x00", rv
	}
	ops := []clientv3.OpOption{clientv3.WithRange(clientv3.GetPrefixRangeEnd(p))}
	if opts.Limit > 0 {
		ops = append(ops, clientv3.WithLimit(opts.Limit))
	}
	if rev > 0 {
		ops = append(ops, clientv3.WithRev(rev))
	}
	resp, err := s.client.Get(ctx, start, ops...)
	if rev > 0 && errors.Is(err, rpctypes.ErrFutureRev) {
		// The cluster never handed out this revision: the token is of
		// another cluster, or of this one before a restore from a backup.
		err = fmt.Errorf("%w: snapshot %d is newer than the store: %w", storage.ErrInvalidToken, rev, err)
		return storage.ListResult{}, &storage.KeyError{Op: "list", Key: prefix, Err: err}
	}
	if err != nil {
		return storage.ListResult{}, s.wrap("list", prefix, err)
	}
	if rev == 0 {
		rev = resp.Header.Revision
	}
	res := storage.ListResult{ResourceVersion: rev}
	if len(resp.Kvs) > 0 {
		res.Items = make([]storage.Object, len(resp.Kvs))
		for i, kv := range resp.Kvs {
			res.Items[i] = s.object(kv)
		}
		if resp.More {
			res.Continue = continuetoken.Encode(rev, prefix, res.Items[len(res.Items)-1].Key)
		}
	}
	return res, nil
}

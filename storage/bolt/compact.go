package bolt

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	bbolt "go.etcd.io/bbolt"
)

// Compact discards the history at and below revision rv: watches from
// below rv and lists continued from a snapshot below rv then fail with
// storage.ErrTooOld. Compacting backwards does nothing; compacting beyond
// the current revision is an error. It implements storage.Compactor.
//
// The compaction is a request to the committer, like a write, so it waits
// for a commit in progress only as long as ctx lets it.
func (s *Store) Compact(ctx context.Context, rv int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: compact: %w", err)
	}
	if s.closed.Load() {
		return fmt.Errorf("bolt: compact: %w", storage.ErrClosed)
	}
	r := &request{ctx: ctx, compact: rv}
	err := s.do(r)
	if err == nil {
		err = r.err
	}
	if err != nil {
		return fmt.Errorf("bolt: compact to %d: %w", rv, err)
	}
	return nil
}

// compact runs a compaction request inside the batch transaction, the
// store being at revision rev. It reports whether it changed the file; a
// revision beyond rev is the request's own error, stored in it, while
// other errors fail the transaction.
func compact(tx *bbolt.Tx, r *request, rev int64) (bool, error) {
	if r.compact > rev {
		r.err = fmt.Errorf("revision %d is beyond the current revision %d", r.compact, rev)
		return false, nil
	}
	_, compacted, err := revisions(tx)
	if err != nil || r.compact <= compacted {
		return false, err
	}
	return true, compactTo(tx, r.compact)
}

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
func (s *Store) Compact(ctx context.Context, rv int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: compact: %w", err)
	}
	if s.closed.Load() {
		return fmt.Errorf("bolt: compact: %w", storage.ErrClosed)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		rev, _, err := revisions(tx)
		if err != nil {
			return err
		}
		if rv > rev {
			return fmt.Errorf("revision %d is beyond the current revision %d", rv, rev)
		}
		return compactTo(tx, rv)
	})
	if err != nil {
		return fmt.Errorf("bolt: compact to %d: %w", rv, err)
	}
	return nil
}

package etcd

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// Compact implements storage.Compactor with etcd's own compaction: every
// revision below rv is discarded, so lists continued from an older
// snapshot and watches from an older revision fail with ErrTooOld.
//
// Compaction applies to the whole etcd keyspace, not only to the store's
// Prefix: on a shared cluster it is an operator's decision (etcd's
// --auto-compaction-* flags), and users of a prefix should not call it.
func (s *Store) Compact(ctx context.Context, rv int64) error {
	if s.closed.Load() {
		return fmt.Errorf("etcd: compact: %w", storage.ErrClosed)
	}
	if rv <= 0 {
		return nil
	}
	_, err := s.client.Compact(ctx, rv)
	if errors.Is(err, rpctypes.ErrCompacted) {
		// Already compacted at or past rv: nothing left to do.
		return nil
	}
	if err != nil {
		return fmt.Errorf("etcd: compact to %d: %w", rv, err)
	}
	return nil
}

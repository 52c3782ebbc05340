package storage

import "context"

// Compactor is implemented by backends whose history can be discarded on
// request. After Compact(ctx, rv), a watch from a revision below rv and a
// list continued from a snapshot below rv fail with ErrTooOld, as they do
// after etcd compacts its keyspace. Reads of current values are unaffected.
//
// Compacting to a revision at or below an earlier compaction is a no-op and
// returns nil; compacting to a revision the store has not reached yet is an
// error. The conformance suite in storagetest uses Compactor to test the
// "too old" paths; backends that do not implement it skip those tests.
type Compactor interface {
	Compact(ctx context.Context, rv int64) error
}

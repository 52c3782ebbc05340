// Package bolt is an embedded, persistent storage.Interface in a single
// file, built on go.etcd.io/bbolt. It suits a single process that must keep
// its objects across restarts without running etcd.
//
// # Revisions
//
// The store keeps one revision counter for the whole file, as etcd does:
// every Create, Update and Delete is one transaction that takes the next
// revision, and an object's resourceVersion is the revision of its last
// write. A new file starts at revision 1. The counter is in the file, so a
// reopened store continues where it stopped and resourceVersions handed
// out before a restart stay meaningful after it.
//
// # History
//
// Next to the objects the file holds a log of the most recent writes
// (Options.History revisions, DefaultHistory by default): for each revision
// the key, the new value, and the value it replaced. The log serves
//
//   - watches: Watch(prefix, rv) replays the log after rv and then follows
//     new commits, so a watcher can resume from the last resourceVersion it
//     saw, even across a restart of the process;
//   - continued lists: every page of a List chain is read at the revision
//     of its first page. Later pages rebuild that snapshot by undoing, for
//     the keys written since, the writes the log records after it.
//
// A revision older than the log fails with storage.ErrTooOld, and
// [Store.Compact] (storage.Compactor) drops history on request. Each kept
// revision costs about twice its value on disk.
//
// # Durability
//
// By default each commit is fsynced before it returns, so an acknowledged
// write survives a power loss. Writes that arrive while a commit is under
// way are committed together in the next transaction (group commit), so
// concurrent writers share an fsync while a lone writer never waits for
// company. Options.NoSync skips the fsync: much faster, and safe against a
// crash of the process, but not of the machine.
//
// # Caveats
//
// Only one Store, in one process, can have a file open: bbolt locks it,
// and Open waits up to Options.Timeout for the lock. Watches are served
// in-process. [Store.GuaranteedUpdate] runs its function outside the write
// transaction and checks the resourceVersion inside it, so the function
// may be slow or call the store, and may run more than once; updates of
// one key take turns, so the function must not start another
// GuaranteedUpdate of the same key.
package bolt

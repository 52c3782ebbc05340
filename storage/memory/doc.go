// Package memory is the in-process, in-memory implementation of
// storage.Interface: the default store, and the fastest.
//
//	s := memory.New()
//	defer s.Close()
//	rv, err := s.Create(ctx, "/images/sha256:...", data)
//
// # Values
//
// A Store copies every value it is given (but see Copies below) and never
// modifies a value it holds: a write installs a new slice. Readers (Get, List, watch events,
// the current object passed to a GuaranteedUpdate function) receive the
// stored slice itself, without a copy, and must not modify it. Nobody can
// see a half-written value.
//
// # Revisions and history
//
// Every write takes the next revision; a new Store is at revision 1, as in
// etcd, so a list of an empty store has a revision a watch can start from.
// The Store keeps the events of its last writes, together with the old
// values they refer to, up to DefaultHistory events and DefaultHistoryBytes
// of keys and values (see WithHistory and WithHistoryBytes). That history
// serves two things:
//
//   - Watches: a watch may start from any revision the history covers.
//     Starting further back fails with storage.ErrTooOld.
//   - List pages: the pages of one continue-token chain are read from the
//     snapshot of the first page, which stays readable while the history
//     covers it. A token whose snapshot has left the history fails with
//     storage.ErrTooOld; the caller lists again from the start, as it would
//     after an etcd compaction. So does a token the Store did not issue
//     (made by hand, or by another store) for a snapshot other than the
//     current revision: the Store keeps the versions of the snapshots it
//     gave tokens for, not of every revision.
//
// Old versions of an object are kept only while an open page chain may
// read them: with no continue token outstanding, a write replaces the
// object's version in place. Compact (storage.Compactor) discards history
// on request.
//
// # Watches
//
// Writers never wait for watchers. Each watch reads the shared history
// through its own cursor and a 64-event channel buffer; a consumer that
// falls behind by more than the history has evicted receives every event
// up to the point where it lost track, then an Error event wrapping
// storage.ErrTooOld, and its channel is closed. A watch ends, and its
// channel is closed, when its context ends; Close ends every watch with an
// Error event wrapping storage.ErrClosed.
//
// # Concurrency
//
// A Store is safe for concurrent use. Reads share a read lock; writes take
// a write lock for a few map and slice operations. GuaranteedUpdate is
// native: it reads, runs the update function with no lock held, and
// commits with a compare-and-swap under the write lock, retrying with the
// newer object when another writer got in first. The update function may
// therefore call the Store.
//
// # Copies
//
// Create and Update copy the value they are given, so the caller may reuse
// its buffer; every reader then shares the stored copy. UpdateOwned skips
// the copy for callers that build each value in a buffer of its own and
// hand it over, as the imagestream Service does: for a large object the
// copy is a large part of the cost of a write.
//
// UpdateParts goes further for a large object that changes a little at a
// time: it takes the value as a list of immutable parts and keeps the
// list, without joining it, so a write costs O(number of parts) and
// shares the unchanged parts with the versions before it. The value is
// joined when first read (by Get, List, a watch delivering its event, a
// conflict, GuaranteedUpdate), once, outside the Store's lock; a version
// nobody reads is never joined. Revision tells a caller holding a decoded
// copy whether it is still current, without reading the value. The
// history's byte bound counts a value in parts at its joined length.
package memory

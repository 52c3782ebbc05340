// Package storage defines the key-value store that holds the objects of the
// image API: bytes in, bytes out, with a resourceVersion per object and per
// list, compare-and-swap updates and ordered watches. It knows nothing of
// the objects it stores; package imagestream encodes them as JSON.
//
// The backends live in sub-packages: storage/memory (in-process, the
// default), storage/bolt (embedded, persistent) and storage/etcd
// (distributed). storage/storagetest is the conformance suite they all pass.
//
// # Keys
//
// Keys are slash-separated paths such as "/images/<name>" and
// "/imagestreams/<namespace>/<name>". ValidateKey states the rules: a
// leading "/", no empty, "." or ".." segment, no NUL byte, at most
// MaxKeyLength bytes. List and Watch take a prefix, matched as a plain
// string prefix, so "/imagestreams/ns" also matches "/imagestreams/ns2/x";
// end a prefix with "/" to select one directory.
//
// # Values
//
// Values are opaque bytes of at most MaxValueSize (1.5 MiB, etcd's default
// request limit, so data can move between backends); larger writes fail
// with ErrTooLarge. Values returned by a store may be shared with other
// readers and must not be modified.
//
// # Resource versions
//
// Every write gets a resourceVersion (etcd's ModRevision, or a counter)
// greater than that of every earlier write to the store. An object carries
// the resourceVersion of its last write, and a list the revision of the
// snapshot it was read from.
//
// Update and Delete compare and swap: they take the resourceVersion the
// caller last saw and fail with a *ConflictError, carrying the current
// object, when another write came first. GuaranteedUpdate wraps that into
// a read-modify-write loop; see its documentation.
//
// # Lists
//
// A list returns the objects under a prefix, sorted by key, in pages of at
// most ListOptions.Limit items. Every page of one chain, linked by
// continue tokens, is read from the same snapshot, so a paginated list is
// consistent even while writers run. Backends keep old snapshots only for
// a while: a token whose snapshot is gone fails with ErrTooOld, and the
// caller lists again from the start. Tokens are opaque; a malformed one,
// or one from a list of another prefix, fails with ErrInvalidToken.
//
// # Watches
//
// A watch streams the Added, Modified and Deleted events under a prefix
// that happened after a resourceVersion, in order, each with the new value
// and the previous one. The usual pattern is to list, then watch from the
// list's resourceVersion, which misses nothing and repeats nothing; after
// an interruption, watch again from the resourceVersion of the last event
// seen. A watch from a revision the backend no longer remembers fails with
// ErrTooOld; list again. Cancel the watch's context to end it.
//
// # Errors
//
// Errors wrap the sentinels ErrNotFound, ErrExists, ErrConflict, ErrTooOld,
// ErrInvalidKey, ErrTooLarge, ErrInvalidToken and ErrClosed, usually inside
// a *KeyError that names the operation and key; test them with errors.Is.
// A failed compare-and-swap is a *ConflictError; recover it with
// errors.AsType[*ConflictError].
//
// # Optional interfaces
//
// As io/fs does, the package keeps Interface small and lets backends
// offer more: GuaranteedUpdater runs GuaranteedUpdate natively (memory
// without conflicts between its read and write, etcd in one transaction),
// and Compactor discards history on request. The package function
// GuaranteedUpdate uses the native method when there is one, and a generic
// loop over Get and Update otherwise.
package storage

// Package storagetest implements a conformance suite for storage.Interface
// backends, in the spirit of testing/fstest and nettest.TestConn.
//
// A backend's whole test file can be:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Interface {
//			return mybackend.New(...)
//		})
//	}
//
//	func BenchmarkConformance(b *testing.B) {
//		storagetest.RunBenchmarks(b, func(b *testing.B) storage.Interface {
//			return mybackend.New(...)
//		})
//	}
//
// Run the suite under the race detector (go test -race): several tests
// hammer the store from many goroutines and are only meaningful with it.
//
// # What the suite checks
//
// One subtest per behaviour: compare-and-swap semantics of Update and
// Delete, Create on an existing key, races of creates, updates and deletes,
// storage.GuaranteedUpdate (aborts, retries, and 32 goroutines × 200
// increments ending at exactly 6,400), list prefixes, pagination and its
// snapshot consistency while writers run, invalid continue tokens, watch
// ordering and filtering, watch resumption from a resourceVersion with no
// gap and no duplicate, "too old" after compaction, context cancellation,
// values up to storage.MaxValueSize and one byte beyond, invalid keys, and
// Close ending watches with one Error event wrapping storage.ErrClosed. Errors are checked with errors.Is against the
// sentinels of package storage, invalid keys and values must fail with a
// *storage.KeyError naming the operation ("get", "create", …) and the key,
// and a failed compare-and-swap must return a *storage.ConflictError
// carrying the current object.
//
// Backends that implement storage.Compactor also get the "too old" tests;
// the others skip them. Backends that implement storage.GuaranteedUpdater
// are tested through it; wrap the store with Minimal to test the generic
// fallback instead.
//
// Beyond the interface's documentation, the suite requires that:
//
//   - a store keep its own copy of the values it is given;
//   - a stored empty value be returned as an empty, non-nil slice (by Get,
//     List, Delete, conflicts, the update function and watch events), as
//     nil means "no value";
//   - Delete return the deleted object with the resourceVersion of its last
//     write;
//   - a native GuaranteedUpdate pass a missing key to the update function
//     as storage.Object{Key: key}, as the generic loop does;
//   - watch events of kind Modified and Deleted carry PrevValue when
//     nothing has been compacted;
//   - a watch from the resourceVersion of a list see every change after
//     the list, even on an empty store (so that revision cannot be 0, which
//     means "from now");
//   - a continue token presented for another prefix fail with
//     storage.ErrInvalidToken, also when one prefix contains the other;
//   - a well-formed token for a past snapshot the store issued none for
//     read exactly that snapshot or fail with storage.ErrTooOld or
//     storage.ErrInvalidToken, never read a page missing objects;
//   - Compact to an already compacted revision return nil.
//
// # Requirements on newStore
//
// newStore must return a new, empty store for each subtest; Run closes it
// when the subtest ends. Subtests run one after another, so backends that
// share a server between stores (for example one etcd with a key prefix per
// store) do not see each other's compactions.
//
// # Benchmarks
//
// RunBenchmarks measures storage.GuaranteedUpdate, the read-modify-write
// every update of the API layer goes through, with 1 and 8 goroutines and
// with small and 10 KiB values, and reports ops/s.
package storagetest

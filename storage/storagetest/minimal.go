package storagetest

import "github.com/imagestreams/imagestreams/storage"

// Minimal returns a store that forwards to s but has only the methods of
// storage.Interface, hiding optional interfaces such as
// storage.GuaranteedUpdater and storage.Compactor. Running the suite on
// Minimal(s) tests the generic fallbacks (storage.GuaranteedUpdate's
// Get-and-Update loop) over s.
func Minimal(s storage.Interface) storage.Interface {
	return minimal{s}
}

// minimal embeds the interface, not the concrete store, so that only the
// interface's methods are promoted.
type minimal struct{ storage.Interface }

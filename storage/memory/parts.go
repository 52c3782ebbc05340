package memory

import (
	"context"

	"github.com/imagestreams/imagestreams/storage/internal/history"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
)

// UpdateParts is Update for a value given as parts, whose concatenation is
// the value. The Store keeps the parts as they are, without joining them:
// it takes the outer slice over and shares the parts with every later
// reader and with later versions built from the same parts, so the caller
// must never modify the outer slice or any part again, whether the update
// succeeds or not. A write then costs O(len(parts)) however large the
// value, and an object that changes a part at a time, as an image stream
// whose tags are encoded in chunks does, shares its unchanged parts across
// revisions.
//
// Readers see the joined value, as if Update had stored it: Get, List,
// watch events, a ConflictError's current object and the current object
// passed to a GuaranteedUpdate function. The value is joined by its first
// reader, outside the Store's lock, and once: later readers share the
// joined bytes. A value nobody reads, such as an event no watch delivers,
// is never joined. Revision reports whether a version is still current
// without joining anything.
//
// The size limit applies to the total length of the parts, as
// storage.ValidateValue applies it to a plain value. A nil or empty list
// is stored as an empty value, as UpdateOwned stores a nil one, and a
// single part is stored as UpdateOwned would store it.
func (s *Store) UpdateParts(ctx context.Context, key string, parts [][]byte, rv int64) (int64, error) {
	if err := check(ctx, "update", key); err != nil {
		return 0, err
	}
	p := history.NewParts(parts)
	if err := validate.Size("update", key, p.Len()); err != nil {
		return 0, err
	}
	switch len(parts) {
	case 0:
		return s.update(key, []byte{}, nil, rv)
	case 1:
		// Nothing to join: the part is the value, stored as UpdateOwned
		// stores it.
		value := parts[0]
		if value == nil {
			value = []byte{} // a nil value is a tombstone's
		}
		return s.update(key, value, nil, rv)
	}
	return s.update(key, nil, p, rv)
}

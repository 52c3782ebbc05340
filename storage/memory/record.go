package memory

import (
	"sort"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
)

// version is the state of a key as of one revision.
type version struct {
	rev int64
	// value is nil for a tombstone, and for a value held in parts. A stored
	// value is never modified: a write replaces the slice, so readers can
	// share it without copying.
	value []byte
	// parts, when not nil, is the value, as UpdateParts stored it; it is
	// joined by its first reader.
	parts   *history.Parts
	deleted bool
}

// bytes returns the value, joining it if it is held in parts. Joining may
// take as long as copying the whole value, so callers release the Store's
// lock first.
func (v *version) bytes() []byte {
	if v.parts != nil {
		return v.parts.Bytes()
	}
	return v.value
}

// object returns the version as the object at key; see bytes.
func (v *version) object(key string) storage.Object {
	return storage.Object{Key: key, Value: v.bytes(), ResourceVersion: v.rev}
}

// record holds the versions of one key that a readable snapshot may need:
// the latest version at or below the compacted revision, if it is not a
// tombstone, and every version after it, in increasing revision order.
type record struct {
	versions []version
}

// head returns the current version of the key.
func (r *record) head() version { return r.versions[len(r.versions)-1] }

// at returns the version visible at revision rev, and false when the key
// did not exist then.
func (r *record) at(rev int64) (version, bool) {
	vs := r.versions
	// Snapshots are almost always of a revision after the key's last write.
	if v := vs[len(vs)-1]; v.rev <= rev {
		return v, !v.deleted
	}
	i := sort.Search(len(vs), func(i int) bool { return vs[i].rev > rev })
	if i == 0 {
		return version{}, false
	}
	return vs[i-1], !vs[i-1].deleted
}

// forget drops the versions that no snapshot at or above revision rev can
// see, and reports whether the record is now empty: a record whose only
// remaining version at or below rev is a tombstone has nothing left to say.
func (r *record) forget(rev int64) (empty bool) {
	vs := r.versions
	i := sort.Search(len(vs), func(i int) bool { return vs[i].rev > rev })
	// Keep the version visible at rev, unless it is a tombstone.
	if i > 0 && !vs[i-1].deleted {
		i--
	}
	if i == 0 {
		return false
	}
	clear(vs[:i])
	r.versions = vs[i:]
	return len(r.versions) == 0
}

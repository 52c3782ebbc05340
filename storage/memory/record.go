package memory

import "sort"

// version is the state of a key as of one revision.
type version struct {
	rev int64
	// value is nil for a tombstone. A stored value is never modified: a
	// write replaces the slice, so readers can share it without copying.
	value   []byte
	deleted bool
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

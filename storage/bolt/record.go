package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
)

// Layout of the database file:
//
//	meta: "format" → formatVersion, "rev" → last revision, "compacted" →
//	      oldest revision whose snapshot can still be rebuilt
//	kv:   key → record: 8-byte big-endian ModRevision ‖ value
//	log:  8-byte big-endian revision → entry (see appendEntry)
//
// All integers in meta are 8-byte big-endian. Log keys sort by revision
// because they are big-endian, so a cursor walks the log in order.
var (
	bucketMeta = []byte("meta")
	bucketKV   = []byte("kv")
	bucketLog  = []byte("log")

	metaFormat    = []byte("format")
	metaRev       = []byte("rev")
	metaCompacted = []byte("compacted")
)

// formatVersion is the layout version written to new files; Open refuses a
// file with another version instead of misreading it.
const formatVersion = 1

// errCorrupt reports bytes in the file that this package did not write.
var errCorrupt = errors.New("bolt: corrupt database")

func u64(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

func readU64(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: %d-byte integer", errCorrupt, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// encodeRecord returns the kv bucket value for value written at rev.
func encodeRecord(rev int64, value []byte) []byte {
	b := make([]byte, 8, 8+len(value))
	binary.BigEndian.PutUint64(b, uint64(rev))
	return append(b, value...)
}

// decodeRecord splits a kv bucket value. The value aliases b.
func decodeRecord(b []byte) (rev int64, value []byte, err error) {
	if len(b) < 8 {
		return 0, nil, fmt.Errorf("%w: %d-byte record", errCorrupt, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), b[8:], nil
}

// Entry kinds in the log.
const (
	entryPut    = 1
	entryDelete = 2
)

// entry is one write in the log. Its byte slices alias the page they were
// decoded from, valid only inside that transaction.
type entry struct {
	kind  byte
	key   []byte
	value []byte // new value; empty for a delete
	// prevRev is the ModRevision the key had before this write; 0 when the
	// write created it. prev is the value it had.
	prevRev int64
	prev    []byte
}

// appendEntry encodes e as
//
//	kind ‖ uvarint(len key) ‖ key ‖ uvarint(prevRev) ‖ uvarint(len prev) ‖ prev ‖ value
//
// Keeping the previous value makes every entry self-contained: a watch
// event needs it, and so does rebuilding a snapshot older than the write.
func appendEntry(b []byte, e entry) []byte {
	b = append(b, e.kind)
	b = binary.AppendUvarint(b, uint64(len(e.key)))
	b = append(b, e.key...)
	b = binary.AppendUvarint(b, uint64(e.prevRev))
	b = binary.AppendUvarint(b, uint64(len(e.prev)))
	b = append(b, e.prev...)
	return append(b, e.value...)
}

// entrySize bounds the length of e's encoding.
func entrySize(e entry) int {
	return 1 + 3*binary.MaxVarintLen64 + len(e.key) + len(e.prev) + len(e.value)
}

// decodeEntry parses an entry written by appendEntry.
func decodeEntry(b []byte) (entry, error) {
	var e entry
	if len(b) == 0 {
		return e, fmt.Errorf("%w: empty log entry", errCorrupt)
	}
	e.kind, b = b[0], b[1:]
	if e.kind != entryPut && e.kind != entryDelete {
		return e, fmt.Errorf("%w: log entry kind %d", errCorrupt, e.kind)
	}
	var ok bool
	if e.key, b, ok = cutBytes(b); !ok {
		return e, fmt.Errorf("%w: log entry key", errCorrupt)
	}
	prevRev, n := binary.Uvarint(b)
	if n <= 0 {
		return e, fmt.Errorf("%w: log entry revision", errCorrupt)
	}
	e.prevRev, b = int64(prevRev), b[n:]
	if e.prev, b, ok = cutBytes(b); !ok {
		return e, fmt.Errorf("%w: log entry previous value", errCorrupt)
	}
	e.value = b
	return e, nil
}

// cutBytes reads a uvarint length and that many bytes.
func cutBytes(b []byte) (field, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, nil, false
	}
	return b[w : w+int(n)], b[w+int(n):], true
}

// event converts a log entry written at rev, copying its bytes out of the
// transaction.
func (e entry) event(rev int64) storage.Event {
	ev := storage.Event{Key: string(e.key), ResourceVersion: rev}
	if e.prevRev > 0 {
		ev.PrevValue = clone(e.prev)
	}
	switch {
	case e.kind == entryDelete:
		ev.Type = storage.Deleted
	case e.prevRev == 0:
		ev.Type, ev.Value = storage.Added, clone(e.value)
	default:
		ev.Type, ev.Value = storage.Modified, clone(e.value)
	}
	return ev
}

// clone copies b out of a transaction; a non-nil empty value stays
// non-nil, so an empty stored value is not mistaken for a missing one.
func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

package bolt

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var entryTests = []struct {
	name string
	e    entry
}{
	{name: "create", e: entry{kind: entryPut, key: []byte("/images/a"), value: []byte(`{"a":1}`)}},
	{name: "update", e: entry{kind: entryPut, key: []byte("/images/a"), value: []byte("new"), prevRev: 7, prev: []byte("old")}},
	{name: "delete", e: entry{kind: entryDelete, key: []byte("/imagestreams/ns/x"), prevRev: 1 << 40, prev: []byte("last")}},
	{name: "empty values", e: entry{kind: entryPut, key: []byte("/k"), value: []byte{}, prevRev: 3, prev: []byte{}}},
}

// normalize maps empty slices to nil, since encoding does not tell them
// apart.
func normalize(e entry) entry {
	for _, b := range []*[]byte{&e.key, &e.value, &e.prev} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	return e
}

func TestEntryRoundTrip(t *testing.T) {
	for _, tt := range entryTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeEntry(appendEntry(nil, tt.e))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(normalize(tt.e), normalize(got), cmp.AllowUnexported(entry{})); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeEntryErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{name: "empty", in: nil},
		{name: "unknown kind", in: []byte{9, 0, 0, 0}},
		{name: "key longer than entry", in: []byte{entryPut, 5, '/'}},
		{name: "no revision", in: []byte{entryPut, 1, '/'}},
		{name: "truncated revision", in: []byte{entryPut, 1, '/', 0x80}},
		{name: "prev longer than entry", in: []byte{entryPut, 1, '/', 1, 4, 'a'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e, err := decodeEntry(tt.in); err == nil {
				t.Errorf("decodeEntry(%v) = %+v, want an error", tt.in, e)
			}
		})
	}
}

// FuzzDecodeEntry checks that whatever decodes re-encodes to bytes that
// decode to the same entry, and that nothing panics.
// canonicalEntry reports whether in, which decodeEntry accepts, writes
// its key length, previous revision and previous value length as
// minimal uvarints, as appendEntry does.
func canonicalEntry(in []byte) bool {
	b := in[1:]
	for i := range 3 {
		n, w := binary.Uvarint(b)
		if w != len(binary.AppendUvarint(nil, n)) {
			return false
		}
		b = b[w:]
		if i != 1 {
			b = b[n:]
		}
	}
	return true
}

// FuzzDecodeEntry checks that decodeEntry and appendEntry are inverse on
// canonical bytes and that appendEntry only minimises uvarints otherwise.
func FuzzDecodeEntry(f *testing.F) {
	for _, tt := range entryTests {
		f.Add(appendEntry(nil, tt.e))
	}
	f.Add([]byte{entryPut, 1, '/', 0x80, 0x00, 0})
	f.Add([]byte{entryDelete, 0x81, 0x00, '/', 0x80, 0x01, 0x81, 0x80, 0x00, 'p', 'v'})
	f.Add(appendEntry(nil, entry{kind: entryPut, key: bytes.Repeat([]byte("k"), 200), prevRev: -1, prev: bytes.Repeat([]byte("p"), 300), value: []byte("v")}))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := decodeEntry(in)
		if err != nil {
			return
		}
		out := appendEntry(nil, e)
		again, err := decodeEntry(out)
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if diff := cmp.Diff(normalize(e), normalize(again), cmp.AllowUnexported(entry{})); diff != "" {
			t.Errorf("re-encoded entry differs (-first +second):\n%s", diff)
		}
		// The only normalisation is to minimal uvarints: canonical
		// input re-encodes to itself, other input to shorter canonical
		// bytes.
		if canonicalEntry(in) {
			if !bytes.Equal(out, in) {
				t.Fatalf("canonical entry re-encodes differently:\n in %x\nout %x", in, out)
			}
		} else if len(out) >= len(in) || !canonicalEntry(out) {
			t.Fatalf("non-canonical entry %x re-encodes to %x", in, out)
		}
	})
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(1, []byte("v")))
	f.Add(encodeRecord(1<<62, nil))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		rev, v, err := decodeRecord(in)
		if err != nil {
			if len(in) >= 8 {
				t.Errorf("decodeRecord rejected %d bytes: %v", len(in), err)
			}
			return
		}
		if diff := cmp.Diff(in, encodeRecord(rev, v)); diff != "" {
			t.Errorf("record round trip (-in +re-encoded):\n%s", diff)
		}
	})
}

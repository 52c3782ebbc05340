package history_test

import (
	"context"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
)

func TestParts(t *testing.T) {
	tests := []struct {
		name  string
		parts [][]byte
		want  []byte
	}{
		{name: "concatenation", parts: [][]byte{[]byte("ab"), nil, []byte("c"), {}, []byte("def")}, want: []byte("abcdef")},
		{name: "one part", parts: [][]byte{[]byte("x")}, want: []byte("x")},
		{name: "nil list is empty, not nil", parts: nil, want: []byte{}},
		{name: "empty parts are empty, not nil", parts: [][]byte{nil, {}}, want: []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := history.NewParts(tt.parts)
			if got := p.Len(); got != len(tt.want) {
				t.Errorf("Len() = %d, want %d", got, len(tt.want))
			}
			got := p.Bytes()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Bytes() (-want +got):\n%s", diff)
			}
			if got == nil {
				t.Error("Bytes() is nil, which only a tombstone's value is")
			}
		})
	}
}

// Concurrent first readers share one join.
func TestPartsJoinOnce(t *testing.T) {
	p := history.NewParts([][]byte{[]byte("a"), []byte("b"), []byte("c")})
	got := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = p.Bytes() })
	}
	wg.Wait()
	for i, b := range got {
		if string(b) != "abc" || unsafe.SliceData(b) != unsafe.SliceData(got[0]) {
			t.Errorf("reader %d got %q at %p, want reader 0's %q at %p", i, b, unsafe.SliceData(b), got[0], unsafe.SliceData(got[0]))
		}
	}
}

// A watch delivers events appended with values in parts joined, Value and
// PrevValue alike, in order with the plain ones.
func TestWatchJoinsParts(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	l := history.New(100, 1<<20, 1)
	v2 := history.NewParts([][]byte{[]byte("tw"), []byte("o")})
	l.Append(storage.Event{Type: storage.Added, Key: "/a", Value: []byte("one"), ResourceVersion: 2}, nil)
	l.AppendParts(storage.Event{Type: storage.Modified, Key: "/a", PrevValue: []byte("one"), ResourceVersion: 3}, v2, nil, nil)
	l.AppendParts(storage.Event{Type: storage.Modified, Key: "/a", Value: []byte("three"), ResourceVersion: 4}, nil, v2, nil)
	l.AppendParts(storage.Event{Type: storage.Deleted, Key: "/a", ResourceVersion: 5}, nil, history.NewParts(nil), nil)
	ch, err := l.Watch(ctx, "/", 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []storage.Event
	for range 4 {
		got = append(got, <-ch)
	}
	want := []storage.Event{
		{Type: storage.Added, Key: "/a", Value: []byte("one"), ResourceVersion: 2},
		{Type: storage.Modified, Key: "/a", Value: []byte("two"), PrevValue: []byte("one"), ResourceVersion: 3},
		{Type: storage.Modified, Key: "/a", Value: []byte("three"), PrevValue: []byte("two"), ResourceVersion: 4},
		{Type: storage.Deleted, Key: "/a", PrevValue: []byte{}, ResourceVersion: 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if unsafe.SliceData(got[1].Value) != unsafe.SliceData(got[2].PrevValue) {
		t.Error("the same value in parts was joined twice")
	}
}

// A value in parts counts against the byte bound at its joined length; an
// evicted event reaches evict without its values joined.
func TestByteBoundParts(t *testing.T) {
	l := history.New(100, 100, 1)
	var evicted []storage.Event
	evict := func(ev storage.Event) { evicted = append(evicted, ev) }
	for rv := int64(2); rv <= 3; rv++ {
		value := history.NewParts([][]byte{make([]byte, 30), make([]byte, 28)}) // 60 bytes with the key
		l.AppendParts(storage.Event{Type: storage.Modified, Key: "/k", ResourceVersion: rv}, value, nil, evict)
	}
	want := []storage.Event{{Type: storage.Modified, Key: "/k", ResourceVersion: 2}}
	if diff := cmp.Diff(want, evicted); diff != "" {
		t.Errorf("evicted (-want +got):\n%s", diff)
	}
}

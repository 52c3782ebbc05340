package history

import "sync"

// Parts is a value held as a list of immutable parts whose concatenation is
// the value. A backend that is handed a value in parts keeps it that way:
// storing it costs O(len(parts)) whatever its size, and consecutive
// versions of a large object can share most of their parts. The value is
// joined the first time someone reads it, once, and the joined bytes are
// kept for every later reader. A Parts is safe for concurrent use; neither
// its parts nor its joined bytes may ever be modified.
type Parts struct {
	size int // total length of the parts, fixed by NewParts

	once sync.Once
	// parts is dropped once joined: joined says the same, and an old part
	// no newer version shares can then be collected.
	parts  [][]byte
	joined []byte
}

// NewParts returns the value that is the concatenation of parts. It takes
// over the outer slice and shares the parts themselves: the caller must
// modify neither again.
func NewParts(parts [][]byte) *Parts {
	n := 0
	for _, b := range parts {
		n += len(b)
	}
	return &Parts{size: n, parts: parts}
}

// Len returns the length of the value, without joining it.
func (p *Parts) Len() int { return p.size }

// Bytes returns the value: the concatenation of the parts, joined by the
// first call and shared by every later one, so the callers must not modify
// it. It is never nil, even for an empty value, so that an empty value
// stays distinct from a tombstone's nil.
func (p *Parts) Bytes() []byte {
	p.once.Do(p.join)
	return p.joined
}

// join concatenates the parts into a buffer of their exact total size.
func (p *Parts) join() {
	b := make([]byte, 0, p.size)
	for _, part := range p.parts {
		b = append(b, part...)
	}
	p.joined, p.parts = b, nil
}

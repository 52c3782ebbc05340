package etcd

import (
	"slices"
	"sync"

	"github.com/imagestreams/imagestreams/storage"
)

// hintCount is the number of slots keys hash onto for remembering the
// object last written: enough that unrelated keys rarely evict each
// other, few enough that the remembered values stay small.
const hintCount = 64

// hint remembers the object the last GuaranteedUpdate through this Store
// wrote to one of the keys hashing to it. Other writes through the Store
// forget it; writes by anyone else can make it stale, so it is only ever
// a guess, which the write guard of the next update confirms or refutes.
type hint struct {
	mu  sync.Mutex
	obj storage.Object // Key == "" when empty
}

// hint returns the slot of key (FNV-1a).
func (s *Store) hint(key string) *hint {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	return &s.hints[h%hintCount]
}

// get returns the remembered object of key, if any.
func (h *hint) get(key string) (storage.Object, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.obj.Key != key {
		return storage.Object{}, false
	}
	return h.obj, true
}

// set remembers a copy of obj: the caller may reuse the slice its update
// function returned.
func (h *hint) set(obj storage.Object) {
	obj.Value = slices.Clone(obj.Value)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.obj = obj
}

// forget drops what is remembered of key.
func (h *hint) forget(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.obj.Key == key {
		h.obj = storage.Object{}
	}
}

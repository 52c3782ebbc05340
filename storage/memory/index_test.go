package memory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keysFrom collects what ascend yields.
func keysFrom(x *index, from, prefix string) []string {
	var keys []string
	for e := range x.ascend(from, prefix) {
		keys = append(keys, e.key)
	}
	return keys
}

// checkChunks verifies the index's structural invariants.
func checkChunks(t *testing.T, x *index) {
	t.Helper()
	var prev string
	for ci, c := range x.chunks {
		if len(c) == 0 || len(c) > chunkMax {
			t.Fatalf("chunk %d has %d entries", ci, len(c))
		}
		for _, e := range c {
			if e.key <= prev && !(ci == 0 && prev == "") {
				t.Fatalf("key %q after %q", e.key, prev)
			}
			prev = e.key
		}
	}
}

// The index behaves like a sorted slice of keys under a random mix of
// inserts and removes large enough to split and merge chunks.
func TestIndexMatchesSortedSlice(t *testing.T) {
	tests := []struct {
		name string
		keys int // size of the key space
		ops  int
	}{
		{name: "few keys", keys: 20, ops: 2000},
		{name: "many keys", keys: 3000, ops: 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tt.keys)))
			var x index
			var want []string
			for range tt.ops {
				k := fmt.Sprintf("/k/%05d", rng.IntN(tt.keys))
				i, found := slices.BinarySearch(want, k)
				// Insert more often than remove at first, then drain.
				if !found && rng.IntN(10) < 6 {
					want = slices.Insert(want, i, k)
					x.insert(k, nil)
				} else if found {
					want = slices.Delete(want, i, i+1)
					x.remove(k)
				}
			}
			checkChunks(t, &x)
			if diff := cmp.Diff(want, keysFrom(&x, "", "")); diff != "" {
				t.Fatalf("keys (-want +got):\n%s", diff)
			}
			if x.len() != len(want) {
				t.Errorf("len() = %d, want %d", x.len(), len(want))
			}
			// Every seek position agrees with the sorted slice.
			for range 200 {
				from := fmt.Sprintf("/k/%05d", rng.IntN(tt.keys))
				i, _ := slices.BinarySearch(want, from)
				var wantFrom []string
				for _, k := range want[i:] {
					if strings.HasPrefix(k, "/k/0") {
						wantFrom = append(wantFrom, k)
					}
				}
				got := keysFrom(&x, from, "/k/0")
				if i < len(want) && !strings.HasPrefix(want[i], "/k/0") {
					wantFrom = nil // ascend stops at the first key outside the prefix
				}
				// cmp.Diff only on failure: it is slow on long slices.
				if !slices.Equal(wantFrom, got) {
					t.Fatalf("ascend(%q) (-want +got):\n%s", from, cmp.Diff(wantFrom, got))
				}
			}
			for _, k := range want {
				x.remove(k)
			}
			x.remove("/absent")
			if len(x.chunks) != 0 {
				t.Errorf("%d chunks left after removing every key", len(x.chunks))
			}
		})
	}
}

package prune

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCounterOrder checks that the counter reports released digests in
// order of first use, of each kind apart, across the table's growth: the
// order of a stream's layer and manifest links (PRUNE.md §1.3) comes
// from it.
func TestCounterOrder(t *testing.T) {
	const ids = 3000 // enough to grow the table from 1024 slots three times
	var text digestText
	for i := range ids {
		text.add(fmt.Sprintf("sha256:%064x", i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	c := newScratch()
	for round := range 3 { // reset must leave nothing behind
		var (
			order [2][]int32 // first use of each kind
			seen  = map[int32]bool{}
			kept  = map[int32]bool{} // keys with a use that is not gone
		)
		for range 4 * ids {
			key := int32(rng.IntN(2 * ids / (round + 1)))
			gone := rng.IntN(8) != 0
			if !seen[key] {
				seen[key] = true
				order[key&1] = append(order[key&1], key>>1)
			}
			if !gone {
				kept[key] = true
			}
			g := int32(0)
			if gone {
				g = 1
			}
			c.count(key, g)
		}
		var got [2][]string
		got[0], got[1] = c.released(&text, &c.strs)
		for kind := range int32(2) {
			var want []string
			for _, id := range order[kind] {
				if !kept[2*id+kind] {
					want = append(want, text.at(id))
				}
			}
			if len(want) == 0 || !slices.Equal(got[kind], want) {
				t.Fatalf("round %d, kind %d: released (-want +got):\n%s", round, kind, cmp.Diff(want, got[kind]))
			}
		}
		c.reset()
	}
}

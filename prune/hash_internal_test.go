package prune

import (
	"fmt"
	"strings"
	"testing"
)

// TestHashEveryDigit: digests that differ in only one 8-digit word, at
// any position, hash apart. A hash that skipped a word would let whoever
// names images make every probe of a table walk the same slots.
func TestHashEveryDigit(t *testing.T) {
	hs := newHasher()
	base := strings.Repeat("0123456789abcdef", 4)
	for word := range 8 {
		seen := map[uint64]bool{}
		const n = 1000
		for i := range n {
			hex := base[:8*word] + fmt.Sprintf("%08x", i) + base[8*word+8:]
			seen[hs.hash("sha256:"+hex)>>32] = true // the bits a table's slot keeps
		}
		if len(seen) < n-2 {
			t.Errorf("%d digests differing in word %d give %d distinct hashes", n, word, len(seen))
		}
	}
}

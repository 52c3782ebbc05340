package prune

import (
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/reference"
)

// FuzzParseSpec checks that parseSpec never panics, that a spec it
// salvages (PRUNE.md §6.12) is a part of the invalid spec that parses
// and names what the invalid spec is taken to name, and that a valid
// spec is never salvaged.
func FuzzParseSpec(f *testing.F) {
	for _, spec := range []string{
		"", " ", "r.io/ns/s:t", "r.io/ns/s:t   ", "r.io/ns/s:t x", `r.io/ns/s:t"`, `"r.io/ns/s:t"`,
		"r.io/ns/s:t,", "r.io/ns/s:t;x", "Registry.io/NS/Bad:x", "sh r.io/ns/s:t", "\xffr.io/ns/s@sha256:" + strings.Repeat("0", 64),
	} {
		f.Add(spec)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		res := parseSpec(spec)
		if !res.invalid {
			if res.salvaged != "" || res.err != "" {
				t.Fatalf("parseSpec(%q) = %+v: a valid spec salvaged or with an error", spec, res)
			}
			return
		}
		if res.err == "" {
			t.Fatalf("parseSpec(%q) = %+v: invalid without an error", spec, res)
		}
		if res.salvaged == "" {
			if res.kind != refNone {
				t.Fatalf("parseSpec(%q) = %+v: names something unsalvaged", spec, res)
			}
			return
		}
		if !strings.Contains(spec, res.salvaged) {
			t.Fatalf("parseSpec(%q) salvaged %q, not a part of it", spec, res.salvaged)
		}
		if _, err := reference.Parse(res.salvaged); err != nil {
			t.Fatalf("parseSpec(%q) salvaged %q, which does not parse: %v", spec, res.salvaged, err)
		}
		again := parseSpec(res.salvaged)
		again.spec = spec
		again.invalid, again.err, again.salvaged = res.invalid, res.err, res.salvaged
		if again != res {
			t.Fatalf("parseSpec(%q) = %+v, but its salvaged spec names %+v", spec, res, again)
		}
	})
}

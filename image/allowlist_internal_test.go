package image

import (
	"regexp"
	"strings"
	"testing"
)

// globRegexp translates a glob into the equivalent anchored regexp, the
// reference globMatch is fuzzed against.
func globRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

func FuzzGlobMatch(f *testing.F) {
	seeds := [][2]string{
		{"*.example.com", "a.example.com"}, {"*.example.com", "example.com"}, {"10.0.0.?", "10.0.0.1"},
		{"a*b*c", "aXbYbZc"}, {"*", ""}, {"", ""}, {"?", ""}, {"**a", "ba"}, {"a*", "b"}, {"a*", "a*0"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		// "?" matches one byte, the regexp "." one rune: compare on ASCII.
		for _, c := range []byte(pattern + s) {
			if c >= 0x80 {
				return
			}
		}
		if got, want := globMatch(pattern, s), globRegexp(pattern).MatchString(s); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, want %v", pattern, s, got, want)
		}
	})
}

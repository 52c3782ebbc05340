package reference_test

import (
	"strings"
	"testing"

	distref "github.com/distribution/reference"
	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/reference"
)

// scanCases are grammar corners for the scanner behind Parse (scan.go).
// fast says whether the scanner must decide the spec itself; either way
// its result must be the regexp path's (SEMANTICS §9).
var scanCases = []struct {
	name string
	spec string
	fast bool
}{
	// Path-component separators.
	{name: "double underscore", spec: "a__b", fast: true},
	{name: "dash run", spec: "a---b/c--d", fast: true},
	{name: "triple underscore", spec: "a___b"},
	{name: "dot then underscore", spec: "a._b"},
	{name: "underscore then dot", spec: "a_.b"},
	{name: "dot then dash", spec: "a.-b"},
	{name: "dash then underscore", spec: "a-_b"},
	{name: "underscore then dash", spec: "a_-b"},
	{name: "leading underscore", spec: "_a"},
	{name: "trailing dot", spec: "a."},
	{name: "trailing dash in first component", spec: "a-/b"},
	// First component: hostname, path component, both or neither.
	{name: "upper-case host", spec: "A/b", fast: true},
	{name: "upper-case host with port", spec: "A.b-C:5000/d", fast: true},
	{name: "underscore namespace", spec: "a_b/c", fast: true},
	{name: "underscore host with port", spec: "a_b:5000/c"},
	{name: "upper case and underscore", spec: "A_b/c"},
	{name: "upper-case lone component", spec: "A"},
	{name: "upper-case lone component with tag", spec: "Ab:tag"},
	{name: "upper case after host", spec: "a.b/c/D"},
	{name: "host label ending in dash", spec: "a-.b/c"},
	{name: "IPv4 host with port", spec: "10.0.0.1:5000/a", fast: true},
	{name: "IPv6 host", spec: "[::1]:5000/a"},
	// Port or tag after the first component.
	{name: "digits are a tag without slash", spec: "a:5000", fast: true},
	{name: "digits then digest are a tag", spec: "a:5000@" + sha256ID, fast: true},
	{name: "port then empty path", spec: "a:5000/"},
	{name: "empty port", spec: "a:/b"},
	{name: "tag before slash", spec: "a:b/c"},
	{name: "two ports", spec: "a:1:2/b"},
	{name: "port in second component", spec: "a/b:1/c"},
	{name: "port then tag", spec: "a:5000/b:5000", fast: true},
	{name: "registry-only with port and tag", spec: "a.b:5000", fast: true},
	// Tags.
	{name: "tag of 128", spec: "a:" + strings.Repeat("_", 128), fast: true},
	{name: "tag of 129", spec: "a:" + strings.Repeat("_", 129)},
	{name: "tag starting with dash", spec: "a:-t"},
	{name: "tag with dots and dashes", spec: "a:_.-.-", fast: true},
	{name: "two tags", spec: "a:b:c"},
	{name: "tag with non-ASCII", spec: "a:t\u00e9"},
	// Digests: only well-formed sha256/384/512 are decided by the scanner.
	{name: "tag and sha512", spec: "a/b:t@" + sha512ID, fast: true},
	{name: "empty digest", spec: "a@"},
	{name: "algorithm only", spec: "a@sha256:"},
	{name: "two ats", spec: "a@@" + sha256ID},
	{name: "at after digest", spec: "a@" + sha256ID + "@"},
	{name: "upper-case algorithm", spec: "a@SHA256:" + sha256Hex},
	{name: "upper-case hex", spec: "a@sha256:" + strings.ToUpper(sha256Hex)},
	{name: "sha384 with sha256 length", spec: "a@sha384:" + sha256Hex},
	{name: "sha256 with sha512 length", spec: "a@sha256:" + sha256Hex + sha256Hex},
	{name: "algorithm with suffix", spec: "a@sha256+b64:" + sha256Hex},
	{name: "unsupported algorithm", spec: "a@sha1:" + sha256Hex},
	{name: "digest then tag", spec: "a@" + sha256ID + ":t"},
	// Lengths and bytes the grammar has no room for.
	{name: "name of 255 with tag and digest", spec: "r.io/" + strings.Repeat("a", 250) + ":t@" + sha256ID, fast: true},
	{name: "name of 256 with digest", spec: strings.Repeat("a", 256) + "@" + sha256ID},
	{name: "registry-only name of 256", spec: strings.Repeat("a", 253) + ".io"},
	{name: "Kelvin sign", spec: "k\u212a"},
	{name: "invalid UTF-8", spec: "a\xff"},
	{name: "NUL", spec: "a\x00"},
	{name: "newline", spec: "a\n"},
	{name: "leading space", spec: " a"},
	{name: "empty component", spec: "a//b"},
	{name: "trailing slash", spec: "a/"},
	{name: "empty", spec: ""},
}

// checkFastParse compares Parse, its scanner path and its regexp path on
// spec: Parse must equal the regexp path in result and error, and the
// scanner, when it decides, must agree with the regexp path down to the
// groups ReferenceRegexp captures. It reports whether the scanner decided.
func checkFastParse(t *testing.T, spec string) bool {
	t.Helper()
	want, wantErr := reference.ParseRegexp(spec)
	got, err := reference.Parse(spec)
	if err != wantErr { // identical values: Parse must not wrap or re-create
		t.Fatalf("Parse(%q) error = %v, regexp path error = %v", spec, err, wantErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Parse(%q) differs from the regexp path (-regexp +Parse):\n%s", spec, diff)
	}
	if verr := reference.Validate(spec); verr != wantErr {
		t.Fatalf("Validate(%q) = %v, Parse error = %v", spec, verr, wantErr)
	}

	fast, ok := reference.ParseFast(spec)
	if !ok {
		return false
	}
	if wantErr != nil {
		t.Fatalf("scanner accepted %q, which the regexp path rejects: %v", spec, wantErr)
	}
	if diff := cmp.Diff(want, fast); diff != "" {
		t.Fatalf("scanner result for %q differs (-regexp +scanner):\n%s", spec, diff)
	}
	name, tag, id, _ := reference.Scan(spec)
	m := distref.ReferenceRegexp.FindStringSubmatch(spec)
	if diff := cmp.Diff(m[1:], []string{name, tag, id}); diff != "" {
		t.Fatalf("scanner split %q differently (-regexp +scanner):\n%s", spec, diff)
	}
	return true
}

// TestFastParse runs every TestParse case through both paths of Parse.
// Each valid case must be decided by the scanner, each invalid one must
// be left to the regexp path, which alone produces errors.
func TestFastParse(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFast := tc.wantErr == nil
			if fast := checkFastParse(t, tc.spec); fast != wantFast {
				t.Errorf("scanner decided %q: %v, want %v", tc.spec, fast, wantFast)
			}
			got, ok := reference.ParseFast(tc.spec)
			if !ok {
				got, _ = reference.ParseRegexp(tc.spec)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.spec, diff)
			}
		})
	}
}

// TestScan checks the scanner on grammar corners: it must agree with the
// regexp path and decide exactly the specs marked fast.
func TestScan(t *testing.T) {
	t.Parallel()
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if fast := checkFastParse(t, tc.spec); fast != tc.fast {
				t.Errorf("scanner decided %q: %v, want %v", tc.spec, fast, tc.fast)
			}
		})
	}
}

// FuzzFastParse checks that, for any input, Parse returns exactly what the
// regexp path returns, and that the scanner never accepts a spec the
// regexp path rejects nor splits one differently.
func FuzzFastParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.spec)
	}
	for _, tc := range scanCases {
		f.Add(tc.spec)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		checkFastParse(t, spec)
	})
}

// BenchmarkParseRegexp measures the regexp path alone on the valid specs
// of BenchmarkParse, to show what the scanner saves.
func BenchmarkParseRegexp(b *testing.B) {
	for _, bc := range benchSpecs {
		if _, err := reference.Parse(bc.spec); err != nil {
			continue
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.spec)))
			for b.Loop() {
				_, _ = reference.ParseRegexp(bc.spec)
			}
		})
	}
}

// TestScanDigestBytes puts every byte value at each position of the first
// and last eight-byte words of a sha256 digest's hex, which isLowerHex
// tests as a unit: the scanner must agree with the regexp path on each,
// and decide exactly the lower-case hex ones.
func TestScanDigestBytes(t *testing.T) {
	t.Parallel()
	for _, pos := range []int{0, 1, 2, 3, 4, 5, 6, 7, 56, 57, 58, 59, 60, 61, 62, 63} {
		for c := range 256 {
			spec := "a@sha256:" + sha256Hex[:pos] + string([]byte{byte(c)}) + sha256Hex[pos+1:]
			wantFast := '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
			if fast := checkFastParse(t, spec); fast != wantFast {
				t.Fatalf("scanner decided %q: %v, want %v", spec, fast, wantFast)
			}
		}
	}
}

// TestScanExhaustive runs every string of up to five bytes over an
// alphabet that reaches each rule of the name and tag grammar: lower and
// upper case, digits, the three separators and the three delimiters. The
// scanner must decide exactly the strings the grammar accepts (none is
// too long or has a digest), with the regexp path's result.
func TestScanExhaustive(t *testing.T) {
	t.Parallel()
	const alphabet = "a1A_.-:/@"
	maxLen := 5 // 66,430 strings; six bytes take ten times as long
	if testing.Short() {
		maxLen = 4
	}
	valid := 0
	spec := make([]byte, 0, maxLen)
	var walk func()
	walk = func() {
		s := string(spec)
		// MatchString is far cheaper than a full ParseRegexp on the
		// (mostly invalid) strings, and agrees with it on this alphabet.
		match := distref.ReferenceRegexp.MatchString(s)
		if _, fast := reference.ParseFast(s); match || fast {
			if fast := checkFastParse(t, s); fast != match {
				t.Fatalf("scanner decided %q: %v, want %v", s, fast, match)
			}
			valid++
		}
		if len(spec) == maxLen {
			return
		}
		for i := range len(alphabet) {
			spec = append(spec, alphabet[i])
			walk()
			spec = spec[:len(spec)-1]
		}
	}
	walk()
	t.Logf("%d valid specs", valid)
}

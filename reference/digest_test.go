package reference_test

import (
	"strings"
	"testing"

	distref "github.com/distribution/reference"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/reference"
)

var validDigestCases = []struct {
	name string
	d    string
	want bool
}{
	{name: "sha256", d: "sha256:" + sha256Hex, want: true},
	{name: "sha384", d: "sha384:" + strings.Repeat("ab", 48), want: true},
	{name: "sha512", d: "sha512:" + strings.Repeat("0f", 64), want: true},
	{name: "empty", d: ""},
	{name: "no hex", d: "sha256:"},
	{name: "short", d: "sha256:" + sha256Hex[:63]},
	{name: "long", d: "sha256:" + sha256Hex + "0"},
	{name: "upper case", d: "sha256:" + strings.ToUpper(sha256Hex)},
	{name: "not hex", d: "sha256:" + sha256Hex[:63] + "g"},
	{name: "unknown algorithm", d: "md5:" + sha256Hex[:32]},
	{name: "sha384 length of sha256", d: "sha384:" + sha256Hex},
	{name: "no algorithm", d: sha256Hex},
	{name: "upper-case algorithm", d: "SHA256:" + sha256Hex},
	{name: "extended algorithm", d: "sha256+b64:" + sha256Hex},
}

// TestValidDigest checks ValidDigest against the table and against
// digest.Parse, whose verdict it must match.
func TestValidDigest(t *testing.T) {
	t.Parallel()
	for _, tc := range validDigestCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := reference.ValidDigest(tc.d); got != tc.want {
				t.Errorf("ValidDigest(%q) = %v, want %v", tc.d, got, tc.want)
			}
			if _, err := digest.Parse(tc.d); (err == nil) != tc.want {
				t.Errorf("digest.Parse(%q) error %v disagrees with the table", tc.d, err)
			}
		})
	}
}

// FuzzValidDigest checks that ValidDigest agrees with digest.Parse.
func FuzzValidDigest(f *testing.F) {
	for _, tc := range validDigestCases {
		f.Add(tc.d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		_, err := digest.Parse(d)
		if got := reference.ValidDigest(d); got != (err == nil) {
			t.Errorf("ValidDigest(%q) = %v, digest.Parse error: %v", d, got, err)
		}
	})
}

func BenchmarkValidDigest(b *testing.B) {
	d := "sha256:" + sha256Hex
	b.Run("ValidDigest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !reference.ValidDigest(d) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("digest.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := digest.Parse(d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var validRepositoryCases = []struct {
	path string
	want bool
}{
	{"ns/s", true},
	{"s", true},
	{"a/b/c", true},
	{"my-ns/a.b__c_d--e", true},
	{"0/9", true},
	{strings.Repeat("a", reference.NameTotalLengthMax), true},
	{strings.Repeat("a", reference.NameTotalLengthMax+1), false},
	{"", false},
	{"ns/", false},
	{"/s", false},
	{"ns//s", false},
	{"ns/../admin", false},
	{"ns/./s", false},
	{"ns/.s", false},
	{"ns/s.", false},
	{"ns/a___b", false},
	{"Ns/s", false},
	{"ns/s:tag", false},
	{"ns/s@sha256:" + sha256Hex, false},
	{"localhost:5000/s", false},
	{"ns/s%2F..", false},
	{"ns/s?x", false},
	{"ns/s#x", false},
	{"ns/a b", false},
}

// TestValidRepository checks ValidRepository against the table and
// against distribution/reference's reading of the path under a host.
func TestValidRepository(t *testing.T) {
	t.Parallel()
	for _, tc := range validRepositoryCases {
		if got := reference.ValidRepository(tc.path); got != tc.want {
			t.Errorf("ValidRepository(%q) = %v, want %v", tc.path, got, tc.want)
		}
		if len(tc.path) <= 200 && distributionRepository(tc.path) != tc.want {
			t.Errorf("distribution/reference disagrees with the table on %q", tc.path)
		}
	}
}

// distributionRepository reports whether distribution/reference reads
// "example.com/" + path as a name whose path is path, with no tag or
// digest.
func distributionRepository(path string) bool {
	named, err := distref.ParseNamed("example.com/" + path)
	if err != nil {
		return false
	}
	_, tagged := named.(distref.Tagged)
	_, digested := named.(distref.Digested)
	return !tagged && !digested && distref.Domain(named) == "example.com" && distref.Path(named) == path
}

// FuzzValidRepository checks that ValidRepository agrees with
// distribution/reference (paths short enough that the host does not
// push the name over its length limit).
func FuzzValidRepository(f *testing.F) {
	for _, tc := range validRepositoryCases {
		f.Add(tc.path)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if len(path) > 200 {
			return
		}
		if got, want := reference.ValidRepository(path), distributionRepository(path); got != want {
			t.Errorf("ValidRepository(%q) = %v, distribution/reference: %v", path, got, want)
		}
	})
}

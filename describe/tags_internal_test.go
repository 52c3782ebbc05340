package describe

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSortTags(t *testing.T) {
	tests := []struct {
		name string
		in   string // space-separated tags
		want string
	}{
		{
			name: "SEMANTICS §5.5 example",
			in:   "other latest v5.5 5.2.3 5.5 v5.3.6-bother 5.3.6-abba 5.6",
			want: "latest 5.6 5.5 v5.5 v5.3.6-bother 5.3.6-abba 5.2.3 other",
		},
		{name: "seed python stream", in: "3.5 latest", want: "latest 3.5"},
		{name: "numeric not lexical", in: "1.9 1.10 1.2", want: "1.10 1.9 1.2"},
		{name: "minor suffix is a prerelease", in: "5.5-rc1 5.5 5.4", want: "5.5 5.5-rc1 5.4"},
		{name: "prerelease identifiers", in: "1.0.0-beta.11 1.0.0-beta.2 1.0.0-alpha 1.0.0 1.0.0-1", want: "1.0.0 1.0.0-beta.11 1.0.0-beta.2 1.0.0-alpha 1.0.0-1"},
		{name: "build metadata ignored", in: "1.0.0+b 1.0.1", want: "1.0.1 1.0.0+b"},
		{name: "leading zeros and junk are other", in: "01.2 1.2.3.4 v 1.x zeta alpha", want: "01.2 1.2.3.4 1.x alpha v zeta"},
		{name: "minors before full versions", in: "9.9.9 1.0", want: "1.0 9.9.9"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Fields(tt.in)
			sortTags(got)
			if diff := cmp.Diff(strings.Fields(tt.want), got); diff != "" {
				t.Errorf("sortTags(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzSortTags checks that the order is total: sorting any permutation
// of the same tags gives the same result, and sorting is idempotent.
func FuzzSortTags(f *testing.F) {
	f.Add("other latest v5.5 5.2.3 5.5 v5.3.6-bother 5.3.6-abba 5.6")
	f.Add("1.0.0-beta.11 1.0.0-beta.2 1.0.0-alpha 1.0.0 1.0.0-1")
	f.Add("5.5-rc1 5.5 v5.5-rc1 01.2 1.x")
	f.Fuzz(func(t *testing.T, in string) {
		tags := strings.Fields(in)
		a := slices.Clone(tags)
		sortTags(a)
		b := slices.Clone(tags)
		slices.Reverse(b)
		sortTags(b)
		if !slices.Equal(a, b) {
			t.Fatalf("order depends on input order:\n%q\n%q", a, b)
		}
		c := slices.Clone(a)
		sortTags(c)
		if !slices.Equal(a, c) {
			t.Fatalf("not idempotent: %q then %q", a, c)
		}
		if slices.Contains(tags, "latest") && a[0] != "latest" {
			t.Fatalf("latest not first: %q", a)
		}
	})
}

package image_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
)

var prioritizeTests = []struct {
	name string
	in   []string
	want []string
}{
	{
		name: "SEMANTICS §5.5 example",
		in:   []string{"other", "latest", "v5.5", "5.2.3", "5.5", "v5.3.6-bother", "5.3.6-abba", "5.6"},
		want: []string{"latest", "5.6", "5.5", "v5.5", "v5.3.6-bother", "5.3.6-abba", "5.2.3", "other"},
	},
	{
		name: "repository import example (SEMANTICS §8.3)",
		in:   []string{"v2", "3", "other", "3.1", "abc", "v1"},
		want: []string{"3.1", "3", "abc", "other", "v1", "v2"},
	},
	{
		name: "minor with suffix is a prerelease of X.Y.0",
		in:   []string{"1.2-rc1", "1.2", "1.1", "1.2-rc2"},
		want: []string{"1.2", "1.2-rc2", "1.2-rc1", "1.1"},
	},
	{
		name: "numeric prerelease identifiers compare as numbers",
		in:   []string{"1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.0.0-alpha"},
		want: []string{"1.0.0", "1.0.0-rc.10", "1.0.0-rc.2", "1.0.0-alpha"},
	},
	{
		name: "leading zeros are not versions",
		in:   []string{"01.2", "1.02.3", "1.2.3"},
		want: []string{"1.2.3", "01.2", "1.02.3"},
	},
	{
		name: "build metadata is ignored; v comes after; equals in lexical order",
		in:   []string{"v1.0.0", "1.0.0+b2", "1.0.0+b1"},
		want: []string{"1.0.0+b1", "1.0.0+b2", "v1.0.0"},
	},
	{name: "seed python stream (oc describe is/python)", in: []string{"3.5", "latest"}, want: []string{"latest", "3.5"}},
	{name: "numeric not lexical", in: []string{"1.9", "1.10", "1.2"}, want: []string{"1.10", "1.9", "1.2"}},
	{
		name: "prerelease identifiers",
		in:   []string{"1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-alpha", "1.0.0", "1.0.0-1"},
		want: []string{"1.0.0", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-alpha", "1.0.0-1"},
	},
	{
		name: "junk is other, in lexical order",
		in:   []string{"01.2", "1.2.3.4", "v", "1.x", "zeta", "alpha"},
		want: []string{"01.2", "1.2.3.4", "1.x", "alpha", "v", "zeta"},
	},
	{name: "minors before full versions", in: []string{"9.9.9", "1.0"}, want: []string{"1.0", "9.9.9"}},
	{name: "empty", in: []string{}, want: []string{}},
}

func TestPrioritizeTags(t *testing.T) {
	t.Parallel()
	for _, tt := range prioritizeTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := slices.Clone(tt.in)
			image.PrioritizeTags(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PrioritizeTags (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzPrioritizeTags(f *testing.F) {
	for _, tt := range prioritizeTests {
		f.Add(strings.Join(tt.in, ","))
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags := strings.Split(s, ",")
		got := slices.Clone(tags)
		image.PrioritizeTags(got)
		// Properties: a permutation, idempotent, total, latest first if present.
		a, b := slices.Clone(tags), slices.Clone(got)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("not a permutation: %q -> %q", tags, got)
		}
		again := slices.Clone(got)
		image.PrioritizeTags(again)
		if !slices.Equal(got, again) {
			t.Fatalf("not idempotent: %q -> %q", got, again)
		}
		// A total order: the input's order does not matter.
		reversed := slices.Clone(tags)
		slices.Reverse(reversed)
		image.PrioritizeTags(reversed)
		if !slices.Equal(got, reversed) {
			t.Fatalf("order depends on the input's order:\n%q\n%q", got, reversed)
		}
		if slices.Contains(tags, "latest") && got[0] != "latest" {
			t.Fatalf("latest is not first: %q", got)
		}
	})
}

func BenchmarkPrioritizeTags(b *testing.B) {
	tags := make([]string, 0, 1000)
	for i := range 1000 {
		switch i % 4 {
		case 0:
			tags = append(tags, "v1."+strings.Repeat("1", i%5+1)+".3")
		case 1:
			tags = append(tags, "2."+string(rune('0'+i%10)))
		case 2:
			tags = append(tags, "build-"+string(rune('a'+i%26)))
		default:
			tags = append(tags, "3.1-rc"+string(rune('0'+i%10)))
		}
	}
	b.ReportAllocs()
	work := make([]string, len(tags))
	for b.Loop() {
		copy(work, tags)
		image.PrioritizeTags(work)
	}
}

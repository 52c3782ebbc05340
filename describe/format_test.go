package describe_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/describe"
)

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"negative (clock skew)", -time.Hour, "Less than a second"},
		{"zero", 0, "Less than a second"},
		{"one second", time.Second, "1 second"},
		{"seconds", 59 * time.Second, "59 seconds"},
		{"a minute", 79 * time.Second, "About a minute"},
		{"minutes", 5*time.Minute + 19*time.Second, "5 minutes"},
		{"last minute", 59*time.Minute + 59*time.Second, "59 minutes"},
		{"about an hour", 89 * time.Minute, "About an hour"},
		{"hours round to nearest", 90 * time.Minute, "2 hours"},
		{"hours", 47 * time.Hour, "47 hours"},
		{"days", 13 * 24 * time.Hour, "13 days"},
		{"two weeks (seed istag)", 15 * 24 * time.Hour, "2 weeks"},
		{"weeks", 59 * 24 * time.Hour, "8 weeks"},
		{"months", 74 * 24 * time.Hour, "2 months"},
		{"years", 3 * 365 * 24 * time.Hour, "3 years"},
		{"max", math.MaxInt64, "292 years"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, describe.HumanDuration(tt.d)); diff != "" {
				t.Errorf("HumanDuration(%v) (-want +got):\n%s", tt.d, diff)
			}
		})
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{"zero", 0, "0 B"},
		{"bytes", 999, "999 B"},
		{"kilo is 1000", 1000, "1 kB"},
		{"seed first layer", 2_898_000, "2.898 MB"},
		{"seed last layer", 72_260_000, "72.26 MB"},
		{"seed image", 251_200_000, "251.2 MB"},
		{"docs image", 441_976_279, "442 MB"},
		{"rounds to four digits", 1_234_567_890, "1.235 GB"},
		{"negative", -2_000, "-2 kB"},
		{"max", math.MaxInt64, "9.223 EB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, describe.HumanSize(tt.n)); diff != "" {
				t.Errorf("HumanSize(%d) (-want +got):\n%s", tt.n, diff)
			}
		})
	}
}

// FuzzHumanSize checks the shape of every size: a number with at most
// four significant digits, a space and a known unit.
func FuzzHumanSize(f *testing.F) {
	for _, n := range []int64{0, 999, 1000, 2_898_000, 441_976_279, math.MaxInt64, math.MinInt64} {
		f.Add(n)
	}
	units := map[string]bool{"B": true, "kB": true, "MB": true, "GB": true, "TB": true, "PB": true, "EB": true}
	f.Fuzz(func(t *testing.T, n int64) {
		s := describe.HumanSize(n)
		num, unit, ok := strings.Cut(s, " ")
		if !ok || !units[unit] {
			t.Fatalf("HumanSize(%d) = %q: bad unit", n, s)
		}
		digits := strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(num, "-"), ".", ""), "0")
		if len(digits) > 4 || strings.ContainsAny(num, "e+") {
			t.Fatalf("HumanSize(%d) = %q: more than four digits", n, s)
		}
	})
}

package describe_test

import (
	"math"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
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

// FuzzHumanSize checks every size against HumanSize's doc: the unit is
// the largest decimal unit not above |n| (EB at most), the number has at
// most four significant digits in canonical form (no exponent, no
// leading or trailing zeros), it reads back as n to within half a unit
// of its fourth significant digit (exactly for bytes), it is in [1, 1000)
// for any unit above B (1000 only when |n| rounds up to it, as go-units
// prints "1000 kB"), the sign is n's and HumanSize(-n) is "-" +
// HumanSize(n), and the value read back never decreases as n grows.
func FuzzHumanSize(f *testing.F) {
	for _, n := range []int64{0, 999, 1000, 999_949, 999_950, 1_000_000, 2_898_000, 441_976_279, 1_234_567_890, math.MaxInt64, math.MinInt64} {
		f.Add(n, n+1)
	}
	f.Add(int64(999), int64(1000))
	f.Add(int64(-1), int64(1))
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	canonical := regexp.MustCompile(`^-?(0|[1-9][0-9]{0,3}|[1-9][0-9]{0,2}\.[0-9]{0,2}[1-9]|0\.[0-9]{0,3}[1-9])$`)
	// value parses s back to an exact rational and returns its unit index.
	value := func(t *testing.T, n int64) (*big.Rat, int, string) {
		t.Helper()
		s := describe.HumanSize(n)
		num, unit, ok := strings.Cut(s, " ")
		u := slices.Index(units, unit)
		if !ok || u < 0 {
			t.Fatalf("HumanSize(%d) = %q: bad unit", n, s)
		}
		if !canonical.MatchString(num) {
			t.Fatalf("HumanSize(%d) = %q: not a canonical number of at most four significant digits", n, s)
		}
		if digits := strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(num, "-"), ".", ""), "0"); len(digits) > 4 {
			t.Fatalf("HumanSize(%d) = %q: more than four significant digits", n, s)
		}
		v, ok := new(big.Rat).SetString(num)
		if !ok {
			t.Fatalf("HumanSize(%d) = %q: number does not parse", n, s)
		}
		return v, u, s
	}
	f.Fuzz(func(t *testing.T, n, m int64) {
		v, u, s := value(t, n)
		// The unit: the largest power of 1000 not above |n|.
		abs := new(big.Int).Abs(big.NewInt(n))
		wantU := 0
		for p := big.NewInt(1000); wantU < len(units)-1 && abs.Cmp(p) >= 0; p.Mul(p, big.NewInt(1000)) {
			wantU++
		}
		if u != wantU {
			t.Fatalf("HumanSize(%d) = %q: unit %s, want %s", n, s, units[u], units[wantU])
		}
		if (n < 0) != strings.HasPrefix(s, "-") {
			t.Fatalf("HumanSize(%d) = %q: wrong sign", n, s)
		}
		mag := new(big.Rat).Abs(v)
		if u == 0 {
			if v.Cmp(new(big.Rat).SetInt64(n)) != 0 {
				t.Fatalf("HumanSize(%d) = %q: bytes are not exact", n, s)
			}
		} else if mag.Cmp(big.NewRat(1, 1)) < 0 || mag.Cmp(big.NewRat(1000, 1)) > 0 {
			t.Fatalf("HumanSize(%d) = %q: number outside [1, 1000]", n, s)
		}
		// Read back: |v*1000^u - n| is at most half a unit of the fourth
		// significant digit, 5e-4 of |n|, plus float64 slack of 1e-12.
		scale := new(big.Int).Exp(big.NewInt(1000), big.NewInt(int64(u)), nil)
		back := new(big.Rat).Mul(v, new(big.Rat).SetInt(scale))
		diff := new(big.Rat).Sub(back, new(big.Rat).SetInt64(n))
		diff.Abs(diff)
		bound := new(big.Rat).Mul(new(big.Rat).SetInt(abs), big.NewRat(5_000_001, 10_000_000_000))
		if diff.Cmp(bound) > 0 {
			t.Fatalf("HumanSize(%d) = %q reads back as %s, off by more than half a unit of the fourth digit", n, s, back.FloatString(3))
		}
		if n > 0 {
			if neg := describe.HumanSize(-n); neg != "-"+s {
				t.Fatalf("HumanSize(%d) = %q, HumanSize(%d) = %q: not symmetric", -n, neg, n, s)
			}
		}
		// Monotonic: the larger size never reads back smaller.
		w, wu, ws := value(t, m)
		wback := new(big.Rat).Mul(w, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(1000), big.NewInt(int64(wu)), nil)))
		if c := back.Cmp(wback); n < m && c > 0 || n > m && c < 0 {
			t.Fatalf("HumanSize(%d) = %q and HumanSize(%d) = %q are out of order", n, s, m, ws)
		}
	})
}

// TestEmptyKeyLabel: a label or Docker label with an empty key still gets
// its "key=value" line (it used to be skipped as if it were a key to
// hide, and an image whose only label it was read "Labels: <none>").
func TestEmptyKeyLabel(t *testing.T) {
	labels := map[string]string{"": "x", "a": "1"}
	var stream strings.Builder
	if err := describe.ImageStream(&stream, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "s", Labels: labels}}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if want := "Labels:\t\t\t=x\n\t\t\ta=1\n"; !strings.Contains(stream.String(), want) {
		t.Errorf("ImageStream labels: got\n%s\nwant them to contain %q", stream.String(), want)
	}
	var img strings.Builder
	only := map[string]string{"": "x"}
	if err := describe.Image(&img, &image.Image{ObjectMeta: image.ObjectMeta{Name: "i", Labels: only}, DockerImageMetadata: image.DockerImage{Config: &image.DockerConfig{Labels: only}}}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nLabels:\t\t=x\n", "\nDocker Labels:\t=x\n"} {
		if !strings.Contains(img.String(), want) {
			t.Errorf("Image: got\n%s\nwant it to contain %q", img.String(), want)
		}
	}
}

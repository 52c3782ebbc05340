package prune

import (
	"testing"
	"time"
)

// TestPlanFilter checks that Execute counts references as the plan whose
// policy it reads did (PRUNE.md §1.2, §3.3), and counts every one when
// that policy cannot be read.
func TestPlanFilter(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	hour := Policy{Now: now, KeepYoungerThan: time.Hour.String()}
	ignoring := hour
	ignoring.IgnoreInvalidRefs = true
	tests := []struct {
		name     string
		p        Policy
		created  time.Time
		wantLive bool
		salvage  bool
	}{
		{"younger than the threshold", hour, now.Add(-time.Hour + time.Nanosecond), true, true},
		{"exactly at the threshold", hour, now.Add(-time.Hour), false, true},
		{"older", hour, now.Add(-2 * time.Hour), false, true},
		{"size mode: any creation time", Policy{Now: now}, now.Add(-1000 * time.Hour), true, true},
		{"size mode: no creation time", Policy{Now: now}, time.Time{}, false, true},
		{"IgnoreInvalidRefs repairs no spec", ignoring, now, true, false},
		{"an unreadable keep-younger-than counts everything", Policy{Now: now, KeepYoungerThan: "an hour"}, time.Time{}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := planFilter(&Decisions{Policy: tt.p})
			if got := f.live(false, stampAt(tt.created)); got != tt.wantLive {
				t.Errorf("an inactive owner created %v counts: %v, want %v", tt.created, got, tt.wantLive)
			}
			if !f.live(true, stampAt(tt.created)) {
				t.Error("an active owner does not count")
			}
			if f.salvage != tt.salvage {
				t.Errorf("salvage = %v, want %v", f.salvage, tt.salvage)
			}
		})
	}
}

// TestPlanFilterMatchesPlan checks that the filter Execute rebuilds from a
// plan's recorded policy is the one the plan used.
func TestPlanFilterMatchesPlan(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 123456789, time.UTC)
	for _, o := range []Options{
		{Now: now},
		{Now: now, KeepYoungerThan: new(37*time.Minute + 11*time.Nanosecond)},
		{Now: now, PruneOverSizeLimit: true},
		{Now: now, IgnoreInvalidRefs: true},
	} {
		p := resolve(o)
		want := newRefFilter(&p)
		if got := planFilter(&Decisions{Policy: p.summary()}); got != want {
			t.Errorf("%+v: Execute's filter %+v, the plan's %+v", o, got, want)
		}
	}
}

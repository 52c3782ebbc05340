package prune_test

import (
	"errors"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestOverrides covers the precedence documented on Override: exact tag >
// tag pattern > stream > label selector > namespace > Options, a
// combination above its parts (PRUNE.md §6.10).
func TestOverrides(t *testing.T) {
	hist := func(f *fx, p string) []*image.Image {
		return []*image.Image{f.image(p + "0"), f.image(p + "1"), f.image(p + "2"), f.image(p + "3")}
	}
	runRules(t, []ruleCase{
		{
			name: "namespace override replaces the global keep-tag-revisions",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: hist(f, "a")})
				f.stream("other", "s", tag{name: "t", history: hist(f, "b")})
			},
			opts: func(o *prune.Options) {
				o.KeepTagRevisions, o.SkipRegistry = ptr(1), true
				o.Overrides = []prune.Override{{Namespace: "ns", KeepTagRevisions: ptr(3)}}
			},
			wantEvents: map[string]string{
				"ns/s:t#2": "keep within-revisions", "ns/s:t#3": "delete unused",
				"other/s:t#0": "keep within-revisions", "other/s:t#1": "delete unused",
			},
		},
		{
			name: "exact tag beats pattern beats stream beats namespace, whatever the order",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "release-1", history: hist(f, "a")}, tag{name: "release-2", history: hist(f, "b")}, tag{name: "dev", history: hist(f, "c")})
				f.stream("ns", "o", tag{name: "dev", history: hist(f, "d")})
			},
			opts: func(o *prune.Options) {
				o.SkipRegistry = true
				o.Overrides = []prune.Override{
					{Namespace: "ns", KeepTagRevisions: ptr(0)},
					{Namespace: "ns", Stream: "s", KeepTagRevisions: ptr(1)},
					{Tag: "release-*", KeepTagRevisions: ptr(2)},
					{Namespace: "ns", Stream: "s", Tag: "release-1", KeepTagRevisions: ptr(3)},
				}
			},
			wantEvents: map[string]string{
				"ns/s:release-1#2": "keep within-revisions", "ns/s:release-1#3": "delete unused",
				"ns/s:release-2#1": "keep within-revisions", "ns/s:release-2#2": "delete unused",
				"ns/s:dev#0": "keep within-revisions", "ns/s:dev#1": "delete unused",
				"ns/o:dev#0": "delete unused",
			},
			wantRemoved: []string{"ns/o:dev"},
		},
		{
			name: "among equally specific overrides the first wins",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "v1", history: hist(f, "a")})
			},
			opts: func(o *prune.Options) {
				o.SkipRegistry = true
				o.Overrides = []prune.Override{{Tag: "v*", KeepTagRevisions: ptr(0)}, {Tag: "*", KeepTagRevisions: ptr(4)}}
			},
			wantEvents:  map[string]string{"ns/s:v1#0": "delete unused"},
			wantRemoved: []string{"ns/s:v1"},
		},
		{
			name: "never prune keeps dangling and old events; keep-younger-than per tag",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "audit", history: []*image.Image{f.missing("g"), f.image("x")}},
					tag{name: "slow", history: []*image.Image{f.image("y")}, created: []time.Time{now.Add(-10 * time.Hour)}})
			},
			opts: func(o *prune.Options) {
				o.KeepTagRevisions, o.SkipRegistry = ptr(0), true
				o.Overrides = []prune.Override{{Namespace: "ns", Stream: "s", Tag: "audit", Never: true}, {Tag: "slow", KeepYoungerThan: ptr(24 * time.Hour)}}
			},
			wantEvents: map[string]string{"ns/s:audit#0": "keep never-prune", "ns/s:audit#1": "keep never-prune", "ns/s:slow#0": "keep young"},
			wantImages: map[string]string{"x": "keep tagged", "y": "keep tagged"},
		},
		{
			name: "a stream-level keep-younger-than decides whether the stream is young",
			build: func(f *fx) {
				is := f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a")}})
				is.CreationTimestamp = image.NewTime(now.Add(-10 * time.Hour))
			},
			opts: func(o *prune.Options) {
				o.KeepTagRevisions, o.SkipRegistry = ptr(0), true
				o.Overrides = []prune.Override{{Namespace: "ns", KeepYoungerThan: ptr(24 * time.Hour)}}
			},
			wantEvents: map[string]string{"ns/s:t#0": "keep young-stream"},
		},
		{
			name: "a label selector's keep-younger-than decides whether the stream is young, a tag's does not",
			build: func(f *fx) {
				is := f.stream("ns", "s", tag{name: "t", history: []*image.Image{f.image("a")}})
				is.CreationTimestamp = image.NewTime(now.Add(-10 * time.Hour))
				is.Labels = map[string]string{"team": "a"}
				f.stream("ns", "o", tag{name: "t", history: []*image.Image{f.image("b")}}).CreationTimestamp = image.NewTime(now.Add(-10 * time.Hour))
			},
			opts: func(o *prune.Options) {
				o.KeepTagRevisions, o.SkipRegistry = ptr(0), true
				o.Overrides = []prune.Override{
					{StreamLabels: map[string]string{"team": "a"}, KeepYoungerThan: ptr(24 * time.Hour)},
					{Tag: "t", KeepYoungerThan: ptr(24 * time.Hour)}, // events are older than a day
				}
			},
			wantEvents:  map[string]string{"ns/s:t#0": "keep young-stream", "ns/o:t#0": "delete unused"},
			wantRemoved: []string{"ns/o:t"},
		},
		{
			name: "a combination beats its parts, whatever the order",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "v1", history: hist(f, "a")}).Labels = map[string]string{"team": "a"}
			},
			opts: func(o *prune.Options) {
				o.SkipRegistry = true
				o.Overrides = []prune.Override{
					{Tag: "v*", KeepTagRevisions: ptr(0)},
					{Namespace: "ns", Tag: "v*", KeepTagRevisions: ptr(1)},
					{StreamLabels: map[string]string{"team": "a"}, KeepYoungerThan: ptr(24 * 365 * time.Hour)},
					{Namespace: "ns", StreamLabels: map[string]string{"team": "a"}, KeepYoungerThan: ptr(time.Duration(0))},
				}
			},
			wantEvents: map[string]string{"ns/s:v1#0": "keep within-revisions", "ns/s:v1#1": "delete unused"},
		},
		{
			name: "a stream name beats a label selector, which beats a namespace",
			build: func(f *fx) {
				f.stream("ns", "s", tag{name: "t", history: hist(f, "a")}).Labels = map[string]string{"tier": "gold"}
				f.stream("ns", "o", tag{name: "t", history: hist(f, "b")}).Labels = map[string]string{"tier": "gold", "x": "y"}
				f.stream("ns", "p", tag{name: "t", history: hist(f, "c")}).Labels = map[string]string{"tier": "silver"}
			},
			opts: func(o *prune.Options) {
				o.SkipRegistry = true
				o.Overrides = []prune.Override{
					{Namespace: "ns", KeepTagRevisions: ptr(1)},
					{Namespace: "ns", Stream: "s", KeepTagRevisions: ptr(3)},
					{StreamLabels: map[string]string{"tier": "gold"}, KeepTagRevisions: ptr(2)},
				}
			},
			wantEvents: map[string]string{
				"ns/s:t#2": "keep within-revisions", "ns/s:t#3": "delete unused",
				"ns/o:t#1": "keep within-revisions", "ns/o:t#2": "delete unused",
				"ns/p:t#0": "keep within-revisions", "ns/p:t#1": "delete unused",
			},
		},
		{
			name: "size mode honours only never",
			build: func(f *fx) {
				a, b := f.image("a"), f.image("b")
				f.stream("ns", "s", tag{name: "keep", history: []*image.Image{a}}, tag{name: "n", history: []*image.Image{b}})
			},
			opts: func(o *prune.Options) {
				o.PruneOverSizeLimit, o.ImageSizeLimits, o.SkipRegistry = true, map[string]int64{"ns": 1}, true
				o.Overrides = []prune.Override{{Tag: "keep", Never: true}, {Tag: "n", KeepTagRevisions: ptr(5)}}
			},
			wantEvents:  map[string]string{"ns/s:keep#0": "keep never-prune", "ns/s:n#0": "delete over-size-limit"},
			wantRemoved: []string{"ns/s:n"},
		},
	})
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    prune.Options
		wantErr bool
	}{
		{name: "defaults", opts: prune.Options{Now: now}},
		{name: "zero now", opts: prune.Options{}, wantErr: true},
		{name: "negative keep-tag-revisions", opts: prune.Options{Now: now, KeepTagRevisions: ptr(-1)}, wantErr: true},
		{name: "negative keep-younger-than", opts: prune.Options{Now: now, KeepYoungerThan: ptr(-time.Second)}, wantErr: true},
		{name: "size mode with keep-tag-revisions", opts: prune.Options{Now: now, PruneOverSizeLimit: true, KeepTagRevisions: ptr(3)}, wantErr: true},
		{name: "size mode with keep-younger-than", opts: prune.Options{Now: now, PruneOverSizeLimit: true, KeepYoungerThan: ptr(time.Hour)}, wantErr: true},
		{name: "size mode alone", opts: prune.Options{Now: now, PruneOverSizeLimit: true}},
		{name: "age and size with both keep flags (PRUNE.md §6.10)", opts: prune.Options{Now: now, PruneOverSizeLimit: true, AgeAndSize: true, KeepTagRevisions: ptr(3), KeepYoungerThan: ptr(time.Hour)}},
		{name: "age and size without size mode", opts: prune.Options{Now: now, AgeAndSize: true}, wantErr: true},
		{name: "bad pattern", opts: prune.Options{Now: now, Overrides: []prune.Override{{Tag: "[", Never: true}}}, wantErr: true},
		{name: "stream without namespace", opts: prune.Options{Now: now, Overrides: []prune.Override{{Stream: "s", Never: true}}}, wantErr: true},
		{name: "negative size limit", opts: prune.Options{Now: now, ImageSizeLimits: map[string]int64{"ns": -1}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, prune.ErrInvalidOptions) {
				t.Errorf("Validate() = %v, not ErrInvalidOptions", err)
			}
			if _, perr := prune.Plan(&prune.Snapshot{}, tt.opts); (perr != nil) != tt.wantErr {
				t.Errorf("Plan() error = %v, want error %v", perr, tt.wantErr)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/internal/golden"
)

// TestTriggers runs the example with its defaults. The pusher and the
// watcher are separate goroutines, so a golden match on every run (try
// -count 50 -race) shows that the output does not depend on scheduling.
// Regenerate with `go test ./examples/triggers -update`.
func TestTriggers(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), nil, &out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/output.golden", out.Bytes())
}

// TestPushes checks the rollouts per deployment for several -pushes.
func TestPushes(t *testing.T) {
	tests := []struct {
		name   string
		pushes string
		// want counts the "trigger: deploy <name> " lines per deployment.
		want map[string]int
	}{
		{name: "one push", pushes: "1", want: map[string]int{"frontend": 1, "backend-staging": 2, "backend": 2}},
		{name: "five pushes", pushes: "5", want: map[string]int{"frontend": 5, "backend-staging": 2, "backend": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), []string{"-pushes", tt.pushes}, &out); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for line := range strings.Lines(out.String()) {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "trigger: deploy "); ok {
					got[strings.Fields(rest)[0]]++
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rollouts per deployment (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-pushes", "0"}, {"-no-such-flag"}, {"stray"}} {
		if err := run(context.Background(), args, new(bytes.Buffer)); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

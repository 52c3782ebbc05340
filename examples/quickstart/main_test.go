package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/internal/golden"
)

// TestQuickstart runs the README's main command and compares its output,
// so the README cannot rot. Regenerate with
// `go test ./examples/quickstart -update` (or
// `go run ./examples/quickstart > examples/quickstart/testdata/output.golden`)
// and review the diff.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/output.golden", out.Bytes())
}

// TestQuickstartSteps checks the facts the tour promises, so that a
// golden file regenerated after a regression does not bless it.
func TestQuickstartSteps(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	is, istag, ok := strings.Cut(got, "$ oc describe istag/ruby:prod\n")
	if !ok {
		t.Fatalf("no istag description in:\n%s", got)
	}
	tests := []struct {
		name string
		text string // where to look
		want string
	}{
		{"two pushes make a two-event latest", is, "latest\n  no spec tag\n\n  * image-registry.openshift-image-registry.svc:5000/demo/ruby@"},
		{"prod is pinned by image", is, "prod\n  tagged from ruby@sha256:"},
		{"stable follows latest", is, "stable\n  tagged from latest\n"},
		{"three tags before the delete", is, "Tags:\t\t\t3\n"},
		{"two images in all", is, "Unique Images:\t\t2\n"},
		{"prod shows the first push after the rollback", istag, "FIXTURE=ruby-v1\n"},
		{"stable deleted", got, "Deleted tag demo/ruby:stable.\n\n$ oc get is/ruby -o jsonpath='{.status.tags[*].tag}'\nlatest prod\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.text, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, tt.text)
			}
		})
	}
	// The rollback: prod's newest event names the image latest had first.
	latestHist := strings.SplitN(is[strings.Index(is, "latest\n"):], "\n", 8)
	prodHist := strings.SplitN(is[strings.Index(is, "prod\n"):], "\n", 5)
	pullSpec := func(line string) string { f := strings.Fields(line); return f[len(f)-1] }
	if diff := cmp.Diff(pullSpec(latestHist[5]), pullSpec(prodHist[3])); diff != "" {
		t.Errorf("prod's current image is not latest's first (-latest[1] +prod[0]):\n%s", diff)
	}
}

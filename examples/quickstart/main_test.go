package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestQuickstart runs the README's main command and compares its output,
// so the README cannot rot. Regenerate with
// `go run ./examples/quickstart > examples/quickstart/testdata/output.golden`.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/output.golden")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("quickstart output (-want +got):\n%s", diff)
	}
}

package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRunTwice runs the example twice on one database file: the second
// run must find the first run's stream, images and history, and add to
// them. Regenerate the golden files with `go test ./examples/persistent -update`.
func TestRunTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "imagestreams.db")
	for _, golden := range []string{"testdata/run1.golden", "testdata/run2.golden"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"-db", db}, &out); err != nil {
			t.Fatalf("%s: %v", golden, err)
		}
		compareGolden(t, golden, out.Bytes())
	}
}

// TestBadFlag checks that a flag error is returned, not fatal.
func TestBadFlag(t *testing.T) {
	if err := run(context.Background(), []string{"-no-such-flag"}, new(bytes.Buffer)); err == nil {
		t.Error("run accepted an unknown flag")
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

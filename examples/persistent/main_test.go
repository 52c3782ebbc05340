package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/internal/golden"
)

// TestRunTwice runs the example twice on one database file: the second
// run must find the first run's stream, images and history, and add to
// them. Regenerate the golden files with `go test ./examples/persistent -update`.
func TestRunTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "imagestreams.db")
	for _, path := range []string{"testdata/run1.golden", "testdata/run2.golden"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"-db", db}, &out); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		golden.Check(t, path, out.Bytes())
	}
}

// TestBadFlag checks that a flag error is returned, not fatal.
func TestBadFlag(t *testing.T) {
	if err := run(context.Background(), []string{"-no-such-flag"}, new(bytes.Buffer)); err == nil {
		t.Error("run accepted an unknown flag")
	}
	db := filepath.Join(t.TempDir(), "state.db")
	err := run(context.Background(), []string{"-db", db, "stray"}, new(bytes.Buffer))
	if err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("run with a stray argument: %v, want an unexpected argument error", err)
	}
}

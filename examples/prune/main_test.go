package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/internal/golden"
	"github.com/imagestreams/imagestreams/prune"
)

// TestPrune runs the example with its default size (a dry run), compares
// what it prints, and checks that the file it writes is the plan it
// summarized.
// Regenerate with `go test ./examples/prune -update`.
func TestPrune(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"-out", out}, &stdout); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(stdout.String(), out, "PLAN.json")
	golden.Check(t, "testdata/output.golden", []byte(got))

	var d prune.Decisions
	readJSON(t, out, &d)
	if d.SchemaVersion != prune.SchemaVersion {
		t.Errorf("schemaVersion = %q, want %q", d.SchemaVersion, prune.SchemaVersion)
	}
	if !strings.Contains(stdout.String(), d.Stats.Summary()) {
		t.Errorf("printed summary does not match the file's stats %s", d.Stats.Summary())
	}
}

// TestDeterministic runs a small snapshot twice: same flags, same bytes.
func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, "plan"+string(rune('a'+i))+".json")
		if err := run(context.Background(), []string{"-images", "300", "-streams", "40", "-seed", "7", "-out", out}, new(bytes.Buffer)); err != nil {
			t.Fatal(err)
		}
		var err error
		if files[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two runs with the same flags wrote different plans")
	}
}

// TestConfirm executes a plan against the store: the report must show
// every planned deletion done, and the store must hold exactly what the
// plan kept.
func TestConfirm(t *testing.T) {
	dir := t.TempDir()
	plan, report := filepath.Join(dir, "plan.json"), filepath.Join(dir, "report.json")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"-images", "400", "-streams", "60", "-confirm", "-out", plan, "-report", report}, &stdout); err != nil {
		t.Fatal(err)
	}
	var d prune.Decisions
	readJSON(t, plan, &d)
	var rep prune.Report
	readJSON(t, report, &rep)
	if d.Stats.DeletedImages == 0 || d.Stats.DeletedImageStreamTagItems == 0 {
		t.Fatalf("the plan deletes nothing, so the test checks nothing: %s", d.Stats.Summary())
	}
	if diff := cmp.Diff(d.Stats, rep.Planned); diff != "" {
		t.Errorf("report's planned stats (-plan +report):\n%s", diff)
	}
	if diff := cmp.Diff(rep.Planned, rep.Deleted); diff != "" {
		t.Errorf("deleted (-planned +deleted):\n%s", diff)
	}
	if len(rep.Failures) > 0 {
		t.Errorf("failures: %+v", rep.Failures)
	}
	keptImages, keptEvents := 0, 0
	for _, img := range d.Images {
		if img.Action == prune.Keep {
			keptImages++
		}
	}
	for _, s := range d.Streams {
		for _, tag := range s.Tags {
			for _, e := range tag.Events {
				if e.Action == prune.Keep {
					keptEvents++
				}
			}
		}
	}
	want := fmt.Sprintf("left in the store: %d images, %d tag events\n", keptImages, keptEvents)
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, stdout.String())
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "no images", args: []string{"-images", "0"}},
		{name: "negative streams", args: []string{"-streams", "-1"}},
		{name: "negative keep-tag-revisions", args: []string{"-keep-tag-revisions", "-1"}},
		{name: "unknown flag", args: []string{"-no-such-flag"}},
		// Parsed as -confirm and a stray "false", it would execute.
		{name: "confirm with a separate value", args: []string{"-confirm", "false"}},
		{name: "stray argument", args: []string{"stray"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "-out", filepath.Join(t.TempDir(), "plan.json"))
			if err := run(context.Background(), args, new(bytes.Buffer)); err == nil {
				t.Errorf("run(%q) succeeded", tt.args)
			}
		})
	}
}

package golden_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/internal/golden"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = format
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.msg = format
	panic(r) // stands in for runtime.Goexit
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("fatal") }

// check runs golden.Check on a recorder.
func check(t *testing.T, path string, got string) (r *recorder) {
	r = &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	golden.Check(r, path, []byte(got))
	return r
}

func TestCheck(t *testing.T) {
	if golden.Updating() {
		t.Skip("-update rewrites instead of comparing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		fail            bool
		msg             string
	}{
		{name: "same", path: path, got: "one\ntwo\n"},
		{name: "different", path: path, got: "one\n2\n", fail: true, msg: "output differs"},
		{name: "missing file", path: filepath.Join(dir, "none.golden"), got: "x", fail: true, msg: "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, tt.path, tt.got)
			if r.failed != tt.fail || !strings.Contains(r.msg, tt.msg) {
				t.Errorf("Check failed=%v (%q), want failed=%v containing %q", r.failed, r.msg, tt.fail, tt.msg)
			}
		})
	}
}

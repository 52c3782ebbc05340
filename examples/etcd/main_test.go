package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/internal/etcdtest"
	"github.com/imagestreams/imagestreams/internal/golden"
)

// The golden files are the persistent example's: only the store differs,
// so etcd and bolt must print the same thing.
const (
	run1 = "../persistent/testdata/run1.golden"
	run2 = "../persistent/testdata/run2.golden"
)

// TestRunTwice runs the example twice against a real etcd (skipped
// without the etcd binary, except under CI=true): the second run must find
// the first run's stream, images and history, and add to them.
func TestRunTwice(t *testing.T) {
	srv := etcdtest.Start(t)
	args := []string{"-endpoints", srv.Endpoint(), "-prefix", "/example-" + rand.Text()}
	for _, path := range []string{run1, run2} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		golden.Check(t, path, out.Bytes())
	}

	// Another prefix on the same cluster is another store: a first run.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-endpoints", srv.Endpoint(), "-prefix", "/example-" + rand.Text()}, &out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, run1, out.Bytes())
}

// TestUnreachable checks that a wrong endpoint is an error, not a hang.
func TestUnreachable(t *testing.T) {
	err := run(context.Background(), []string{"-endpoints", "http://127.0.0.1:1", "-timeout", "2s"}, new(bytes.Buffer))
	if err == nil {
		t.Error("run succeeded without an etcd")
	}
}

// TestStrayArgument checks that an argument after the flags is refused
// before any connection, not ignored with the flags after it.
func TestStrayArgument(t *testing.T) {
	err := run(context.Background(), []string{"-endpoints", "http://127.0.0.1:1", "-timeout", "2s", "stray"}, new(bytes.Buffer))
	if err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("run with a stray argument: %v, want an unexpected argument error", err)
	}
}

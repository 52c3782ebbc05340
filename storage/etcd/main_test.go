package etcd_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/internal/etcdtest"
	"github.com/imagestreams/imagestreams/storage/etcd"
)

// server is the etcd member the package's tests and examples share; each
// test gets its own key prefix on it. TestMain sets it before any test runs.
var server *etcdtest.Server

// TestMain starts one etcd for the package. Every test here needs it, and
// so do the Examples, which cannot skip: without the binary the whole
// package is skipped outside CI and fails under CI=true.
func TestMain(m *testing.M) {
	srv, err := etcdtest.New()
	if err != nil {
		if errors.Is(err, etcdtest.ErrNoBinary) && !etcdtest.InCI() {
			fmt.Println("skipping storage/etcd tests:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "storage/etcd tests:", err)
		os.Exit(1)
	}
	server = srv
	code := m.Run()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping etcd:", err)
	}
	os.Exit(code)
}

// uniquePrefix returns a prefix no other store in this run (or an earlier
// run against the same server) uses.
func uniquePrefix() string { return "/test-" + rand.Text() }

// newStore returns a store on the shared server under a fresh prefix,
// closed when tb ends.
func newStore(tb testing.TB) *etcd.Store {
	tb.Helper()
	return newStoreAt(tb, server.Endpoint(), uniquePrefix())
}

func newStoreAt(tb testing.TB, endpoint, prefix string) *etcd.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := etcd.New(ctx, etcd.Config{Endpoints: []string{endpoint}, Prefix: prefix})
	if err != nil {
		tb.Fatalf("etcd.New: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

package etcd_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/etcd"
	clientv3 "go.etcd.io/etcd/client/v3"
)

func rawClient(t *testing.T) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{server.Endpoint()}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestPrefixIsolation(t *testing.T) {
	ctx := t.Context()
	pa, pb := uniquePrefix(), uniquePrefix()
	a := newStoreAt(t, server.Endpoint(), pa)
	b := newStoreAt(t, server.Endpoint(), pb+"/") // a trailing slash is dropped
	watchB, err := b.Watch(ctx, "/", 0)
	if err != nil {
		t.Fatal(err)
	}

	rvA, err := a.Create(ctx, "/images/x", []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	rvB, err := b.Create(ctx, "/images/x", []byte("b"))
	if err != nil {
		t.Fatalf("same key under another prefix: %v", err)
	}

	// Keys come back without the prefix, and each store sees only its own.
	for _, tt := range []struct {
		name  string
		store *etcd.Store
		want  []storage.Object
	}{
		{name: "a", store: a, want: []storage.Object{{Key: "/images/x", Value: []byte("a"), ResourceVersion: rvA}}},
		{name: "b", store: b, want: []storage.Object{{Key: "/images/x", Value: []byte("b"), ResourceVersion: rvB}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.store.List(ctx, "/", storage.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Items); diff != "" {
				t.Errorf("List (-want +got):\n%s", diff)
			}
		})
	}

	// The watch on b saw b's create and not a's.
	select {
	case ev := <-watchB:
		want := storage.Event{Type: storage.Added, Key: "/images/x", Value: []byte("b"), ResourceVersion: rvB}
		if diff := cmp.Diff(want, ev); diff != "" {
			t.Errorf("watch event (-want +got):\n%s", diff)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event")
	}

	// In etcd the key carries the prefix.
	resp, err := rawClient(t).Get(ctx, pa+"/images/x")
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "a" {
		t.Errorf("raw Get(%q) = %v, want value a", pa+"/images/x", resp.Kvs)
	}
}

// TestPrefixesSharingCharacters: "/p" and "/pa" do not nest, as every key
// starts with "/", so the stores stay apart (prefixes that nest at a "/"
// share keys, as the package documentation says).
func TestPrefixesSharingCharacters(t *testing.T) {
	ctx := t.Context()
	p := uniquePrefix()
	a := newStoreAt(t, server.Endpoint(), p)
	b := newStoreAt(t, server.Endpoint(), p+"a")
	if _, err := b.Create(ctx, "/x", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, "/x", []byte("a")); err != nil {
		t.Fatalf("a.Create(/x): %v", err)
	}
	res, err := a.List(ctx, "/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || string(res.Items[0].Value) != "a" {
		t.Errorf("store at %q lists %v, want only its own key", p, res.Items)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  etcd.Config
	}{
		{name: "no endpoints", cfg: etcd.Config{}},
		{name: "prefix without slash", cfg: etcd.Config{Endpoints: []string{server.Endpoint()}, Prefix: "tenant"}},
		{name: "prefix with dot segment", cfg: etcd.Config{Endpoints: []string{server.Endpoint()}, Prefix: "/a/../b"}},
		// Port 1 on loopback refuses connections.
		{name: "unreachable", cfg: etcd.Config{Endpoints: []string{"http://127.0.0.1:1"}, DialTimeout: 200 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := etcd.New(t.Context(), tt.cfg)
			if err == nil {
				s.Close()
				t.Fatal("New succeeded, want an error")
			}
		})
	}
}

func TestExternalClientStaysOpen(t *testing.T) {
	c := rawClient(t)
	s, err := etcd.New(t.Context(), etcd.Config{Client: c, Prefix: uniquePrefix()})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Watch(t.Context(), "/", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Close ends the store's watches even though the client lives on.
	var last storage.Event
	for ev := range ch {
		last = ev
	}
	if last.Type != storage.Error || !errors.Is(last.Err, storage.ErrClosed) {
		t.Errorf("last event = %+v, want an Error event wrapping ErrClosed", last)
	}
	if _, err := s.Get(t.Context(), "/k"); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if _, err := c.Get(t.Context(), "/k"); err != nil {
		t.Errorf("client unusable after the store closed: %v", err)
	}
}

// TestCompactBoundary pins the revision arithmetic of Watch and List
// against etcd's compaction: after Compact(rv), rv itself is still
// readable and watchable, rv-1 is too old.
func TestCompactBoundary(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	rv1, err := s.Create(ctx, "/k", []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	rv2, err := s.Update(ctx, "/k", []byte("2"), rv1)
	if err != nil {
		t.Fatal(err)
	}
	rv3, err := s.Update(ctx, "/k", []byte("3"), rv2)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(ctx, rv2); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(ctx, rv1); err != nil {
		t.Errorf("compacting backwards: %v, want nil", err)
	}
	if err := s.Compact(ctx, rv3+1000); err == nil {
		t.Error("compacting beyond the current revision succeeded")
	}

	ch, err := s.Watch(ctx, "/", rv2)
	if err != nil {
		t.Fatalf("Watch(rv2) after Compact(rv2): %v", err)
	}
	ev := <-ch
	want := storage.Event{Type: storage.Modified, Key: "/k", Value: []byte("3"), PrevValue: []byte("2"), ResourceVersion: rv3}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("first event after rv2 (-want +got):\n%s", diff)
	}

	if _, err := s.Watch(ctx, "/", rv2-1); !errors.Is(err, storage.ErrTooOld) {
		t.Errorf("Watch(rv2-1) after Compact(rv2): %v, want ErrTooOld at once", err)
	}

	// A watch from the future waits for it.
	ch, err = s.Watch(ctx, "/", rv3+1)
	if err != nil {
		t.Fatalf("Watch(future): %v", err)
	}
	rv4, err := s.Update(ctx, "/k", []byte("4"), rv3)
	if err != nil {
		t.Fatal(err)
	}
	rv5, err := s.Update(ctx, "/k", []byte("5"), rv4)
	if err != nil {
		t.Fatal(err)
	}
	// Normally rv4 == rv3+1, which the watch excludes.
	wantRV, wantValue := rv5, "5"
	if rv4 > rv3+1 {
		wantRV, wantValue = rv4, "4"
	}
	if ev := <-ch; ev.ResourceVersion != wantRV || string(ev.Value) != wantValue {
		t.Errorf("first event of Watch(rv3+1) = %+v, want %q at %d", ev, wantValue, wantRV)
	}
}

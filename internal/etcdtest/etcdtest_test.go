package etcdtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// kvGateway talks to etcd's JSON gateway (/v3/kv/...), so this package's
// tests need no etcd client.
type kvGateway struct{ endpoint string }

func (g kvGateway) call(ctx context.Context, path string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hresp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return err
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(hresp.Body)
	if err != nil {
		return err
	}
	if hresp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", path, hresp.Status, data)
	}
	return json.Unmarshal(data, resp)
}

func (g kvGateway) put(ctx context.Context, key, value string) error {
	b64 := base64.StdEncoding.EncodeToString
	return g.call(ctx, "/v3/kv/put", map[string]string{"key": b64([]byte(key)), "value": b64([]byte(value))}, &struct{}{})
}

func (g kvGateway) get(ctx context.Context, key string) (string, error) {
	var resp struct {
		Kvs []struct{ Value []byte } `json:"kvs"`
	}
	if err := g.call(ctx, "/v3/kv/range", map[string]string{"key": base64.StdEncoding.EncodeToString([]byte(key))}, &resp); err != nil {
		return "", err
	}
	if len(resp.Kvs) == 0 {
		return "", errors.New("key not found")
	}
	return string(resp.Kvs[0].Value), nil
}

func TestServerLifecycle(t *testing.T) {
	srv := Start(t)
	ctx := t.Context()
	g := kvGateway{srv.Endpoint()}
	if err := g.put(ctx, "/k", "v1"); err != nil {
		t.Fatalf("put: %v", err)
	}

	srv.Stop()
	hc := &http.Client{Timeout: time.Second}
	if err := checkHealth(ctx, hc, srv.Endpoint()); err == nil {
		t.Fatal("health check passed on a stopped server")
	}
	srv.Stop() // stopping twice is a no-op

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	got, err := g.get(ctx, "/k")
	if err != nil {
		t.Fatalf("get after restart: %v", err)
	}
	if diff := cmp.Diff("v1", got); diff != "" {
		t.Errorf("value after restart (-want +got):\n%s", diff)
	}

	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.get(ctx, "/k"); err != nil {
		t.Errorf("get after kill and restart: %v", err)
	}
}

func TestServersAreIndependent(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Endpoint() == b.Endpoint() || a.DataDir() == b.DataDir() {
		t.Fatalf("servers share an endpoint or data dir: %s %s", a.Endpoint(), b.Endpoint())
	}
	ctx := t.Context()
	if err := (kvGateway{a.Endpoint()}).put(ctx, "/only-a", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := (kvGateway{b.Endpoint()}).get(ctx, "/only-a"); err == nil {
		t.Error("key written to one server is visible on the other")
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		writes []string
		want   string
	}{
		{name: "under limit", max: 8, writes: []string{"ab", "cd"}, want: "abcd"},
		{name: "exactly limit", max: 4, writes: []string{"ab", "cd"}, want: "abcd"},
		{name: "keeps the tail", max: 4, writes: []string{"abc", "def"}, want: "cdef"},
		{name: "one write over limit", max: 3, writes: []string{"abcdefg"}, want: "efg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &tailBuffer{max: tt.max}
			for _, w := range tt.writes {
				if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("tail (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBinary(t *testing.T) {
	p, err := Binary()
	switch {
	case err != nil && !errors.Is(err, ErrNoBinary):
		t.Errorf("Binary() error %v does not wrap ErrNoBinary", err)
	case err == nil && !strings.Contains(p, "etcd"):
		t.Errorf("Binary() = %q, want a path to etcd", p)
	case err != nil && InCI():
		t.Errorf("Binary() under CI=true: %v", err)
	}
}

func TestFreePorts(t *testing.T) {
	a, b, err := freePorts()
	if err != nil {
		t.Fatal(err)
	}
	if a == b || a == 0 || b == 0 {
		t.Errorf("freePorts() = %d, %d; want two distinct non-zero ports", a, b)
	}
}

func TestNewAndClose(t *testing.T) {
	if _, err := Binary(); err != nil && !InCI() {
		t.Skipf("skipping: %v", err)
	}
	srv, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := (kvGateway{srv.Endpoint()}).put(ctx, "/k", "v"); err != nil {
		t.Errorf("put: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(srv.DataDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data dir after Close: %v, want it removed", err)
	}
	hc := &http.Client{Timeout: time.Second}
	if err := checkHealth(ctx, hc, srv.Endpoint()); err == nil {
		t.Error("health check passed after Close")
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/internal/golden"
	"github.com/imagestreams/imagestreams/internal/registrytest"
)

// startRegistry starts Debian's docker-registry over plain HTTP, as a
// local one runs (skipped without the binary, except under CI=true), and
// pushes the demo content under path "demo" with the test's own client.
func startRegistry(t *testing.T) (*registrytest.Registry, demoContent) {
	t.Helper()
	reg := registrytest.Start(t, registrytest.Options{})
	c := newDemoContent()
	pushImage := func(repo, tag string, ic imagetest.Content) {
		reg.PushBlob(t, repo, ic.Config)
		for _, l := range ic.Layers {
			reg.PushBlob(t, repo, l)
		}
		reg.PushManifest(t, repo, tag, ic.MediaType, ic.Manifest)
	}
	pushImage("demo/app", "v1", c.v1)
	pushImage("demo/app", "v2", c.v2)
	reg.Tag(t, "demo/app", "latest", c.v2.ManifestDigest)
	for _, child := range c.list.Children {
		pushImage("demo/multiarch", "", child)
	}
	reg.PushManifest(t, "demo/multiarch", "v1", c.list.MediaType, c.list.Index)
	return reg, c
}

// runExample runs the example and returns its output with the registry's
// address, which changes from run to run, replaced by REGISTRY.
func runExample(t *testing.T, reg *registrytest.Registry, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"-registry", reg.Host}, args...), &out); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(out.String(), reg.Host, "REGISTRY")
}

// TestImport imports from a real registry with the default flags and
// compares the output. Regenerate with `go test ./examples/import -update`.
func TestImport(t *testing.T) {
	t.Parallel()
	reg, _ := startRegistry(t)
	got := runExample(t, reg)
	golden.Check(t, "testdata/output.golden", []byte(got))

	// -push uploads the same content under another path; the imports
	// then find the same images there.
	pushed := runExample(t, reg, "-push", "-path", "pushed")
	first, rest, _ := strings.Cut(pushed, "\n\n")
	if wantFirst := "pushed REGISTRY/pushed/app:{v1,v2,latest} and REGISTRY/pushed/multiarch:v1"; first != wantFirst {
		t.Errorf("first line = %q, want %q", first, wantFirst)
	}
	if diff := cmp.Diff(got, strings.ReplaceAll(rest, "/pushed/", "/demo/")); diff != "" {
		t.Errorf("output after -push (-want +got):\n%s", diff)
	}
}

// TestLegacyPicksArch checks which child a Legacy import keeps for each
// control-plane architecture (SEMANTICS §8.4): the matching one, else the
// first linux/amd64 child.
func TestLegacyPicksArch(t *testing.T) {
	t.Parallel()
	reg, c := startRegistry(t)
	tests := []struct {
		name string
		arch string
		// child is the index in platforms of the child Legacy keeps.
		child int
	}{
		{name: "amd64", arch: "amd64", child: 0},
		{name: "arm64 ignores the variant", arch: "arm64", child: 1},
		{name: "ppc64le", arch: "ppc64le", child: 2},
		{name: "s390x is missing: linux/amd64", arch: "s390x", child: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := runExample(t, reg, "-arch", tt.arch)
			_, legacy, ok := strings.Cut(out, "  Legacy -> multiarch:legacy\n")
			if !ok {
				t.Fatalf("no Legacy result in:\n%s", out)
			}
			line, _, _ := strings.Cut(legacy, "\n")
			want := "    Success " + short(c.list.Children[tt.child].ManifestDigest.String()) + " "
			if !strings.HasPrefix(line, want) {
				t.Errorf("Legacy result = %q, want prefix %q (%s)", line, want, platforms[tt.child])
			}
		})
	}
}

// TestPushFalse: "-push false" is -push and a stray "false"; run refuses
// it before it does anything rather than push.
func TestPushFalse(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-registry", "127.0.0.1:1", "-timeout", "10s", "-push", "false"}, &out)
	if err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("run with -push false: %v, want an unexpected argument error", err)
	}
	if out.Len() > 0 {
		t.Errorf("run wrote before refusing its arguments:\n%s", out.String())
	}
}

// TestUnreachable: a registry that does not answer gives failed results,
// one per import, all printed; the streams keep no image, and run fails,
// so the program exits non-zero. It needs no registry binary.
func TestUnreachable(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-registry", "127.0.0.1:1", "-timeout", "10s"}, &out)
	if err == nil || !strings.Contains(err.Error(), "no image imported from 127.0.0.1:1/demo") {
		t.Errorf("run = %v, want a no image imported error", err)
	}
	got := strings.Count(out.String(), "InternalError 500: ")
	// Two images by tag, the repository, and the list in two modes.
	if got != 5 {
		t.Errorf("%d InternalError results, want 5:\n%s", got, out.String())
	}
	if strings.Contains(out.String(), " Success sha256:") {
		t.Errorf("a result succeeded without a registry:\n%s", out.String())
	}
}

// TestInsecureDefault: unless -insecure is given, only a registry on this
// machine is imported from with importPolicy.insecure.
func TestInsecureDefault(t *testing.T) {
	for registry, want := range map[string]bool{
		"localhost:5000":            true,
		"localhost":                 true,
		"127.0.0.1:1":               true,
		"127.8.0.1:5000":            true,
		"[::1]:5000":                true,
		"quay.io":                   false,
		"registry.example.com:5000": false,
		"10.0.0.1:5000":             false,
		"localhost.example.com":     false,
		"[::2]:5000":                false,
	} {
		if got := isLoopback(registry); got != want {
			t.Errorf("isLoopback(%q) = %t, want %t", registry, got, want)
		}
	}
}

// TestVerifiesTLS: with -insecure=false, a registry whose certificate
// nothing trusts fails every import with a certificate error; by default
// a loopback one is imported from insecurely, and the output says so.
func TestVerifiesTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	notice := "importing from " + host + " with importPolicy.insecure"
	for _, tc := range []struct {
		args       []string
		notice     bool
		certErrors int
	}{
		{args: []string{"-insecure=false"}, notice: false, certErrors: 5},
		{args: nil, notice: true, certErrors: 0},
	} {
		var out bytes.Buffer
		args := append([]string{"-registry", host, "-timeout", "10s"}, tc.args...)
		if err := run(context.Background(), args, &out); err == nil {
			t.Errorf("%q: run succeeded with no image to import", tc.args)
		}
		got := out.String()
		if strings.Contains(got, notice) != tc.notice {
			t.Errorf("%q: insecure notice printed = %t, want %t:\n%s", tc.args, !tc.notice, tc.notice, got)
		}
		if n := strings.Count(got, "failed to verify certificate"); n != tc.certErrors {
			t.Errorf("%q: %d certificate errors, want %d:\n%s", tc.args, n, tc.certErrors, got)
		}
	}
}

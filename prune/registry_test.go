package prune_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/internal/registrytest"
	"github.com/imagestreams/imagestreams/prune"
)

// basicAuth adds the test registry's credentials to every request.
type basicAuth struct{ next http.RoundTripper }

func (b basicAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.SetBasicAuth(registrytest.User, registrytest.Password)
	return b.next.RoundTrip(req)
}

// TestRegistryDistribution deletes links from a real distribution
// registry (Debian's docker-registry with delete enabled): a link goes
// from one repository and stays in another, and every delete is
// idempotent. Distribution has no global blob delete, so DeleteBlob's
// /admin/blobs call gets a 404, which counts as success.
func TestRegistryDistribution(t *testing.T) {
	for _, opts := range []registrytest.Options{{}, {TLS: true, Auth: true}} {
		t.Run(map[bool]string{false: "plain", true: "tls-auth"}[opts.TLS], func(t *testing.T) {
			r := registrytest.Start(t, opts)
			client := &http.Client{Transport: r.Transport}
			if opts.Auth {
				client.Transport = basicAuth{r.Transport}
			}
			c := imagetest.ImageContent("prune-registry", imagetest.Options{})
			for _, repo := range []string{"ns/app", "ns/other"} {
				r.PushBlob(t, repo, c.Config)
				for _, l := range c.Layers {
					r.PushBlob(t, repo, l)
				}
				r.PushManifest(t, repo, "latest", c.MediaType, c.Manifest)
			}
			layer := c.Layers[0]
			layerDigest := string(c.ManifestDigest.Algorithm().FromBytes(layer))
			status := func(path string) int {
				t.Helper()
				req, _ := http.NewRequest(http.MethodHead, r.URL+path, nil)
				req.Header.Set("Accept", c.MediaType)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			reg := &prune.Registry{BaseURL: r.URL, Client: client}
			ctx := context.Background()
			for range 2 { // the second round finds everything gone
				if err := reg.DeleteLayerLink(ctx, "ns/app", layerDigest); err != nil {
					t.Fatalf("DeleteLayerLink: %v", err)
				}
				if err := reg.DeleteManifestLink(ctx, "ns/app", string(c.ManifestDigest)); err != nil {
					t.Fatalf("DeleteManifestLink: %v", err)
				}
				if err := reg.DeleteBlob(ctx, layerDigest); err != nil {
					t.Fatalf("DeleteBlob: %v", err)
				}
			}
			got := map[string]int{
				"app layer":      status("/v2/ns/app/blobs/" + layerDigest),
				"app manifest":   status("/v2/ns/app/manifests/" + string(c.ManifestDigest)),
				"app config":     status("/v2/ns/app/blobs/" + string(c.ConfigDigest)),
				"other layer":    status("/v2/ns/other/blobs/" + layerDigest),
				"other manifest": status("/v2/ns/other/manifests/" + string(c.ManifestDigest)),
			}
			want := map[string]int{"app layer": 404, "app manifest": 404, "app config": 200, "other layer": 200, "other manifest": 200}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("HEAD status after deletes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRegistryStatus covers oc's handling of registry answers (PRUNE.md
// §2.2) with a scripted server.
func TestRegistryStatus(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantErr  bool
		wantCode string
	}{
		{name: "202 accepted", status: 202},
		{name: "204 no content", status: 204},
		{name: "404 is already deleted", status: 404, body: `{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}`},
		{name: "405 delete disabled", status: 405, body: `{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}`, wantErr: true, wantCode: "UNSUPPORTED"},
		{name: "500 without body", status: 500, wantErr: true},
		{name: "200 with an error body", status: 200, body: `{"errors":[{"code":"DENIED","message":"no"}]}`, wantErr: true, wantCode: "DENIED"},
		{name: "200 without errors is an error, as in oc", status: 200, body: `{}`, wantErr: true},
		{name: "200 with no body is an error, as in oc", status: 200, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotMethod, gotPath, gotAuth string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotMethod, gotPath, gotAuth = r.Method, r.URL.Path, r.Header.Get("Authorization")
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			reg := &prune.Registry{BaseURL: srv.URL + "/", BearerToken: "tok"}
			err := reg.DeleteBlob(context.Background(), "sha256:abc")
			if (err != nil) != tt.wantErr {
				t.Fatalf("DeleteBlob() = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff([]string{"DELETE", "/admin/blobs/sha256:abc", "Bearer tok"}, []string{gotMethod, gotPath, gotAuth}); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if tt.wantCode != "" {
				var re *prune.RegistryError
				if !errors.As(err, &re) || len(re.Errors) != 1 || re.Errors[0].Code != tt.wantCode || re.StatusCode != tt.status {
					t.Errorf("error = %#v, want a RegistryError with code %s", err, tt.wantCode)
				}
			}
		})
	}
}

// TestRegistryRedirect: a redirect turns DELETE into GET, whose 200 is no
// deletion; as in oc, it is an error (PRUNE.md §2.2).
func TestRegistryRedirect(t *testing.T) {
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods = append(methods, r.Method+" "+r.URL.Path)
		if r.URL.Path == "/moved" {
			w.Write([]byte(`{}`))
			return
		}
		http.Redirect(w, r, "/moved", http.StatusFound)
	}))
	defer srv.Close()
	reg := &prune.Registry{BaseURL: srv.URL}
	err := reg.DeleteManifestLink(context.Background(), "ns/s", "sha256:abc")
	var re *prune.RegistryError
	if !errors.As(err, &re) || re.StatusCode != http.StatusOK {
		t.Errorf("DeleteManifestLink() = %v, want a RegistryError for the 200", err)
	}
	if diff := cmp.Diff([]string{"DELETE /v2/ns/s/manifests/sha256:abc", "GET /moved"}, methods); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestRegistryBaseURL: a registry given as oc's --registry-url takes it,
// a host without a scheme, is reached over https; a URL with no host is
// a clear error, not a request.
func TestRegistryBaseURL(t *testing.T) {
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	tests := []struct {
		name, base, wantPath, wantErr string
	}{
		{name: "host and port without a scheme", base: host, wantPath: "/v2/ns/s/blobs/sha256:abc"},
		{name: "with a path prefix and a slash", base: srv.URL + "/mirror/", wantPath: "/mirror/v2/ns/s/blobs/sha256:abc"},
		{name: "empty", base: "", wantErr: `prune: registry URL "": no host`},
		{name: "a scheme and no host", base: "https://", wantErr: `prune: registry URL "https://": no host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			reg := &prune.Registry{BaseURL: tt.base, Client: srv.Client()}
			err := reg.DeleteLayerLink(context.Background(), "ns/s", "sha256:abc")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || len(got) != 0 {
					t.Fatalf("DeleteLayerLink() = %v after requests %q, want the error %q and no request", err, got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"DELETE " + tt.wantPath}, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

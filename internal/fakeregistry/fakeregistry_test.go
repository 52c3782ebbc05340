package fakeregistry_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

func TestRegistry(t *testing.T) {
	reg := fakeregistry.New(fakeregistry.Auth{Scheme: "basic", Username: "u", Password: "p"})
	srv := reg.Start(t)
	d := reg.PutManifest("ns/app", "v1", "application/vnd.oci.image.manifest.v1+json", []byte(`{"schemaVersion":2}`))
	reg.Inject(fakeregistry.Fault{Path: "/manifests/v1", Status: 503, Times: 1})
	tests := []struct {
		name       string
		path       string
		auth       bool
		wantStatus int
		wantBody   string
	}{
		{name: "challenge", path: "/v2/", wantStatus: 401},
		{name: "ping", path: "/v2/", auth: true, wantStatus: 200, wantBody: "{}"},
		{name: "injected fault, once", path: "/v2/ns/app/manifests/v1", auth: true, wantStatus: 503},
		{name: "manifest by tag", path: "/v2/ns/app/manifests/v1", auth: true, wantStatus: 200, wantBody: `{"schemaVersion":2}`},
		{name: "manifest by digest", path: "/v2/ns/app/manifests/" + d.String(), auth: true, wantStatus: 200, wantBody: `{"schemaVersion":2}`},
		{name: "unknown manifest", path: "/v2/ns/app/manifests/v2", auth: true, wantStatus: 404},
		{name: "unknown repository", path: "/v2/ns/none/tags/list", auth: true, wantStatus: 404},
		{name: "tags", path: "/v2/ns/app/tags/list", auth: true, wantStatus: 200, wantBody: "{\"name\":\"ns/app\",\"tags\":[\"v1\"]}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			if tt.auth {
				req.SetBasicAuth("u", "p")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || (tt.wantBody != "" && string(body) != tt.wantBody) {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	if n := reg.Count("GET", "/manifests/v1"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

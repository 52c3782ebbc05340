package importer_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// TestInsecure checks that TLS is verified by default and that
// importPolicy.insecure, for that import only, accepts a self-signed
// certificate and falls back to plain HTTP (SEMANTICS §8.11).
func TestInsecure(t *testing.T) {
	t.Parallel()
	c := imagetest.ImageContent("insecure", imagetest.Options{})
	plain := fakeregistry.New(fakeregistry.Auth{})
	plainHost := strings.TrimPrefix(plain.Start(t).URL, "http://")
	selfSigned := fakeregistry.New(fakeregistry.Auth{})
	tlsHost := strings.TrimPrefix(selfSigned.StartTLS(t).URL, "https://")
	for _, r := range []*fakeregistry.Registry{plain, selfSigned} {
		r.PutBlob("ns/app", c.Config)
		r.PutManifest("ns/app", "v1", c.MediaType, c.Manifest)
	}
	// The default transport: it does not trust httptest's certificate.
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 5 * time.Second})
	insecure := func(s image.ImageImportSpec) image.ImageImportSpec {
		s.ImportPolicy.Insecure = true
		return s
	}
	tests := []struct {
		name    string
		spec    image.ImageImportSpec
		message string // "" for success, else part of the InternalError message
	}{
		{name: "plain HTTP needs insecure", spec: spec(plainHost+"/ns/app:v1", ""), message: "server gave HTTP response to HTTPS client"},
		{name: "plain HTTP with insecure", spec: insecure(spec(plainHost+"/ns/app:v1", ""))},
		{name: "self-signed certificate is refused", spec: spec(tlsHost+"/ns/app:v1", ""), message: "certificate"},
		{name: "self-signed certificate with insecure", spec: insecure(spec(tlsHost+"/ns/app:v1", ""))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, imp, nil, nil, tt.spec)[0]
			if tt.message == "" {
				if got.Image == nil || got.Image.Name != c.ManifestDigest.String() {
					t.Fatalf("status = %+v, want success", got.Status)
				}
				return
			}
			if got.Status.Reason != image.StatusReasonInternalError || !strings.Contains(got.Status.Message, tt.message) {
				t.Errorf("status = %s %q, want InternalError containing %q", got.Status.Reason, got.Status.Message, tt.message)
			}
		})
	}
	// The secure import in the same request as an insecure one of the
	// same repository stays secure.
	got := run(t, imp, nil, nil, insecure(spec(tlsHost+"/ns/app:v1", "a")), spec(tlsHost+"/ns/app:v1", "b"))
	if got[0].Image == nil || got[1].Image != nil {
		t.Errorf("insecure then secure: %+v / %+v", got[0].Status, got[1].Status)
	}
	if n := plain.Count("GET", "/v2/"); n == 0 {
		t.Error("no ping reached the plain HTTP registry")
	}
}

// TestRedirectToPlainHTTP checks that a secure import does not follow a
// registry's redirect from HTTPS to plain HTTP, where the content could
// be changed on the way, while an insecure one, which opted out of TLS
// (SEMANTICS §8.11), does.
func TestRedirectToPlainHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		insecure bool
		want     image.StatusReason // "" for success
	}{
		{name: "secure import refuses", want: image.StatusReasonInternalError},
		{name: "insecure import follows", insecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := imagetest.ImageContent("downgrade", imagetest.Options{})
			plain := fakeregistry.New(fakeregistry.Auth{})
			psrv := plain.Start(t)
			plain.PutBlob("ns/app", c.Config)
			plain.PutManifest("ns/app", "v1", c.MediaType, c.Manifest)
			f := newFake(t, fakeregistry.Auth{})
			f.pushImage("ns/app", "v1", c)
			f.Inject(fakeregistry.Fault{Path: "/ns/app/manifests/v1", Status: http.StatusTemporaryRedirect,
				Header: http.Header{"Location": {psrv.URL + "/v2/ns/app/manifests/v1"}}})
			s := spec(f.host+"/ns/app:v1", "")
			s.ImportPolicy.Insecure = tt.insecure
			got := run(t, f.importer(importer.Options{}), nil, nil, s)[0]
			if got.Status.Reason != tt.want {
				t.Fatalf("status = %+v, want reason %q", got.Status, tt.want)
			}
			if tt.insecure {
				if n := plain.Count("GET", "/ns/app/manifests/v1"); n != 1 {
					t.Errorf("the plain HTTP registry served the manifest %d times, want 1", n)
				}
				return
			}
			if !strings.Contains(got.Status.Message, "refusing a redirect from HTTPS to plain HTTP") {
				t.Errorf("message %q does not say why", got.Status.Message)
			}
			if reqs := plain.Requests(); len(reqs) != 0 {
				t.Errorf("the plain HTTP registry was sent %+v", reqs)
			}
		})
	}
}

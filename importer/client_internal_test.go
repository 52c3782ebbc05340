package importer

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// TestRedirectPolicy checks which redirects the importer's HTTP clients
// follow: a secure import never leaves HTTPS for plain HTTP, since TLS
// is on unless the import opts out (importPolicy.insecure, SEMANTICS
// §8.11); an insecure one may. The refusal names no credential.
func TestRedirectPolicy(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-password"
	req := func(url string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Authorization", "Basic "+secret)
		return r
	}
	reg := req("https://reg.example.com/v2/ns/app/manifests/v1")
	tests := []struct {
		name     string
		insecure bool
		via      []*http.Request
		to       string
		want     error // nil when followed
	}{
		{name: "secure: HTTPS to HTTPS is followed", via: []*http.Request{reg}, to: "https://cdn.example.com/blob"},
		{name: "secure: HTTPS to HTTP is refused", via: []*http.Request{reg}, to: "http://user:" + secret + "@cdn.example.com/blob?token=" + secret, want: errRedirectToHTTP},
		{name: "secure: HTTPS to HTTPS to HTTP is refused", via: []*http.Request{reg, req("https://cdn.example.com/a")}, to: "http://cdn.example.com/b", want: errRedirectToHTTP},
		{name: "insecure: HTTPS to HTTP is followed", insecure: true, via: []*http.Request{reg}, to: "http://cdn.example.com/blob"},
		{name: "insecure: HTTP to HTTP is followed", insecure: true, via: []*http.Request{req("http://reg.example.com/v2/")}, to: "http://cdn.example.com/blob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newHTTPClient(http.DefaultTransport, &retryPolicy{}, tt.insecure)
			err := c.CheckRedirect(req(tt.to), tt.via)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("CheckRedirect = %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("error %q names a credential", err)
			}
		})
	}
}

// TestUnauthorizedStatus: OpenShift matches the registry's own
// UNAUTHORIZED code before the "incorrect username or password" text,
// which only a token server's failure reaches it with (SEMANTICS §8.11).
func TestUnauthorizedStatus(t *testing.T) {
	t.Parallel()
	const ref = "reg.example.com/ns/app:latest"
	noAccess := `you may not have access to the container image "` + ref + `"`
	incorrect := `incorrect username or password for image "` + ref + `"`
	tests := []struct {
		name, url string
		code      string
		want      string
	}{
		{name: "registry manifest 401", url: "https://reg.example.com/v2/ns/app/manifests/latest", code: errcode.ErrorCodeUnauthorized, want: noAccess},
		{name: "registry tag list 401", url: "https://reg.example.com/v2/ns/app/tags/list", code: errcode.ErrorCodeUnauthorized, want: noAccess},
		{name: "registry 401 without a code", url: "https://reg.example.com/v2/ns/app/manifests/latest", want: noAccess},
		{name: "token server", url: "https://auth.example.com/token?scope=repository:ns/app:pull", code: errcode.ErrorCodeUnauthorized, want: incorrect},
		{name: "token server under /v2/", url: "https://reg.example.com/v2/auth?scope=repository:ns/app:pull", code: errcode.ErrorCodeUnauthorized, want: incorrect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			er := &errcode.ErrorResponse{Method: http.MethodGet, URL: u, StatusCode: http.StatusUnauthorized}
			if tt.code != "" {
				er.Errors = errcode.Errors{{Code: tt.code, Message: "incorrect username or password"}}
			} else {
				er.Errors = errcode.Errors{{Code: "UNKNOWN", Message: "incorrect username or password"}}
			}
			st := statusOf(ref, fmt.Errorf("fetch: %w", er))
			if st.Reason != image.StatusReasonUnauthorized || st.Message != tt.want {
				t.Errorf("status = %s %q, want Unauthorized %q", st.Reason, st.Message, tt.want)
			}
		})
	}
}

package importer

import (
	"errors"
	"net/http"
	"strings"
	"testing"
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

package prune_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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
			err := reg.DeleteBlob(context.Background(), blobDigest)
			if (err != nil) != tt.wantErr {
				t.Fatalf("DeleteBlob() = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff([]string{"DELETE", "/admin/blobs/" + blobDigest, "Bearer tok"}, []string{gotMethod, gotPath, gotAuth}); diff != "" {
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

// blobDigest is the digest the scripted servers are asked to delete.
var blobDigest = dg("blob")

// TestRegistryRedirect: a redirect that keeps the DELETE (307, 308) is
// followed, but not from https to http, where the token would travel in
// clear; one that turns DELETE into GET (301, 302, 303) says nothing of
// the deletion and is not followed. An answer not followed is an error,
// so nothing that depends on the deletion is deleted after it.
func TestRegistryRedirect(t *testing.T) {
	type request struct{ Server, Method, Path, Auth string }
	var got []request
	record := func(server string, status int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = append(got, request{server, r.Method, r.URL.Path, r.Header.Get("Authorization")})
			w.WriteHeader(status)
		})
	}
	plain := httptest.NewServer(record("plain", http.StatusAccepted))
	defer plain.Close()
	other := httptest.NewTLSServer(record("other", http.StatusAccepted))
	defer other.Close()
	path := "/v2/ns/s/manifests/" + blobDigest
	tests := []struct {
		name     string
		status   int
		to       string // "" is the same server's /moved
		want     []request
		wantCode int  // the RegistryError's status; 0 is success
		plain    bool // the registry is served over http
	}{
		{name: "308 from http to https on the same host is followed", status: 308, to: other.URL + "/moved", plain: true,
			want: []request{{"registry", "DELETE", path, "Bearer tok"}, {"other", "DELETE", "/moved", "Bearer tok"}}},
		{name: "307 on the same server is followed", status: 307,
			want: []request{{"registry", "DELETE", path, "Bearer tok"}, {"registry", "DELETE", "/moved", "Bearer tok"}}},
		{name: "308 to another port is not followed", status: 308, to: other.URL + "/moved",
			want: []request{{"registry", "DELETE", path, "Bearer tok"}}, wantCode: 308},
		{name: "307 from https to http is not followed", status: 307, to: plain.URL + "/moved",
			want: []request{{"registry", "DELETE", path, "Bearer tok"}}, wantCode: 307},
		{name: "302 would be a GET and is not followed", status: 302,
			want: []request{{"registry", "DELETE", path, "Bearer tok"}}, wantCode: 302},
		{name: "303 would be a GET and is not followed", status: 303,
			want: []request{{"registry", "DELETE", path, "Bearer tok"}}, wantCode: 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/moved" {
					record("registry", http.StatusAccepted).ServeHTTP(w, r)
					return
				}
				got = append(got, request{"registry", r.Method, r.URL.Path, r.Header.Get("Authorization")})
				to := tt.to
				if to == "" {
					to = "/moved"
				}
				http.Redirect(w, r, to, tt.status)
			})
			srv := httptest.NewUnstartedServer(handler)
			if tt.plain {
				srv.Start()
			} else {
				srv.StartTLS()
			}
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // test certificates
			reg := &prune.Registry{BaseURL: srv.URL, Client: client, BearerToken: "tok"}
			err := reg.DeleteManifestLink(context.Background(), "ns/s", blobDigest)
			var re *prune.RegistryError
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Errorf("DeleteManifestLink() = %v, want success", err)
			case tt.wantCode != 0 && (!errors.As(err, &re) || re.StatusCode != tt.wantCode):
				t.Errorf("DeleteManifestLink() = %v, want a RegistryError for the %d", err, tt.wantCode)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRegistryTargets: a repository or digest that would send the
// request to another endpoint is refused before any request, with
// ErrInvalidReference; a 404 from the wrong endpoint would count as done.
func TestRegistryTargets(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.RawPath+r.URL.Path)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	reg := &prune.Registry{BaseURL: srv.URL}
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"repository with ..", func() error { return reg.DeleteLayerLink(ctx, "ns/../../admin", blobDigest) }},
		{"repository with an escape", func() error { return reg.DeleteLayerLink(ctx, "ns/s%2F..", blobDigest) }},
		{"repository with a query", func() error { return reg.DeleteManifestLink(ctx, "ns/s?x=", blobDigest) }},
		{"empty repository", func() error { return reg.DeleteManifestLink(ctx, "", blobDigest) }},
		{"upper-case repository", func() error { return reg.DeleteManifestLink(ctx, "NS/s", blobDigest) }},
		{"digest with a path", func() error { return reg.DeleteManifestLink(ctx, "ns/s", "../../../../admin/blobs/"+blobDigest) }},
		{"blob digest with a bad escape", func() error { return reg.DeleteBlob(ctx, "sha256:%zz") }},
		{"blob digest too short", func() error { return reg.DeleteBlob(ctx, "sha256:abc") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			if err := tt.call(); !errors.Is(err, prune.ErrInvalidReference) || len(got) != 0 {
				t.Errorf("error %v after requests %q, want ErrInvalidReference and no request", err, got)
			}
		})
	}
}

// TestRegistryErrorsHidePassword: credentials in the base URL reach the
// registry as basic auth, never an error's text.
func TestRegistryErrorsHidePassword(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	base := strings.Replace(srv.URL, "http://", "http://admin:s3cret@", 1)
	reg := &prune.Registry{BaseURL: base}
	errAnswered := reg.DeleteBlob(context.Background(), blobDigest)
	srv.Close()
	errUnreachable := reg.DeleteBlob(context.Background(), blobDigest)
	for _, err := range []error{errAnswered, errUnreachable} {
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %v, want one without the password", err)
		}
	}
	var re *prune.RegistryError
	if !errors.As(errAnswered, &re) || re.StatusCode != http.StatusForbidden || strings.Contains(re.URL, "s3cret") {
		t.Errorf("error %#v, want a RegistryError for the 403 without the password", errAnswered)
	}
}

// TestRegistryBaseURL: a registry given as oc's --registry-url takes it,
// a host without a scheme, is reached over https; a URL that oc refuses
// (PRUNE.md §2.1: no host, a scheme other than http(s), a path or a
// query) is a clear error, not a request, and never shows the URL's
// password.
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
		{name: "host and port without a scheme", base: host, wantPath: "/v2/ns/s/blobs/" + blobDigest},
		{name: "a slash alone", base: srv.URL + "/", wantPath: "/v2/ns/s/blobs/" + blobDigest},
		{name: "an upper-case scheme", base: "HTTPS://" + host, wantPath: "/v2/ns/s/blobs/" + blobDigest},
		// A path or query would reach other routes, whose 404 counts as
		// a deletion.
		{name: "a path prefix and a slash", base: srv.URL + "/mirror/", wantErr: `prune: registry BaseURL: a path is not supported: the registry's routes are at its root`},
		{name: "a path without a scheme", base: host + "/mirror", wantErr: `prune: registry BaseURL: a path is not supported: the registry's routes are at its root`},
		{name: "two slashes", base: srv.URL + "//", wantErr: `prune: registry BaseURL: a path is not supported: the registry's routes are at its root`},
		{name: "a query", base: srv.URL + "/?x=1", wantErr: `prune: registry BaseURL: a query is not supported`},
		{name: "an empty query", base: srv.URL + "?", wantErr: `prune: registry BaseURL: a query is not supported`},
		{name: "a fragment", base: srv.URL + "#f", wantErr: `prune: registry BaseURL: a fragment is not supported`},
		{name: "another scheme", base: "ftp://" + host, wantErr: `prune: registry BaseURL: scheme "ftp" is not http or https`},
		{name: "empty", base: "", wantErr: `prune: registry BaseURL: no host`},
		{name: "a scheme and no host", base: "https://", wantErr: `prune: registry BaseURL: no host`},
		// A malformed URL's password stays out of the error.
		{name: "a password and no host", base: "https://admin:s3cret@", wantErr: `prune: registry BaseURL: no host`},
		{name: "a password and a bad port", base: "https://admin:s3cret@registry:notaport", wantErr: `prune: registry BaseURL: invalid port ":notaport" after host`},
		{name: "a password and a bad escape", base: "admin:s3cret@registry:5000/%zz", wantErr: `prune: registry BaseURL: invalid URL escape "%zz"`},
		{name: "a password and a path", base: "https://admin:s3cret@" + host + "/mirror", wantErr: `prune: registry BaseURL: a path is not supported: the registry's routes are at its root`},
		{name: "a password and a query", base: "https://admin:s3cret@" + host + "?s3cret", wantErr: `prune: registry BaseURL: a query is not supported`},
		{name: "a password and another scheme", base: "ftp://admin:s3cret@" + host, wantErr: `prune: registry BaseURL: scheme "ftp" is not http or https`},
		// An unescaped slash ends the host: the password's end is the path.
		{name: "a password with a slash", base: "https://admin:123/s3cret@" + host, wantErr: `prune: registry BaseURL: a path is not supported: the registry's routes are at its root`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			reg := &prune.Registry{BaseURL: tt.base, Client: srv.Client()}
			err := reg.DeleteLayerLink(context.Background(), "ns/s", blobDigest)
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

// TestRegistryErrorsHideEchoedCredentials: a registry that echoes the
// request's credentials back, in its status line, its error body or a
// redirect, must not put them in the error, which Execute copies into
// the Report's failures and callers log (PRUNE.md §2.2: a status other
// than 202, 204 or 404 is an error with the body's errcode entries;
// DESIGN.md: never log secrets).
func TestRegistryErrorsHideEchoedCredentials(t *testing.T) {
	// The password begins with the token, and holds characters that JSON
	// escapes (& < " \) and that a query and a path escape differently.
	const token = "tOk3n+/Zq9=="
	const password = token + ` &"<\ x!`
	basic := base64.StdEncoding.EncodeToString([]byte("u:" + password))
	// echo is what a careless registry says back: the Authorization
	// header, its credential, the password it decoded and a password it
	// knows, which is a secret only when the request carried it.
	echo := func(r *http.Request) string {
		auth := r.Header.Get("Authorization")
		_, cred, _ := strings.Cut(auth, " ")
		_, p, _ := r.BasicAuth()
		return auth + " " + cred + " " + p + " " + password
	}
	str := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	redirect := func(to func(string) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/moved") {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close() // no answer
				return
			}
			http.Redirect(w, r, to(echo(r)), http.StatusTemporaryRedirect)
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"in the error body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			e := str(echo(r))
			w.Write([]byte(`{"errors":[{"code":` + e + `,"message":` + e + `,"detail":{"auth":` + e + `,` + e + `:[` + e + `]}}]}`))
		}},
		{"escaped in the error body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			var b strings.Builder
			for _, c := range echo(r) {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
			w.Write([]byte(`{"errors":[{"code":"DENIED","message":"` + b.String() + `","detail":"` + b.String() + `"}]}`))
		}},
		{"in the status line", func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			buf.WriteString("HTTP/1.1 500 " + echo(r) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			buf.Flush()
		}},
		{"in a redirect that then fails", redirect(func(e string) string {
			return "/moved?c=" + strings.ReplaceAll(e, " ", "")
		})},
		{"query-escaped in a redirect that then fails", redirect(func(e string) string {
			return "/moved?c=" + url.QueryEscape(e)
		})},
		{"path-escaped in a redirect that then fails", redirect(func(e string) string {
			return "/moved/" + url.PathEscape(e)
		})},
	}
	for _, tt := range tests {
		for _, auth := range []string{"bearer", "basic", "both"} {
			t.Run(tt.name+" "+auth, func(t *testing.T) {
				srv := httptest.NewServer(tt.handler)
				defer srv.Close()
				base, err := url.Parse(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				var secrets []string
				reg := &prune.Registry{}
				if auth != "basic" {
					reg.BearerToken = token
					secrets = append(secrets, token)
				}
				if auth != "bearer" {
					base.User = url.UserPassword("u", password)
					secrets = append(secrets, password, basic)
				}
				reg.BaseURL = base.String()
				err = reg.DeleteManifestLink(context.Background(), "ns/s", blobDigest)
				if err == nil {
					t.Fatal("DeleteManifestLink() succeeded, want an error")
				}
				// Everything a caller could log, Detail's strings decoded.
				text := err.Error()
				var re *prune.RegistryError
				if errors.As(err, &re) {
					for _, e := range re.Errors {
						text += " " + e.Code + " " + e.Message + " " + string(e.Detail)
						var v any
						json.Unmarshal(e.Detail, &v)
						text += " " + fmt.Sprint(v)
					}
				}
				for _, secret := range secrets {
					forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
					if tail, ok := strings.CutPrefix(secret, token); ok && tail != "" {
						forms = append(forms, tail) // the token must not hide the head only
					}
					for _, form := range forms {
						if strings.Contains(text, form) {
							t.Errorf("error shows the credential %q as %q: %s", secret, form, text)
						}
					}
				}
			})
		}
	}
}

// TestRegistryLongStatusLine: every read from the registry is bounded,
// and so is what an error keeps of it: a status line of a megabyte (net/http
// accepts up to its header limit) is cut short in the RegistryError, which
// Execute keeps in the Report for every failed deletion (PRUNE.md §2.2: an
// error status gives an error naming resp.Status).
func TestRegistryLongStatusLine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 500 " + strings.Repeat("x", 1<<20) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		buf.Flush()
	}))
	defer srv.Close()
	err := (&prune.Registry{BaseURL: srv.URL}).DeleteBlob(context.Background(), blobDigest)
	var re *prune.RegistryError
	if !errors.As(err, &re) || re.StatusCode != http.StatusInternalServerError {
		t.Fatalf("DeleteBlob() = %.200v, want a RegistryError for the 500", err)
	}
	if len(re.Status) > 1024 || len(err.Error()) > 2048 || !strings.HasPrefix(re.Status, "500 xxx") {
		t.Errorf("error keeps a status of %d bytes (%d in its text), want it cut to at most 1 KiB", len(re.Status), len(err.Error()))
	}
}

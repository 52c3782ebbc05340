package importer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

const (
	testUser     = "puller"
	testPassword = "correct-horse-battery-staple"
	wrongPass    = "wrong-password-do-not-print"
)

func authEntry(user, pass string) string {
	return fmt.Sprintf(`{"auth":%q}`, base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCredentials checks which pull secret an import uses (SEMANTICS
// §8.7) against registries with basic and bearer-token authentication,
// and that passwords appear in no status and no log record.
func TestCredentials(t *testing.T) {
	t.Parallel()
	c := imagetest.ImageContent("private", imagetest.Options{})
	tests := []struct {
		name    string
		auth    fakeregistry.Auth
		repo    string
		secrets func(host string) []image.Secret
		// reason is the expected failure reason, "" for success.
		reason  image.StatusReason
		message string // exact, with %s for the pull spec
	}{
		{
			name:    "basic: no secret",
			auth:    fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo:    "team/app",
			secrets: func(string) []image.Secret { return nil },
			reason:  image.StatusReasonUnauthorized, message: "you may not have access to the container image %q",
		},
		{
			name: "basic: host secret",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, testPassword)))}
			},
		},
		{
			name: "basic: wrong password",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, wrongPass)))}
			},
			reason: image.StatusReasonUnauthorized, message: "you may not have access to the container image %q",
		},
		{
			name: "path-scoped secret wins for its repositories",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{
					dockerConfigSecret("host", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, wrongPass))),
					dockerConfigSecret("team", fmt.Sprintf(`{"auths":{%q:%s}}`, h+"/team", authEntry(testUser, testPassword))),
				}
			},
		},
		{
			name: "path-scoped secret does not serve other repositories",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "other/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{
					dockerConfigSecret("host", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, wrongPass))),
					dockerConfigSecret("team", fmt.Sprintf(`{"auths":{%q:%s}}`, h+"/team", authEntry(testUser, testPassword))),
				}
			},
			reason: image.StatusReasonUnauthorized, message: "you may not have access to the container image %q",
		},
		{
			name: "path prefix is a raw string prefix (QUIRK §14.14)",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "teamwork/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("team", fmt.Sprintf(`{"auths":{%q:%s}}`, h+"/team", authEntry(testUser, testPassword)))}
			},
		},
		{
			name: "legacy .dockercfg secret with https URL key",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{{ObjectMeta: image.ObjectMeta{Name: "cfg"}, Type: image.SecretTypeDockercfg,
					Data: map[string][]byte{image.DockerConfigKey: fmt.Appendf(nil, `{"https://%s/v1/":{"username":%q,"password":%q}}`, h, testUser, testPassword)}}}
			},
		},
		{
			name: "podman auth.json secret",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{{ObjectMeta: image.ObjectMeta{Name: "podman"}, Type: importer.SecretTypePodmanConfigJSON,
					Data: map[string][]byte{importer.PodmanConfigKey: fmt.Appendf(nil, `{"auths":{%q:%s}}`, h+"/team/app", authEntry(testUser, testPassword))}}}
			},
		},
		{
			name: "Opaque secrets are ignored",
			auth: fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{{ObjectMeta: image.ObjectMeta{Name: "opaque"}, Type: image.SecretTypeOpaque,
					Data: map[string][]byte{image.DockerConfigJSONKey: fmt.Appendf(nil, `{"auths":{%q:%s}}`, h, authEntry(testUser, testPassword))}}}
			},
			reason: image.StatusReasonUnauthorized, message: "you may not have access to the container image %q",
		},
		{
			name: "bearer: token with credentials",
			auth: fakeregistry.Auth{Scheme: "bearer", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, testPassword)))}
			},
		},
		{
			name:    "bearer: anonymous token refused",
			auth:    fakeregistry.Auth{Scheme: "bearer", Username: testUser, Password: testPassword},
			repo:    "team/app",
			secrets: func(string) []image.Secret { return nil },
			reason:  image.StatusReasonUnauthorized, message: "incorrect username or password for image %q",
		},
		{
			name: "bearer: wrong password, anonymous retry also refused, first status kept",
			auth: fakeregistry.Auth{Scheme: "bearer", Username: testUser, Password: testPassword},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, wrongPass)))}
			},
			reason: image.StatusReasonUnauthorized, message: "incorrect username or password for image %q",
		},
		{
			name: "bearer: wrong password, anonymous retry succeeds (SEMANTICS §8.1)",
			auth: fakeregistry.Auth{Scheme: "bearer"},
			repo: "team/app",
			secrets: func(h string) []image.Secret {
				return []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(testUser, wrongPass)))}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tt.auth)
			f.pushImage(tt.repo, "v1", c)
			var logs syncBuffer
			imp := f.importer(importer.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			ref := f.host + "/" + tt.repo + ":v1"
			got := run(t, imp, nil, tt.secrets(f.host), spec(ref, "v1"))[0]
			if tt.reason == "" {
				if got.Image == nil {
					t.Fatalf("status = %+v, want success", got.Status)
				}
			} else {
				want := fmt.Sprintf(tt.message, ref)
				if got.Status.Reason != tt.reason || got.Status.Message != want || got.Status.Code != 401 {
					t.Errorf("status = %s %d %q, want %s 401 %q", got.Status.Reason, got.Status.Code, got.Status.Message, tt.reason, want)
				}
			}
			for _, secret := range []string{testPassword, wrongPass, base64.StdEncoding.EncodeToString([]byte(testUser + ":" + wrongPass))} {
				if strings.Contains(fmt.Sprintf("%+v", got), secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("a credential leaked into the status or the logs")
				}
			}
			if !strings.Contains(logs.String(), tt.repo) {
				t.Errorf("expected a debug record naming the image, got %q", logs.String())
			}
		})
	}
}

// TestAnonymousRetry: when the namespace's credentials are refused as an
// incorrect username or password, OpenShift re-runs the whole import,
// spec.images and spec.repository, with the node's credentials only, and
// then gives every image still Unauthorized its first-run status back
// (SEMANTICS §8.1 step 7, QUIRK §14.15). Images that succeeded with the
// namespace's credentials and the repository get the re-run's result.
func TestAnonymousRetry(t *testing.T) {
	t.Parallel()
	c := imagetest.ImageContent("anon", imagetest.Options{})
	tests := []struct {
		name string
		// setup starts the registries and returns the importer, the
		// namespace's secrets, the import and the statuses wanted.
		setup func(t *testing.T) (*importer.Importer, []image.Secret, image.ImageStreamImportSpec, importSummary)
	}{
		{
			name: "an image read with the namespace's secret gets the re-run's failure",
			setup: func(t *testing.T) (*importer.Importer, []image.Secret, image.ImageStreamImportSpec, importSummary) {
				var host string
				srv, host := v2Server(t, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/token" {
						tok := "anonymous"
						if u, p, ok := r.BasicAuth(); ok {
							if u != testUser || p != testPassword {
								w.WriteHeader(http.StatusUnauthorized)
								_, _ = w.Write([]byte(`{"details":"incorrect username or password"}`))
								return
							}
							tok = "full"
						}
						_ = json.NewEncoder(w).Encode(map[string]string{"token": tok})
						return
					}
					switch r.Header.Get("Authorization") {
					case "Bearer full":
						switch {
						case strings.Contains(r.URL.Path, "/manifests/"):
							w.Header().Set("Content-Type", c.MediaType)
							w.Header().Set("Docker-Content-Digest", c.ManifestDigest.String())
							_, _ = w.Write(c.Manifest)
						case strings.HasSuffix(r.URL.Path, c.ConfigDigest.String()):
							_, _ = w.Write(c.Config)
						default:
							w.WriteHeader(http.StatusNotFound)
						}
					case "Bearer anonymous":
						// Private repositories are hidden from anonymous users.
						if strings.Contains(r.URL.Path, "/priv/") {
							writeErrors(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown")
							return
						}
						writeErrors(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
					default:
						w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="https://%s/token",service="reg"`, host))
						writeErrors(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
					}
				})
				secrets := []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s,%q:%s}}`,
					host+"/priv", authEntry(testUser, testPassword), host+"/other", authEntry(testUser, wrongPass)))}
				imp := importer.New(importer.Options{Transport: srv.Client().Transport, RateLimits: importer.Unlimited()})
				return imp, secrets, image.ImageStreamImportSpec{Images: []image.ImageImportSpec{spec(host+"/priv/x:v1", "x"), spec(host+"/other/y:v1", "y")}},
					importSummary{Images: []string{
						fmt.Sprintf("NotFound: dockerimage.image.openshift.io %q not found", host+"/priv/x:v1"),
						fmt.Sprintf("Unauthorized: incorrect username or password for image %q", host+"/other/y:v1"),
					}}
			},
		},
		{
			name: "the repository gets the re-run's result",
			setup: func(t *testing.T) (*importer.Importer, []image.Secret, image.ImageStreamImportSpec, importSummary) {
				anon := newFake(t, fakeregistry.Auth{Scheme: "bearer"}) // anonymous tokens; any password is incorrect
				anon.pushImage("team/app", "v1", c)
				priv := newFake(t, fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword})
				priv.pushImage("private/app", "v1", c)
				secrets := []image.Secret{
					dockerConfigSecret("stale", fmt.Sprintf(`{"auths":{%q:%s}}`, anon.host, authEntry(testUser, wrongPass))),
					dockerConfigSecret("good", fmt.Sprintf(`{"auths":{%q:%s}}`, priv.host, authEntry(testUser, testPassword))),
				}
				// Both fakes share the test CA, so one client trusts both.
				return anon.importer(importer.Options{}), secrets,
					image.ImageStreamImportSpec{
						Images:     []image.ImageImportSpec{spec(anon.host+"/team/app:v1", "v1")},
						Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: priv.host + "/private/app"}},
					},
					importSummary{
						Images:     []string{"Success"},
						Repository: []string{fmt.Sprintf("Unauthorized: you may not have access to the container image %q", priv.host+"/private/app")},
					}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp, secrets, sp, want := tt.setup(t)
			isi := &image.ImageStreamImport{Spec: sp}
			if err := imp.Import(context.Background(), isi, nil, secrets); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, summarize(isi)); diff != "" {
				t.Errorf("statuses after the anonymous retry (-want +got):\n%s", diff)
			}
		})
	}
}

// importSummary is an import's statuses, "Success" or "<reason>:
// <message>": each image's, then the repository's and its images'.
type importSummary struct {
	Images, Repository []string
}

func summarize(isi *image.ImageStreamImport) importSummary {
	one := func(st image.Status) string {
		if st.Status == image.StatusSuccess {
			return st.Status
		}
		return fmt.Sprintf("%s: %s", st.Reason, st.Message)
	}
	var s importSummary
	for _, st := range isi.Status.Images {
		s.Images = append(s.Images, one(st.Status))
	}
	if r := isi.Status.Repository; r != nil {
		s.Repository = append(s.Repository, one(r.Status))
		for _, st := range r.Images {
			s.Repository = append(s.Repository, one(st.Status))
		}
	}
	return s
}

// TestTokensReused checks that one import asks the token server once per
// repository scope, however many tags it fetches.
func TestTokensReused(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{Scheme: "bearer", Username: testUser, Password: testPassword})
	var specs []image.ImageImportSpec
	for i := range 6 {
		tag := fmt.Sprintf("v%d", i)
		f.pushImage("team/app", tag, imagetest.ImageContent(tag, imagetest.Options{}))
		specs = append(specs, spec(f.host+"/team/app:"+tag, tag))
	}
	secrets := []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, f.host, authEntry(testUser, testPassword)))}
	// One at a time, so that no two requests race for the first token.
	for i, st := range run(t, f.importer(importer.Options{Concurrency: 1}), nil, secrets, specs...) {
		if st.Image == nil {
			t.Fatalf("image %d: %+v", i, st.Status)
		}
	}
	if n := f.Count("GET", "/token"); n != 1 {
		t.Errorf("token requested %d times, want 1", n)
	}
}

// TestEchoedCredentialsRedacted: a registry (or a proxy before it) that
// echoes the Authorization header in its errors must not get the
// credential into the status, in any form the importer sends: the Basic
// header's base64(user:password), a bearer token, the raw password.
func TestEchoedCredentialsRedacted(t *testing.T) {
	t.Parallel()
	const shortPass = "pw" // under the length rule: only its encoded form is scrubbed
	tests := []struct {
		name     string
		auth     fakeregistry.Auth
		entry    string
		scrubbed []string // must not appear in the status
	}{
		{
			name:     "basic, auth field",
			auth:     fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: testPassword},
			entry:    authEntry(testUser, testPassword),
			scrubbed: []string{testPassword, base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPassword))},
		},
		{
			name:     "basic, username and short password",
			auth:     fakeregistry.Auth{Scheme: "basic", Username: testUser, Password: shortPass},
			entry:    fmt.Sprintf(`{"username":%q,"password":%q}`, testUser, shortPass),
			scrubbed: []string{base64.StdEncoding.EncodeToString([]byte(testUser + ":" + shortPass))},
		},
		{
			name:  "bearer token",
			auth:  fakeregistry.Auth{Scheme: "bearer", Username: testUser, Password: testPassword},
			entry: authEntry(testUser, testPassword),
			// The token is random; the check below finds it in the
			// header the registry saw.
			scrubbed: []string{testPassword},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := fakeregistry.New(tt.auth)
			reg.PutManifest("team/app", "v1", "application/vnd.oci.image.manifest.v1+json", []byte(`{}`))
			var mu sync.Mutex
			var sent []string
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := r.Header.Get("Authorization")
				if !strings.Contains(r.URL.Path, "/manifests/") || h == "" {
					reg.ServeHTTP(w, r)
					return
				}
				mu.Lock()
				sent = append(sent, strings.TrimPrefix(strings.TrimPrefix(h, "Basic "), "Bearer "))
				mu.Unlock()
				msg := "you sent " + h
				if _, p, ok := r.BasicAuth(); ok {
					msg += " with password " + p
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": "DENIED", "message": msg}}})
			}))
			t.Cleanup(srv.Close)
			host := strings.TrimPrefix(srv.URL, "https://")
			imp := importer.New(importer.Options{Transport: srv.Client().Transport, Retries: -1, RateLimits: importer.Unlimited()})
			secrets := []image.Secret{dockerConfigSecret("pull", fmt.Sprintf(`{"auths":{%q:%s}}`, host, tt.entry))}
			got := run(t, imp, nil, secrets, spec(host+"/team/app:v1", "v1"))[0].Status
			mu.Lock()
			defer mu.Unlock()
			if len(sent) == 0 {
				t.Fatalf("the registry saw no credential; status %q", got.Message)
			}
			if !strings.Contains(got.Message, "you sent ") || !strings.Contains(got.Message, "<redacted>") {
				t.Fatalf("status %q does not carry the redacted echo", got.Message)
			}
			for _, sec := range append(tt.scrubbed, sent...) {
				if strings.Contains(got.Message, sec) {
					t.Errorf("status %q carries a credential", got.Message)
				}
			}
		})
	}
}

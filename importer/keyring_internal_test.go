package importer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// secretFor builds a .dockerconfigjson secret whose entries map each
// location to the user of the same index (password "pw-<user>").
func secretFor(t testing.TB, name string, locs ...string) image.Secret {
	t.Helper()
	auths := map[string]dockerConfigEntry{}
	for i := 0; i+1 < len(locs); i += 2 {
		auths[locs[i]] = dockerConfigEntry{Username: locs[i+1], Password: "pw-" + locs[i+1]}
	}
	b, err := json.Marshal(map[string]any{"auths": auths})
	if err != nil {
		t.Fatal(err)
	}
	return image.Secret{ObjectMeta: image.ObjectMeta{Name: name}, Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{image.DockerConfigJSONKey: b}}
}

// TestKeyringLookup is the credential matching of SEMANTICS §8.7.
func TestKeyringLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets [][]string // per secret: location, user, location, user...
		target  string
		want    string // user picked, "" for none
	}{
		{name: "nested path wins", secrets: [][]string{{"quay.io", "top", "quay.io/repository-main", "main"}}, target: "quay.io/repository-main/x:latest", want: "main"},
		{name: "host for other repositories", secrets: [][]string{{"quay.io", "top", "quay.io/repository-main", "main"}}, target: "quay.io/other/x:latest", want: "top"},
		{name: "raw string prefix (QUIRK §14.14)", secrets: [][]string{{"quay.io/repo", "repo"}}, target: "quay.io/repository-main/x:latest", want: "repo"},
		{name: "path must prefix", secrets: [][]string{{"quay.io/team", "team"}}, target: "quay.io/other/x", want: ""},
		{name: "explicit port differs from none", secrets: [][]string{{"quay.io:443", "port"}}, target: "quay.io/ns/x", want: ""},
		{name: "same port", secrets: [][]string{{"reg.local:5000", "port"}}, target: "reg.local:5000/ns/x@sha256:" + fmt.Sprint(0), want: "port"},
		{name: "other port", secrets: [][]string{{"reg.local:5000", "port"}}, target: "reg.local:5001/ns/x", want: ""},
		{name: "host glob", secrets: [][]string{{"*.quay.io", "glob"}}, target: "eu.quay.io/ns/x", want: "glob"},
		{name: "host glob needs as many labels", secrets: [][]string{{"*.quay.io", "glob"}}, target: "quay.io/ns/x", want: ""},
		{name: "scheme and /v1/ are dropped", secrets: [][]string{{"https://index.docker.io/v1/", "hub"}}, target: "docker.io/library/busybox:latest", want: "hub"},
		{name: "/v2/ prefix is dropped", secrets: [][]string{{"https://reg.io/v2/team", "team"}}, target: "reg.io/team/app", want: "team"},
		{name: "http scheme is accepted", secrets: [][]string{{"http://reg.io", "plain"}}, target: "reg.io/team/app", want: "plain"},
		{name: "registry-1.docker.io serves docker.io", secrets: [][]string{{"registry-1.docker.io", "hub"}}, target: "docker.io/library/busybox:latest", want: "hub"},
		{name: "docker.io serves index.docker.io", secrets: [][]string{{"docker.io", "hub"}}, target: "index.docker.io/library/busybox:latest", want: "hub"},
		{name: "docker.io path scope across aliases", secrets: [][]string{{"docker.io", "hub", "index.docker.io/myorg", "org"}}, target: "docker.io/myorg/app:latest", want: "org"},
		{name: "docker.io written as such beats its aliases", secrets: [][]string{{"index.docker.io", "index"}, {"docker.io", "plain"}}, target: "docker.io/library/busybox", want: "plain"},
		{name: "no Docker Hub fallback for localhost", secrets: [][]string{{"https://index.docker.io/v1/", "hub"}}, target: "localhost/foo:latest", want: ""},
		{name: "first secret wins for the same key", secrets: [][]string{{"quay.io", "first"}, {"quay.io", "second"}}, target: "quay.io/a/b", want: "first"},
		{name: "no entry", secrets: nil, target: "quay.io/a/b", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var secrets []image.Secret
			for i, locs := range tt.secrets {
				secrets = append(secrets, secretFor(t, fmt.Sprint("s", i), locs...))
			}
			kr, err := newKeyring(secrets)
			if err != nil {
				t.Fatal(err)
			}
			got := kr.lookup(tt.target)
			want := credential{}
			if tt.want != "" {
				want = credential{username: tt.want, password: "pw-" + tt.want}
			}
			if got != want {
				t.Errorf("lookup(%q) = %q, want %q", tt.target, got.username, want.username)
			}
		})
	}
}

// TestKeyringUnionOrder: the keyring is the union of the namespace's
// secrets and the node's, secrets first (SEMANTICS §8.7 steps 2 and 5):
// any namespace hit comes before every node hit, however specific the
// node's key; the reverse order applies only within one source.
func TestKeyringUnionOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		namespace, node []string // location, user, location, user...
		target          string
		want            string // user picked, "" for none
	}{
		{name: "namespace host key beats node path key", namespace: []string{"reg.io", "ns"}, node: []string{"reg.io/team", "node"}, target: "reg.io/team/app:v1", want: "ns"},
		{name: "namespace raw-prefix key beats node exact key", namespace: []string{"reg.io/te", "ns"}, node: []string{"reg.io/team/app", "node"}, target: "reg.io/team/app:v1", want: "ns"},
		{name: "node serves what the namespace does not match", namespace: []string{"reg.io/other", "ns"}, node: []string{"reg.io", "node"}, target: "reg.io/team/app:v1", want: "node"},
		{name: "reverse order within the node's keys", namespace: []string{"quay.io", "ns"}, node: []string{"reg.io", "host", "reg.io/team", "team"}, target: "reg.io/team/app:v1", want: "team"},
		{name: "same key: namespace first", namespace: []string{"reg.io", "ns"}, node: []string{"reg.io", "node"}, target: "reg.io/team/app:v1", want: "ns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kr, err := newKeyring([]image.Secret{secretFor(t, "ns", tt.namespace...)}, []image.Secret{secretFor(t, "node", tt.node...)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, kr.lookup(tt.target).username); diff != "" {
				t.Errorf("user picked for %q (-want +got):\n%s", tt.target, diff)
			}
		})
	}
}

// TestNodeSecretsThatDoNotDecodeAreIgnored: OpenShift ignores a node
// keyring it cannot read, where a namespace's bad secret fails the import
// (SEMANTICS §8.7 steps 1 and 2).
func TestNodeSecretsThatDoNotDecodeAreIgnored(t *testing.T) {
	t.Parallel()
	broken := image.Secret{ObjectMeta: image.ObjectMeta{Name: "broken"}, Type: image.SecretTypeDockerConfigJSON,
		Data: map[string][]byte{image.DockerConfigJSONKey: []byte(`{"auths": not json`)}}
	badAuth := image.Secret{ObjectMeta: image.ObjectMeta{Name: "bad-auth"}, Type: image.SecretTypeDockerConfigJSON,
		Data: map[string][]byte{image.DockerConfigJSONKey: []byte(`{"auths":{"r.io":{"username":"bad","password":"x"},"q.io":{"auth":"%%%"}}}`)}}
	good := secretFor(t, "good", "r.io", "node")
	imp := New(Options{NodeSecrets: []image.Secret{broken, badAuth, good}})
	if diff := cmp.Diff([]string{"good"}, secretNames(imp.opts.NodeSecrets)); diff != "" {
		t.Errorf("node secrets kept (-want +got):\n%s", diff)
	}
	if err := imp.Import(context.Background(), &image.ImageStreamImport{}, nil, nil); err != nil {
		t.Errorf("Import with undecodable node secrets: %v", err)
	}
	if err := imp.Import(context.Background(), &image.ImageStreamImport{}, nil, []image.Secret{broken}); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("Import with an undecodable namespace secret = %v, want ErrInvalidSecret", err)
	}
}

func secretNames(list []image.Secret) []string {
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	return names
}

// TestRepositoryCredentialLooksUpWholePullSpec: the keyring is asked
// about the pull spec with its tag or digest (SEMANTICS §8.7 step 4), so
// a key with a tag matches that tag's import and no other.
func TestRepositoryCredentialLooksUpWholePullSpec(t *testing.T) {
	t.Parallel()
	kr, err := newKeyring([]image.Secret{secretFor(t, "pull", "quay.io/ns/app:v1", "tagged", "quay.io", "host")})
	if err != nil {
		t.Fatal(err)
	}
	sess := New(Options{}).newSession(kr)
	for spec, want := range map[string]string{"quay.io/ns/app:v1": "tagged", "quay.io/ns/app:v2": "host"} {
		ref, err := reference.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		repo, err := sess.repository(context.Background(), target{def: ref.DockerClientDefaults()})
		if err != nil {
			t.Fatal(err)
		}
		ac, ok := repo.Client.(manifestErrors).Client.(*auth.Client)
		if !ok {
			t.Fatalf("client is %T", repo.Client.(manifestErrors).Client)
		}
		cred, err := ac.Credential(context.Background(), "quay.io")
		if err != nil {
			t.Fatal(err)
		}
		if cred.Username != want {
			t.Errorf("user for %s = %q, want %q", spec, cred.Username, want)
		}
	}
}

func TestSecretEntries(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name    string
		secret  image.Secret
		want    credential
		wantErr bool
	}{
		{name: "auth padded", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": fmt.Appendf(nil, `{"auths":{"r.io":{"auth":%q}}}`, b64("u:pw1"))}}, want: credential{"u", "pw1"}},
		{name: "auth padded with a trailing newline", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": fmt.Appendf(nil, `{"auths":{"r.io":{"auth":%q}}}`, b64("u:pw")+"\n")}}, want: credential{"u", "pw"}},
		{name: "auth unpadded", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": fmt.Appendf(nil, `{"auths":{"r.io":{"auth":%q}}}`, base64.RawStdEncoding.EncodeToString([]byte("u:pw12")))}}, want: credential{"u", "pw12"}},
		{name: "auth beats username", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": fmt.Appendf(nil, `{"auths":{"r.io":{"username":"x","password":"y","auth":%q}}}`, b64("u:p:with:colons"))}}, want: credential{"u", "p:with:colons"}},
		{name: "dockercfg", secret: image.Secret{Type: image.SecretTypeDockercfg, Data: map[string][]byte{".dockercfg": []byte(`{"r.io":{"username":"u","password":"p"}}`)}}, want: credential{"u", "p"}},
		{name: "stringData", secret: image.Secret{Type: image.SecretTypeDockercfg, StringData: map[string]string{".dockercfg": `{"r.io":{"username":"u","password":"p"}}`}}, want: credential{"u", "p"}},
		{name: "podman auth.json", secret: image.Secret{Type: SecretTypePodmanConfigJSON, Data: map[string][]byte{"auth.json": []byte(`{"auths":{"r.io":{"username":"u","password":"p"}}}`)}}, want: credential{"u", "p"}},
		{name: "empty data is ignored", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON}},
		{name: "wrong key is ignored", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockercfg": []byte(`{`)}}},
		{name: "malformed JSON", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": []byte(`{"auths":`)}}, wantErr: true},
		{name: "auth not base64", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": []byte(`{"auths":{"r.io":{"auth":"%%%"}}}`)}}, wantErr: true},
		{name: "auth without colon", secret: image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": fmt.Appendf(nil, `{"auths":{"r.io":{"auth":%q}}}`, b64("nocolon"))}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kr, err := newKeyring([]image.Secret{tt.secret})
			if (err != nil) != tt.wantErr {
				t.Fatalf("newKeyring error = %v, want error %t", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := kr.lookup("r.io/ns/app"); got != tt.want {
				t.Errorf("credential = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzKeyring(f *testing.F) {
	f.Add(`{"auths":{"quay.io":{"username":"u","password":"p"},"quay.io/repo":{"auth":"dTpw"}}}`, "quay.io/repository/x:latest")
	f.Add(`{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p"}}}`, "docker.io/library/busybox:latest")
	f.Add(`{"auths":{"quay.io":{"username":"a","password":"1"},"quay.io/repo":{"username":"b","password":"2"}}}`, "quay.io/repo/x")
	f.Add(`{"auths":{"*.example.com:5000/a":{"username":"u","password":"p"}}}`, "eu.example.com:5000/a/b@sha256:00")
	f.Fuzz(func(t *testing.T, config, target string) {
		s := image.Secret{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{".dockerconfigjson": []byte(config)}}
		kr, err := newKeyring([]image.Secret{s})
		if err != nil {
			return
		}
		// Property: a credential is returned only if some entry holds it,
		// and the keys are in reverse lexicographic order.
		got := kr.lookup(target)
		found := got.empty()
		for i, e := range kr.index {
			if i > 0 && kr.index[i-1].key < e.key {
				t.Fatalf("index not sorted: %q before %q", kr.index[i-1].key, e.key)
			}
			for _, c := range e.creds {
				found = found || c == got
			}
		}
		if !found {
			t.Fatalf("lookup returned a credential that is in no entry")
		}
		// Property: every plain key the keyring stores is reachable. An
		// image under the key gets the first credential of that key or of
		// a key before it in index order (a longer nested key, or an
		// earlier source) that the image's name starts with; a glob may
		// match where a string prefix does not.
		for i, e := range kr.index {
			under := e.key + "/fuzz"
			g, gerr := url.Parse("https://" + e.key)
			u, uerr := url.Parse("https://" + under)
			if strings.ContainsAny(e.key, "*?[\\%#") || gerr != nil || uerr != nil || g.Port() != u.Port() {
				continue // a glob, or a key that is no URL, as in the kubelet
			}
			got := kr.lookup(under)
			ok := false
			for _, before := range kr.index[:i+1] {
				matches := strings.HasPrefix(under, before.key) || strings.ContainsAny(before.key, "*?[\\%#")
				ok = ok || matches && len(before.creds) > 0 && before.creds[0] == got
			}
			if !ok {
				t.Fatalf("lookup(%q) = %+v, not the first credential of key %q or of a key before it that the name starts with", under, got, e.key)
			}
		}
	})
}

// TestRetryPolicy checks OpenShift's waits (SEMANTICS §8.11) and that a
// Retry-After header, in seconds or as a date, takes precedence.
func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	p := &retryPolicy{retries: 2, maxWait: time.Minute}
	resp := func(code int, retryAfter string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}}
		if retryAfter != "" {
			r.Header.Set("Retry-After", retryAfter)
		}
		return r
	}
	tests := []struct {
		name    string
		attempt int
		resp    *http.Response
		err     error
		want    time.Duration
	}{
		{name: "429 waits 2s", resp: resp(429, ""), want: 2 * time.Second},
		{name: "429 Retry-After seconds", resp: resp(429, "7"), want: 7 * time.Second},
		{name: "503 Retry-After seconds", resp: resp(503, "3"), want: 3 * time.Second},
		{name: "Retry-After is capped", resp: resp(429, "3600"), want: time.Minute},
		{name: "Retry-After in the past", resp: resp(429, "Mon, 02 Jan 2006 15:04:05 GMT"), want: 0},
		{name: "garbage Retry-After", resp: resp(429, "soon"), want: 2 * time.Second},
		{name: "500 waits 5s", resp: resp(500, ""), want: 5 * time.Second},
		{name: "502 waits 5s", resp: resp(502, ""), want: 5 * time.Second},
		{name: "504 waits 5s", resp: resp(504, ""), want: 5 * time.Second},
		{name: "501 is not retried", resp: resp(501, ""), want: -1},
		{name: "404 is not retried", resp: resp(404, ""), want: -1},
		{name: "200 is not retried", resp: resp(200, ""), want: -1},
		{name: "third retry is refused", attempt: 2, resp: resp(500, ""), want: -1},
		{name: "timeout waits 1s", err: timeoutError{}, want: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := p.Retry(tt.attempt, tt.resp, tt.err)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("wait (-want +got):\n%s", diff)
			}
		})
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestRedactorForms: statuses lose every form of a keyring credential —
// the auth field as spelled (here unpadded), the Basic header's padded
// base64 and the raw password — with short raw passwords kept, as
// scrubbing them would garble messages.
func TestRedactorForms(t *testing.T) {
	t.Parallel()
	padded := base64.StdEncoding.EncodeToString([]byte("user:secret-pass"))
	unpadded := base64.RawStdEncoding.EncodeToString([]byte("other:secret-pass-2"))
	data := fmt.Sprintf(`{"auths":{"a.io":{"auth":%q},"b.io":{"auth":%q},"c.io":{"username":"u","password":"pw"}}}`, padded, unpadded)
	kr, err := newKeyring([]image.Secret{{Type: image.SecretTypeDockerConfigJSON, Data: map[string][]byte{image.DockerConfigJSONKey: []byte(data)}}})
	if err != nil {
		t.Fatal(err)
	}
	r := &redactor{}
	r.add(kr.secrets...)
	msg := "echo: " + padded + " " + unpadded + " " + base64.StdEncoding.EncodeToString([]byte("other:secret-pass-2")) +
		" secret-pass-2 secret-pass " + base64.StdEncoding.EncodeToString([]byte("u:pw")) + " pw"
	st := r.status(image.Status{Message: msg, Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: msg}}}})
	want := "echo: <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> pw"
	if st.Message != want || st.Details.Causes[0].Message != want {
		t.Errorf("redacted to %q and %q, want %q", st.Message, st.Details.Causes[0].Message, want)
	}
}

// TestRedactorEscapedForms: a secret echoed in a URL, as a redirect's
// error shows it, is escaped for a query or a path, which differ; both
// forms are scrubbed, and the longest secret first, so that one which
// begins another does not leave the other's tail.
func TestRedactorEscapedForms(t *testing.T) {
	t.Parallel()
	const token, password = "tok+en/Zq==", "tok+en/Zq== p&ss"
	r := &redactor{}
	r.add(token)
	r.add(password)
	for _, msg := range []string{
		password,
		url.QueryEscape(password),
		url.PathEscape(password),
		`Get "https://r.io/moved?c=` + url.QueryEscape(token) + `": EOF`,
		`Get "https://r.io/moved/` + url.PathEscape(password) + `": EOF`,
	} {
		st := r.status(image.Status{Message: msg})
		for _, leak := range []string{token, url.QueryEscape(token), url.PathEscape(token), "p&ss", "p%26ss"} {
			if strings.Contains(st.Message, leak) {
				t.Errorf("%q redacted to %q, which holds %q", msg, st.Message, leak)
			}
		}
	}
}

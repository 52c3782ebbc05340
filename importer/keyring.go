package importer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// SecretTypePodmanConfigJSON is the secret type OpenShift's documentation
// gives for a podman auth.json stored under the key PodmanConfigKey. The
// importer reads it like a .dockerconfigjson secret; OpenShift ignores it
// (SEMANTICS §14.14).
const SecretTypePodmanConfigJSON image.SecretType = "kubernetes.io/podmanconfigjson"

// PodmanConfigKey is the data key of a podman auth.json secret.
const PodmanConfigKey = "auth.json"

// ErrInvalidSecret is wrapped by the error Import returns when a pull
// secret of a type it reads does not decode. As in OpenShift, one broken
// secret fails the whole import (SEMANTICS §8.7). The error names the
// secret but never quotes its content.
var ErrInvalidSecret = errors.New("invalid pull secret")

// credential is one username and password pair from a pull secret.
type credential struct {
	username, password string
}

func (c credential) empty() bool { return c.username == "" && c.password == "" }

// keyring finds the credential for an image the way the kubelet keyring
// vendored by OpenShift does (SEMANTICS §8.7), except that Docker Hub's
// host names are one registry (see doc.go).
type keyring struct {
	// index holds the keys of each source (argument list of newKeyring)
	// in turn, those of one source sorted so that a longer key nested in
	// a shorter one comes first (reverse lexicographic order). Like the
	// kubelet's union keyring, every hit of an earlier source comes
	// before any hit of a later one, however specific (SEMANTICS §8.7).
	index []keyEntry
	// secrets are every credential string of the keyring in the forms
	// the importer may send or a registry may echo, for redaction.
	secrets []string
}

type keyEntry struct {
	src   int    // index of the secret list the key came from
	key   string // host[:port][/path], Docker Hub hosts written docker.io
	alias int    // 0 docker.io or not Hub, 1 index.docker.io, 2 registry-1.docker.io
	creds []credential
}

// decodableSecrets returns the secrets of list the keyring can read,
// logging the name of each one left out. list is not modified.
func decodableSecrets(list []image.Secret, log *slog.Logger) []image.Secret {
	var out []image.Secret
	for i := range list {
		if _, err := newKeyring(list[i : i+1]); err != nil {
			log.Debug("node secret ignored", "secret", list[i].Name, "err", err)
			continue
		}
		out = append(out, list[i])
	}
	return out
}

// dockerConfigEntry is one entry of a .dockercfg or .dockerconfigjson
// file; auth, when set, replaces username and password.
type dockerConfigEntry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Email    string `json:"email,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

// newKeyring builds the keyring of the given secret lists, in order: a
// match in an earlier list wins over any in a later one, and earlier
// secrets win among credentials stored under the same key. Secrets of
// other types are ignored; a secret of a read type that does not decode
// fails the whole keyring, as in OpenShift.
func newKeyring(secrets ...[]image.Secret) (*keyring, error) {
	kr := &keyring{}
	byKey := map[string]*keyEntry{}
	for src, list := range secrets {
		for i := range list {
			s := &list[i]
			entries, err := secretEntries(s)
			if err != nil {
				return nil, fmt.Errorf("%w: secret %q: %v", ErrInvalidSecret, s.Name, err)
			}
			// Entries of one secret come from a JSON object: add them in
			// key order so the result does not depend on map order.
			locs := make([]string, 0, len(entries))
			for loc := range entries {
				locs = append(locs, loc)
			}
			slices.Sort(locs)
			for _, loc := range locs {
				cred, err := entries[loc].credential()
				if err != nil {
					return nil, fmt.Errorf("%w: secret %q: entry %q: %v", ErrInvalidSecret, s.Name, loc, err)
				}
				key, alias, ok := keyringKey(loc)
				if !ok {
					continue
				}
				id := fmt.Sprintf("%d\x00%s\x00%d", src, key, alias)
				e := byKey[id]
				if e == nil {
					e = &keyEntry{src: src, key: key, alias: alias}
					byKey[id] = e
				}
				e.creds = append(e.creds, cred)
				kr.secrets = append(kr.secrets, entries[loc].Auth, cred.password)
				if !cred.empty() {
					// What Basic authentication sends, whether the entry
					// had auth or username and password.
					kr.secrets = append(kr.secrets, base64.StdEncoding.EncodeToString([]byte(cred.username+":"+cred.password)))
				}
			}
		}
	}
	for _, e := range byKey {
		kr.index = append(kr.index, *e)
	}
	slices.SortFunc(kr.index, func(a, b keyEntry) int {
		if a.src != b.src {
			return a.src - b.src
		}
		if c := strings.Compare(b.key, a.key); c != 0 {
			return c
		}
		return a.alias - b.alias
	})
	return kr, nil
}

// secretEntries decodes the registry entries of a pull secret, or returns
// nil for secrets of types the importer does not read.
func secretEntries(s *image.Secret) (map[string]dockerConfigEntry, error) {
	data := func(key string) []byte {
		if v, ok := s.Data[key]; ok {
			return v
		}
		if v, ok := s.StringData[key]; ok {
			return []byte(v)
		}
		return nil
	}
	var raw []byte
	wrapped := true
	switch s.Type {
	case image.SecretTypeDockerConfigJSON:
		raw = data(image.DockerConfigJSONKey)
	case image.SecretTypeDockercfg:
		raw, wrapped = data(image.DockerConfigKey), false
	case SecretTypePodmanConfigJSON:
		raw = data(PodmanConfigKey)
		if len(raw) == 0 {
			raw = data(image.DockerConfigJSONKey)
		}
	default:
		return nil, nil
	}
	if len(raw) == 0 {
		return nil, nil
	}
	// Decoding errors are reported without the decoder's text, which may
	// quote the secret's bytes.
	if wrapped {
		var cfg struct {
			Auths map[string]dockerConfigEntry `json:"auths"`
		}
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return nil, errors.New("data is not a valid config.json document")
		}
		return cfg.Auths, nil
	}
	var cfg map[string]dockerConfigEntry
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, errors.New("data is not a valid .dockercfg document")
	}
	return cfg, nil
}

// credential decodes the entry: auth, base64 of "user:password" with or
// without padding, wins over username and password.
func (e dockerConfigEntry) credential() (credential, error) {
	if e.Auth == "" {
		return credential{username: e.Username, password: e.Password}, nil
	}
	// The kubelet looks for padding past trailing white space, and the
	// padded decoding skips line breaks.
	enc := base64.StdEncoding
	if !strings.HasSuffix(strings.TrimSpace(e.Auth), "=") {
		enc = base64.RawStdEncoding
	}
	b, err := enc.DecodeString(e.Auth)
	if err != nil {
		return credential{}, errors.New("auth is not valid base64")
	}
	user, pass, ok := strings.Cut(string(b), ":")
	if !ok {
		return credential{}, errors.New("auth does not decode to user:password")
	}
	return credential{username: user, password: pass}, nil
}

// keyringKey turns a config entry's location into its keyring key, as the
// kubelet keyring does: "https://" is assumed, a /v1/ or /v2/ path prefix
// is dropped, and the key is host[:port] plus the remaining path unless
// that is empty or "/". Docker Hub's host names are written docker.io and
// remembered in alias.
func keyringKey(loc string) (key string, alias int, ok bool) {
	v := loc
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return "", 0, false
	}
	p := u.Path
	if strings.HasPrefix(p, "/v2/") || strings.HasPrefix(p, "/v1/") {
		p = p[3:]
	}
	host := u.Host
	switch host {
	case reference.DockerDefaultV1Registry:
		host, alias = reference.DockerDefaultRegistry, 1
	case reference.DockerDefaultV2Registry:
		host, alias = reference.DockerDefaultRegistry, 2
	}
	if p != "" && p != "/" {
		return host + p, alias, true
	}
	return host, alias, true
}

// lookup returns the credential for target, a defaulted pull spec such as
// "quay.io/ns/app" or "docker.io/library/busybox": the first credential
// of the first key that matches, or the zero credential. Keys are tried
// in index order, so the namespace's secrets come before the node's and,
// within one of them, the longest nested path wins; a key matches when the
// ports are equal, the hosts have as many labels and each label matches
// the key's (which may be a glob such as "*.quay.io"), and the target's
// path starts with the key's path as a plain string prefix (so
// "quay.io/repo" also matches "quay.io/repository-main/x", as in
// OpenShift). Docker Hub's host names are all written docker.io first, so
// a credential stored for any of them serves every Docker Hub image; this
// subsumes OpenShift's index.docker.io fallback without extending it to
// registries such as "localhost" (see doc.go).
func (kr *keyring) lookup(target string) credential {
	if kr == nil {
		return credential{}
	}
	if host, rest, ok := strings.Cut(target, "/"); ok && reference.IsRegistryDockerHub(host) {
		target = reference.DockerDefaultRegistry + "/" + rest
	}
	t, err := url.Parse("https://" + target)
	if err != nil {
		return credential{}
	}
	for _, e := range kr.index {
		g, err := url.Parse("https://" + e.key)
		if err != nil {
			continue
		}
		if urlsMatch(g, t) && len(e.creds) > 0 {
			return e.creds[0]
		}
	}
	return credential{}
}

// urlsMatch is the kubelet keyring's URL match: equal ports, the same
// number of host labels each matching as a glob, and a raw path prefix.
func urlsMatch(glob, target *url.URL) bool {
	if glob.Port() != target.Port() {
		return false
	}
	gl := strings.Split(glob.Hostname(), ".")
	tl := strings.Split(target.Hostname(), ".")
	if len(gl) != len(tl) {
		return false
	}
	for i := range gl {
		if ok, err := filepath.Match(gl[i], tl[i]); err != nil || !ok {
			return false
		}
	}
	return strings.HasPrefix(target.Path, glob.Path)
}

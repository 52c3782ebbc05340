package fakeregistry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
)

// Registry is the fake registry. The zero value is not usable; call New.
type Registry struct {
	mu       sync.Mutex // guards everything below
	repos    map[string]*repository
	faults   []*faultState
	requests []Request
	auth     Auth
	tokens   map[string]bool
}

type repository struct {
	manifests map[digest.Digest]manifest
	tags      map[string]digest.Digest
	blobs     map[digest.Digest][]byte
}

type manifest struct {
	mediaType string
	body      []byte
}

// Auth configures authentication. The zero value lets everyone in.
type Auth struct {
	// Scheme is "basic" or "bearer"; empty means no authentication.
	Scheme string
	// Username and Password are the only accepted credential. With
	// bearer, an empty Username makes the token endpoint give tokens to
	// anonymous clients.
	Username, Password string
}

// Request is one request the registry received.
type Request struct {
	Method string
	// Path is the URL path, e.g. "/v2/ns/app/manifests/latest".
	Path string
	// Authorization is the scheme of the Authorization header, "Basic"
	// or "Bearer", or "".
	Authorization string
}

// New returns an empty registry with the given authentication.
func New(auth Auth) *Registry {
	return &Registry{repos: map[string]*repository{}, auth: auth, tokens: map[string]bool{}}
}

// Start serves r over plain HTTP on 127.0.0.1 until the test ends and
// returns the server.
func (r *Registry) Start(tb testing.TB) *httptest.Server {
	tb.Helper()
	s := httptest.NewUnstartedServer(r)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// StartTLS serves r over HTTPS with httptest's self-signed certificate;
// the server's Client trusts it.
func (r *Registry) StartTLS(tb testing.TB) *httptest.Server {
	tb.Helper()
	s := httptest.NewUnstartedServer(r)
	// Handshakes cut short by clients that give up are expected noise.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	tb.Cleanup(s.Close)
	return s
}

func (r *Registry) repo(name string) *repository {
	rp := r.repos[name]
	if rp == nil {
		rp = &repository{manifests: map[digest.Digest]manifest{}, tags: map[string]digest.Digest{}, blobs: map[digest.Digest][]byte{}}
		r.repos[name] = rp
	}
	return rp
}

// PutBlob stores a blob in repo and returns its digest.
func (r *Registry) PutBlob(repo string, b []byte) digest.Digest {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := digest.FromBytes(b)
	r.repo(repo).blobs[d] = bytes.Clone(b)
	return d
}

// PutManifest stores a manifest served with mediaType under its sha256
// digest and, when tag is not empty, tags it. It returns the digest.
func (r *Registry) PutManifest(repo, tag, mediaType string, body []byte) digest.Digest {
	d := digest.FromBytes(body)
	r.PutManifestAs(repo, tag, mediaType, body, d)
	return d
}

// PutManifestAs stores a manifest under the digest d whatever its bytes
// hash to: the canonical digest of a signed schema 1 manifest, or a wrong
// one to test verification.
func (r *Registry) PutManifestAs(repo, tag, mediaType string, body []byte, d digest.Digest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rp := r.repo(repo)
	rp.manifests[d] = manifest{mediaType: mediaType, body: bytes.Clone(body)}
	if tag != "" {
		rp.tags[tag] = d
	}
}

// Tag points tag of repo at the manifest d, which may not exist.
func (r *Registry) Tag(repo, tag string, d digest.Digest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.repo(repo).tags[tag] = d
}

// Requests returns the requests received so far, oldest first.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Count returns how many requests had the method (any if empty) and a
// path ending with suffix.
func (r *Registry) Count(method, suffix string) int {
	n := 0
	for _, q := range r.Requests() {
		if (method == "" || q.Method == method) && strings.HasSuffix(q.Path, suffix) {
			n++
		}
	}
	return n
}

// ServeHTTP implements http.Handler.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	authz, _, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	r.requests = append(r.requests, Request{Method: req.Method, Path: req.URL.Path, Authorization: authz})
	f := r.fault(req)
	r.mu.Unlock()

	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	r.serve(rec, req)
	if f == nil {
		rec.writeTo(w)
		return
	}
	f.apply(w, req, rec)
}

// serve produces the normal response.
func (r *Registry) serve(w *recorder, req *http.Request) {
	if req.URL.Path == "/token" {
		r.token(w, req)
		return
	}
	if !strings.HasPrefix(req.URL.Path, "/v2/") {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "not found")
		return
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", "the fake registry is read-only")
		return
	}
	rest := strings.TrimPrefix(req.URL.Path, "/v2/")
	name, kind, ref := route(rest)
	if !r.authorized(w, req, name) {
		return
	}
	w.header.Set("Docker-Distribution-API-Version", "registry/2.0")
	if rest == "" {
		w.header.Set("Content-Type", "application/json")
		w.body.WriteString("{}")
		return
	}
	r.mu.Lock()
	rp := r.repos[name]
	var m manifest
	var blob []byte
	var tags []string
	found := rp != nil
	if found {
		switch kind {
		case "manifests":
			d, ok := rp.tags[ref]
			if !ok {
				d = digest.Digest(ref)
			}
			m, found = rp.manifests[d]
			if found {
				w.header.Set("Docker-Content-Digest", d.String())
			}
		case "blobs":
			blob, found = rp.blobs[digest.Digest(ref)]
		case "tags":
			for t := range rp.tags {
				tags = append(tags, t)
			}
		}
	}
	r.mu.Unlock()
	switch {
	case kind == "" || (kind == "tags" && ref != "list"):
		writeError(w, http.StatusNotFound, "NOT_FOUND", "unknown endpoint")
	case rp == nil:
		writeError(w, http.StatusNotFound, "NAME_UNKNOWN", "repository name not known to registry")
	case kind == "manifests" && !found:
		writeError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown")
	case kind == "blobs" && !found:
		writeError(w, http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry")
	case kind == "manifests":
		w.header.Set("Content-Type", m.mediaType)
		w.body.Write(m.body)
	case kind == "blobs":
		w.header.Set("Content-Type", "application/octet-stream")
		w.header.Set("Docker-Content-Digest", ref)
		w.body.Write(blob)
	default:
		tagList(w, req, name, tags)
	}
}

// route splits "<name>/<kind>/<ref>" at the last manifests, blobs or
// tags segment, since repository names contain slashes.
func route(rest string) (name, kind, ref string) {
	for _, k := range []string{"/manifests/", "/blobs/", "/tags/"} {
		if i := strings.LastIndex(rest, k); i > 0 {
			return rest[:i], strings.Trim(k, "/"), rest[i+len(k):]
		}
	}
	return rest, "", ""
}

// tagList writes a page of the sorted tag list, honouring n and last and
// linking the next page as distribution does.
func tagList(w *recorder, req *http.Request, name string, tags []string) {
	slices.Sort(tags)
	q := req.URL.Query()
	if last := q.Get("last"); last != "" {
		i, _ := slices.BinarySearch(tags, last)
		for i < len(tags) && tags[i] <= last {
			i++
		}
		tags = tags[i:]
	}
	if n, err := strconv.Atoi(q.Get("n")); err == nil && n > 0 && n < len(tags) {
		tags = tags[:n]
		w.header.Set("Link", fmt.Sprintf(`</v2/%s/tags/list?n=%d&last=%s>; rel="next"`, name, n, tags[n-1]))
	}
	w.header.Set("Content-Type", "application/json")
	_ = json.NewEncoder(&w.body).Encode(map[string]any{"name": name, "tags": tags})
}

func writeError(w *recorder, status int, code, msg string) {
	w.status = status
	w.header.Set("Content-Type", "application/json")
	_ = json.NewEncoder(&w.body).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// recorder buffers a response so that faults can rewrite it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) writeTo(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(rec.body.Len()))
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// sleep waits d or until the client gives up; it reports whether the
// full delay passed.
func sleep(req *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-req.Context().Done():
		return false
	}
}

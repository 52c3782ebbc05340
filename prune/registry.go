package prune

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/imagestreams/imagestreams/internal/redact"
	"github.com/imagestreams/imagestreams/reference"
)

// Registry deletes registry data over HTTP with the calls oc makes
// (PRUNE.md §2.2):
//
//   - layer link:    DELETE <base>/v2/<repository>/blobs/<digest>
//   - manifest link: DELETE <base>/v2/<repository>/manifests/<digest>
//   - blob:          DELETE <base>/admin/blobs/<digest>
//
// The blob route exists only in OpenShift's integrated registry; a stock
// distribution registry (with storage.delete.enabled) answers it with 404,
// which, like every 404, counts as success, and reclaims blobs with its
// offline garbage collector instead. Any other status than 202, 204 and
// 404 is an error, as in oc: a 2xx other than 202 or 204 too, with the
// error entries its body carries. Such an answer is not one to a
// deletion; Execute keeps what depends on it, and the next run's DELETE
// finds 404. Unlike oc, which follows every redirect, a redirect is
// followed only when it keeps the DELETE and the registry's origin, or
// moves from http to https on the same host (see client): a DELETE
// turned into GET, whose 404 oc counts as a deletion, is an error here.
//
// A repository or digest outside the reference grammar is refused with
// ErrInvalidReference before any request. Errors never show a password
// given in BaseURL, nor the BearerToken, even when the registry echoes
// them back. Reads are bounded in size; bound a call's time with
// the context or the Client's Timeout.
type Registry struct {
	// BaseURL is the registry's URL, such as "https://registry:5000"; a
	// host without a scheme, such as "registry:5000", means https. As
	// with oc's --registry-url (PRUNE.md §2.1), the scheme is http or
	// https and there is no path (but "/"), query or fragment: every
	// call is an error otherwise, before any request. The routes are at
	// the registry's root, and a wrong prefix would be answered with
	// 404, which counts as a deletion.
	BaseURL string
	// Client sends the requests; nil means http.DefaultClient. Put
	// authentication in its Transport.
	Client *http.Client
	// BearerToken, if set, is sent as "Authorization: Bearer <token>", as
	// oc sends the user's token to the integrated registry.
	BearerToken string
}

var _ RegistryDeleter = (*Registry)(nil)

// DeleteLayerLink deletes repository's link to a layer or config blob.
func (r *Registry) DeleteLayerLink(ctx context.Context, repository, digest string) error {
	if err := checkTarget(repository, digest); err != nil {
		return err
	}
	return r.delete(ctx, "/v2/"+repository+"/blobs/"+digest)
}

// DeleteManifestLink deletes repository's link to a manifest.
func (r *Registry) DeleteManifestLink(ctx context.Context, repository, digest string) error {
	if err := checkTarget(repository, digest); err != nil {
		return err
	}
	return r.delete(ctx, "/v2/"+repository+"/manifests/"+digest)
}

// DeleteBlob deletes a blob from the registry's storage.
func (r *Registry) DeleteBlob(ctx context.Context, digest string) error {
	if err := checkDigest(digest); err != nil {
		return err
	}
	return r.delete(ctx, "/admin/blobs/"+digest)
}

// checkTarget refuses a repository or digest that would change the
// endpoint a request reaches ("..", "%", "?") before any request: a
// registry answers most wrong paths with 404, which counts as success.
func checkTarget(repository, digest string) error {
	if !reference.ValidRepository(repository) {
		return fmt.Errorf("prune: registry: %w: repository %q", ErrInvalidReference, repository)
	}
	return checkDigest(digest)
}

func checkDigest(digest string) error {
	if !reference.ValidDigest(digest) {
		return fmt.Errorf("prune: registry: %w: digest %q", ErrInvalidReference, digest)
	}
	return nil
}

// RegistryError is a failed registry call: the request, the HTTP status,
// and the registry's error codes when it sent any.
type RegistryError struct {
	Method, URL string
	StatusCode  int
	Status      string
	// Errors are the entries of the registry's error body.
	Errors []RegistryErrorEntry
}

// RegistryErrorEntry is one entry of a distribution error body.
type RegistryErrorEntry struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Detail  json.RawMessage `json:"detail,omitempty"`
}

// Error describes the request, the status and the registry's codes.
func (e *RegistryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", e.Method, e.URL, e.Status)
	for _, x := range e.Errors {
		fmt.Fprintf(&b, "; %s: %s", x.Code, x.Message)
	}
	return b.String()
}

// maxStatus bounds what an error keeps of a status line, which net/http
// accepts up to its limit on headers (megabytes): Execute keeps an error
// for every failed deletion.
const maxStatus = 256

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = strings.ToValidUTF8(s[:n], "")
	return s + "…"
}

// maxErrorBody bounds what is read of an error response, so a misbehaving
// registry cannot make the pruner buffer an unbounded body.
const maxErrorBody = 64 << 10

// base parses BaseURL. One without a scheme, "registry:5000" as oc's
// --registry-url takes it, is https: plain HTTP is only ever asked for.
// A path, query or fragment is refused as oc refuses it, and named but
// not quoted: a malformed URL can put part of its password in them.
func (r *Registry) base() (*url.URL, error) {
	raw := r.BaseURL
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
	case u.Host == "":
		err = errors.New("no host")
	case u.Scheme != "http" && u.Scheme != "https":
		// With a host, the scheme is what precedes "://": no userinfo.
		err = fmt.Errorf("scheme %q is not http or https", u.Scheme)
	case u.Path != "" && u.Path != "/":
		err = errors.New("a path is not supported: the registry's routes are at its root")
	case u.RawQuery != "" || u.ForceQuery:
		err = errors.New("a query is not supported")
	case u.Fragment != "":
		err = errors.New("a fragment is not supported")
	}
	// The URL, which may hold a password, stays out of the error: a
	// *url.Error quotes it whole, so only its cause is kept.
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = ue.Err
	}
	if err != nil {
		return nil, fmt.Errorf("prune: registry BaseURL: %w", err)
	}
	return u, nil
}

// client returns the client with a redirect policy fit for deletions. A
// redirect is followed only when it keeps the DELETE (307, 308) and the
// origin, or moves from http to https on the same host: one that turns
// DELETE into GET (301, 302, 303) says nothing of the deletion, and one
// elsewhere would take the token there (net/http keeps it for the same
// host name on any port and scheme). The redirect not followed is the
// answer, and an error.
func (r *Registry) client() *http.Client {
	c := *http.DefaultClient
	if r.Client != nil {
		c = *r.Client
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		from, to := via[len(via)-1].URL, req.URL
		sameOrigin := to.Scheme == from.Scheme && to.Host == from.Host
		upgrade := from.Scheme == "http" && to.Scheme == "https" && to.Hostname() == from.Hostname()
		if req.Method != http.MethodDelete || !sameOrigin && !upgrade {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// maxDrain bounds what is read of a successful answer's body, only so
// that the connection can be used again.
const maxDrain = 4 << 10

func (r *Registry) delete(ctx context.Context, path string) error {
	base, err := r.base()
	if err != nil {
		return err
	}
	u := base.JoinPath(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u.String(), nil)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	if r.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+r.BearerToken)
	}
	resp, err := r.client().Do(req)
	if err != nil {
		// Its URL hides a password, but not a credential a redirect
		// put in a path or query.
		return fmt.Errorf("prune: registry: %w", r.scrubber(base).err(err))
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusAccepted, http.StatusNoContent:
		io.CopyN(io.Discard, resp.Body, maxDrain)
		return nil
	}
	hide := r.scrubber(base) // only failures pay for it
	rerr := &RegistryError{Method: http.MethodDelete, URL: u.Redacted(), StatusCode: resp.StatusCode, Status: clip(hide.str(resp.Status), maxStatus)}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var parsed struct {
		Errors []RegistryErrorEntry `json:"errors"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		for i := range parsed.Errors {
			x := &parsed.Errors[i]
			x.Code, x.Message, x.Detail = hide.str(x.Code), hide.str(x.Message), hide.json(x.Detail)
		}
		rerr.Errors = parsed.Errors
	}
	return rerr
}

// scrubber removes from what a registry sends back the credentials the
// request carried: a registry that echoes them (in its status line, its
// error body or a redirect's URL) must not put them in an error, which
// Execute copies into the Report and callers log. It knows the
// BearerToken and BaseURL's password; credentials a Client's Transport
// adds are not seen here.
type scrubber struct{ r *strings.Replacer }

func (r *Registry) scrubber(base *url.URL) scrubber {
	var secrets []string
	if r.BearerToken != "" {
		secrets = append(secrets, r.BearerToken)
	}
	if p, ok := base.User.Password(); ok && p != "" {
		basic := base64.StdEncoding.EncodeToString([]byte(base.User.Username() + ":" + p))
		secrets = append(secrets, basic, p)
	}
	if len(secrets) == 0 {
		return scrubber{}
	}
	var pairs []string
	for _, s := range redact.Forms(secrets...) {
		pairs = append(pairs, s, "[redacted]")
	}
	return scrubber{strings.NewReplacer(pairs...)}
}

func (s scrubber) str(x string) string {
	if s.r == nil {
		return x
	}
	return s.r.Replace(x)
}

// json scrubs a JSON value: it scrubs the decoded strings, keys
// included, since in the encoded text an escape ("\u0026" for "&") can
// hide a credential. A value it cannot decode is dropped.
func (s scrubber) json(raw json.RawMessage) json.RawMessage {
	if s.r == nil || len(raw) == 0 {
		return raw
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	b, err := json.Marshal(s.value(v))
	if err != nil {
		return nil
	}
	return b
}

// value returns v, a decoded JSON value, with its strings scrubbed.
func (s scrubber) value(v any) any {
	switch v := v.(type) {
	case string:
		return s.str(v)
	case []any:
		for i, x := range v {
			v[i] = s.value(x)
		}
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[s.str(k)] = s.value(x) // keys that scrub alike: one stays
		}
		return m
	}
	return v
}

// err scrubs err's text, keeping err for errors.Is and errors.As.
func (s scrubber) err(err error) error {
	if msg := s.str(err.Error()); msg != err.Error() {
		return &scrubbedError{msg, err}
	}
	return err
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

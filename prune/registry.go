package prune

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
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
// deletion (a redirect turns DELETE into GET, for one); Execute keeps
// what depends on it, and the next run's DELETE finds 404.
type Registry struct {
	// BaseURL is the registry's URL, such as "https://registry:5000"; a
	// host without a scheme, such as "registry:5000", means https.
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
	return r.delete(ctx, "/v2/"+repository+"/blobs/"+digest)
}

// DeleteManifestLink deletes repository's link to a manifest.
func (r *Registry) DeleteManifestLink(ctx context.Context, repository, digest string) error {
	return r.delete(ctx, "/v2/"+repository+"/manifests/"+digest)
}

// DeleteBlob deletes a blob from the registry's storage.
func (r *Registry) DeleteBlob(ctx context.Context, digest string) error {
	return r.delete(ctx, "/admin/blobs/"+digest)
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

// maxErrorBody bounds what is read of an error response, so a misbehaving
// registry cannot make the pruner buffer an unbounded body.
const maxErrorBody = 64 << 10

// base parses BaseURL. One without a scheme, "registry:5000" as oc's
// --registry-url takes it, is https: plain HTTP is only ever asked for.
func (r *Registry) base() (*url.URL, error) {
	raw := r.BaseURL
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err == nil && u.Host == "" {
		err = errors.New("no host")
	}
	if err != nil {
		return nil, fmt.Errorf("prune: registry URL %q: %w", r.BaseURL, err)
	}
	return u, nil
}

func (r *Registry) delete(ctx context.Context, path string) error {
	base, err := r.base()
	if err != nil {
		return err
	}
	u := base.JoinPath(path).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u, nil)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	if r.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+r.BearerToken)
	}
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("prune: DELETE %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	switch {
	case resp.StatusCode == http.StatusNotFound,
		resp.StatusCode == http.StatusAccepted, resp.StatusCode == http.StatusNoContent:
		return nil
	}
	rerr := &RegistryError{Method: http.MethodDelete, URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
	var parsed struct {
		Errors []RegistryErrorEntry `json:"errors"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		rerr.Errors = parsed.Errors
	}
	return rerr
}

package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// NotV2RegistryError reports a server that does not speak the registry
// v2 API: its GET /v2/ answered without a Docker-Distribution-API-Version
// header and with a status other than 2xx, 401 or 403 (SEMANTICS §8.11).
// A repository import from it fails with reason NotV2Registry; an image
// import with InternalError.
type NotV2RegistryError struct {
	// Endpoint is the URL pinged, without the path: "https://host".
	Endpoint string
	// Status is the HTTP status it answered with, e.g. "404 Not Found".
	Status string
}

// Error returns the message of OpenShift's registry client.
func (e *NotV2RegistryError) Error() string {
	return fmt.Sprintf("endpoint %q does not support v2 API (got %s)", e.Endpoint, e.Status)
}

// aggregateError is the failure of every pull source of a fetch, in
// order. Its message is Kubernetes' aggregate's, "[e1, e2]", and like
// OpenShift the importer reports it as an internal error whatever the
// causes (SEMANTICS §8.5).
type aggregateError struct{ errs []error }

func (e *aggregateError) Error() string {
	msgs := make([]string, 0, len(e.errs))
	seen := map[string]bool{}
	for _, err := range e.errs {
		if m := err.Error(); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

func (e *aggregateError) Unwrap() []error { return e.errs }

// checkV2 returns err, or a *NotV2RegistryError when err is a bare 404
// and t's registry turns out not to speak the v2 API. The check is lazy,
// as OpenShift's ping is (SEMANTICS §8.11): a successful import never
// pays for it, and one failing with a bare 404 pays one GET /v2/ per
// registry per import.
func (s *session) checkV2(ctx context.Context, t target, err error) error {
	if !bare404(err) {
		return err
	}
	host := t.def.AsV2().Registry
	scheme := "https"
	if t.insecure {
		plain, perr := s.plainHTTP(ctx, host)
		if perr != nil {
			return err
		}
		if plain {
			scheme = "http"
		}
	}
	v, perr := s.once(ctx, "v2\x00"+scheme+"\x00"+host, func(ctx context.Context) (any, error) {
		return s.pingV2(ctx, scheme, host, t.insecure)
	})
	if perr != nil {
		return err
	}
	if nv, ok := v.(*NotV2RegistryError); ok && nv != nil {
		return nv
	}
	return err
}

// bare404 reports a 404 without the error codes a v2 registry sends for
// a missing repository or manifest. A manifest 404 reaches here as
// errdef.ErrNotFound only with MANIFEST_UNKNOWN (see manifestErrors).
func bare404(err error) bool {
	if hasErrorCode(err, errcode.ErrorCodeNameUnknown) || hasErrorCode(err, errcode.ErrorCodeManifestUnknown) || errors.Is(err, errdef.ErrNotFound) {
		return false
	}
	er, ok := errors.AsType[*errcode.ErrorResponse](err)
	return ok && er.StatusCode == http.StatusNotFound
}

// pingV2 sends GET /v2/ and classifies the answer as OpenShift's
// registry client does; a transport error is returned as is.
func (s *session) pingV2(ctx context.Context, scheme, host string, insecure bool) (*NotV2RegistryError, error) {
	ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
	defer cancel()
	endpoint := scheme + "://" + host
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/v2/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", s.imp.opts.UserAgent)
	hc := s.imp.secure
	if insecure {
		hc = s.imp.insecure
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if resp.Header.Get("Docker-Distribution-API-Version") != "" {
		return nil, nil
	}
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300, c == http.StatusUnauthorized, c == http.StatusForbidden:
		return nil, nil
	}
	return &NotV2RegistryError{Endpoint: endpoint, Status: resp.Status}, nil
}

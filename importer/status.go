package importer

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/internal/redact"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// ErrTooLarge is wrapped when a registry sends a manifest, config, tag
// list page or tag list larger than the importer reads (see
// MaxManifestBytes, MaxConfigBytes and MaxTagListBytes), or a
// PreserveOriginal manifest list with more children than
// Options.MaxListChildren.
var ErrTooLarge = errors.New("content exceeds the size limit")

// successStatus is the status of an image that imported.
func successStatus() image.Status { return image.Status{Status: image.StatusSuccess} }

// invalidStatus is the status OpenShift gives an image whose field fails
// to parse: kapierrors.NewInvalid with an empty GroupKind and name, hence
// the message's leading space (SEMANTICS §8.2).
func invalidStatus(fe *image.FieldError) image.Status {
	body := strings.TrimPrefix(fe.Error(), fe.Field+": ")
	return image.Status{
		Status:  image.StatusFailure,
		Reason:  image.StatusReasonInvalid,
		Code:    http.StatusUnprocessableEntity,
		Message: fmt.Sprintf(" %q is invalid: %s", "", fe.Error()),
		Details: &image.StatusDetails{Causes: []image.StatusCause{{Type: string(fe.Type), Message: body, Field: fe.Field}}},
	}
}

// statusOf returns the status OpenShift reports for an error met while
// importing ref, the defaulted pull spec (formatRepositoryError, SEMANTICS
// §8.11, §8.12): a manifest the registry reports as MANIFEST_UNKNOWN is
// NotFound, a refused or missing credential Unauthorized, anything else
// InternalError "<ref>: <err>" — NAME_UNKNOWN and a 404 without an error
// code included, as formatRepositoryError names only MANIFEST_UNKNOWN
// (SEMANTICS infers the NAME_UNKNOWN case). Errors that already carry a
// status keep it.
func statusOf(ref string, err error) image.Status {
	if se, ok := errors.AsType[*imagestream.StatusError](err); ok {
		return se.Status()
	}
	if _, ok := err.(*aggregateError); ok {
		// Several pull sources failed: OpenShift's aggregate matches none
		// of the cases below (SEMANTICS §8.5).
		return imagestream.NewInternalError(fmt.Errorf("%s: %w", ref, err)).Status()
	}
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, errdef.ErrNotFound), hasErrorCode(err, errcode.ErrorCodeManifestUnknown):
		// oras reports a manifest 404 as errdef.ErrNotFound, and
		// manifestErrors lets only MANIFEST_UNKNOWN through to it.
		return imagestream.NewNotFound(imagestream.ResourceDockerImage, ref).Status()
	case isRegistryUnauthorized(err):
		// The registry's own UNAUTHORIZED comes first, whatever its
		// message: OpenShift matches the error code before the text.
		return imagestream.NewUnauthorized(fmt.Sprintf("you may not have access to the container image %q", ref)).Status()
	case strings.Contains(msg, "incorrect username or password"):
		// This text, from a token server, makes OpenShift retry
		// anonymously (SEMANTICS §8.1).
		return imagestream.NewUnauthorized(fmt.Sprintf("incorrect username or password for image %q", ref)).Status()
	case isUnauthorized(err):
		return imagestream.NewUnauthorized(fmt.Sprintf("you may not have access to the container image %q", ref)).Status()
	}
	return imagestream.NewInternalError(fmt.Errorf("%s: %w", ref, err)).Status()
}

// repositoryStatusOf is statusOf for the failure to list a repository's
// tags (SEMANTICS §8.3): NAME_UNKNOWN is NotFound there, and the cases
// OpenShift's formatPingError means for a repository it cannot open are
// added (§8.11): a registry that does not speak v2 is Forbidden with
// reason NotV2Registry, and one that speaks only plain HTTP to a secure
// import is a BadRequest.
func repositoryStatusOf(ref string, err error) image.Status {
	if hasErrorCode(err, errcode.ErrorCodeNameUnknown) {
		return imagestream.NewNotFound(imagestream.ResourceDockerImage, ref).Status()
	}
	if errors.Is(err, http.ErrSchemeMismatch) {
		return imagestream.NewBadRequest(fmt.Sprintf("the repository %s is HTTP only and requires the insecure flag to import", ref)).Status()
	}
	if nv, ok := errors.AsType[*NotV2RegistryError](err); ok {
		return image.Status{
			Status:  image.StatusFailure,
			Reason:  image.StatusReasonNotV2Registry,
			Code:    http.StatusForbidden,
			Message: "forbidden: " + nv.Error(),
		}
	}
	return statusOf(ref, err)
}

// isRegistryUnauthorized reports a 401 the registry sent for a request
// of the repository itself, not for a token. OpenShift's client meets
// such an error unwrapped and matches its UNAUTHORIZED code; a token
// server's failure reaches it wrapped in the request's error, where only
// its text is seen (SEMANTICS §8.11).
func isRegistryUnauthorized(err error) bool {
	er, ok := errors.AsType[*errcode.ErrorResponse](err)
	if !ok || er.URL == nil || (er.StatusCode != http.StatusUnauthorized && !hasErrorCode(er, errcode.ErrorCodeUnauthorized)) {
		return false
	}
	p := er.URL.Path
	return strings.HasPrefix(p, "/v2/") && (strings.Contains(p, "/manifests/") || strings.Contains(p, "/blobs/") || strings.HasSuffix(p, "/tags/list"))
}

// isUnauthorized reports a 401 from the registry or its token server, or
// a basic-auth challenge the importer had no credential for (OpenShift's
// "no basic auth credentials").
func isUnauthorized(err error) bool {
	if errors.Is(err, auth.ErrBasicCredentialNotFound) || hasErrorCode(err, errcode.ErrorCodeUnauthorized) {
		return true
	}
	if er, ok := errors.AsType[*errcode.ErrorResponse](err); ok {
		return er.StatusCode == http.StatusUnauthorized
	}
	return false
}

func hasErrorCode(err error, code string) bool {
	if er, ok := errors.AsType[*errcode.ErrorResponse](err); ok {
		for _, e := range er.Errors {
			if e.Code == code {
				return true
			}
		}
	}
	return false
}

// failedRepositoryStatus is the status of a repository import in which
// some tags failed (SEMANTICS §8.3).
func failedRepositoryStatus(failures int) image.Status {
	msg := "one of the images from this repository failed to import"
	if failures > 1 {
		msg = fmt.Sprintf("%d of the images from this repository failed to import", failures)
	}
	return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: msg}
}

// minRedactLen is the length under which a secret is not scrubbed:
// replacing every "a" or "pw" would garble messages beyond use, and so
// short a value protects little. Only a raw password or a token can be
// that short; the Basic form base64(user:password) never is.
const minRedactLen = 4

// redactor scrubs credentials from statuses: registries and token servers
// may echo what they were sent, and a status is shown to users and
// logged. It holds the keyring's secrets and learns the tokens the
// session obtains.
type redactor struct {
	mu      sync.Mutex
	raw     []string // the secrets as added
	secrets []string // redact.Forms of raw
}

// add records secrets; short and known ones are skipped.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.raw)
	for _, sec := range secrets {
		if len(sec) >= minRedactLen && !slices.Contains(r.raw, sec) {
			r.raw = append(r.raw, sec)
		}
	}
	if len(r.raw) > n {
		// A new slice: status reads the old one without the lock.
		r.secrets = redact.Forms(r.raw...)
	}
}

// status returns st with every secret in its messages replaced.
func (r *redactor) status(st image.Status) image.Status {
	r.mu.Lock()
	secrets := r.secrets
	r.mu.Unlock()
	if len(secrets) == 0 {
		return st
	}
	clean := func(s string) string {
		for _, sec := range secrets {
			s = strings.ReplaceAll(s, sec, "<redacted>")
		}
		return s
	}
	st.Message = clean(st.Message)
	if st.Details != nil {
		d := *st.Details
		d.Causes = append([]image.StatusCause(nil), d.Causes...)
		for i := range d.Causes {
			d.Causes[i].Message = clean(d.Causes[i].Message)
		}
		st.Details = &d
	}
	return st
}

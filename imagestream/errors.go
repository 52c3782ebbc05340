package imagestream

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// StatusError is an API error shaped like the Kubernetes status errors
// OpenShift returns: a reason, an HTTP code, the resource and name, and a
// message in OpenShift's words. errors.Is maps it onto the storage and
// image sentinels: a NotFound error is storage.ErrNotFound, Conflict is
// storage.ErrConflict, AlreadyExists is storage.ErrExists, Invalid is
// image.ErrInvalid and Expired is storage.ErrTooOld.
type StatusError struct {
	// ErrStatus is the status as the API would send it.
	ErrStatus image.Status
	// Err is the underlying cause, if any (for example the
	// *image.InvalidError of an Invalid status).
	Err error
}

// Error returns the status message, as the API server reports it.
func (e *StatusError) Error() string { return e.ErrStatus.Message }

// Unwrap returns the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// Is reports whether the error's reason corresponds to target.
func (e *StatusError) Is(target error) bool {
	switch e.ErrStatus.Reason {
	case image.StatusReasonNotFound:
		return target == storage.ErrNotFound
	case image.StatusReasonAlreadyExists:
		return target == storage.ErrExists
	case image.StatusReasonConflict:
		return target == storage.ErrConflict
	case image.StatusReasonInvalid:
		return target == image.ErrInvalid
	case StatusReasonExpired:
		return target == storage.ErrTooOld
	}
	return false
}

// Status returns the status as an import result would carry it.
func (e *StatusError) Status() image.Status { return e.ErrStatus }

// Reason returns the reason of err if it is (or wraps) a *StatusError, else
// StatusReasonUnknown.
func Reason(err error) image.StatusReason {
	if se, ok := errors.AsType[*StatusError](err); ok {
		return se.ErrStatus.Reason
	}
	return image.StatusReasonUnknown
}

// GroupResource names a resource of an API group, such as
// "imagestreams.image.openshift.io".
type GroupResource struct {
	Group    string
	Resource string
}

// String returns "resource.group", or the resource alone for the core
// group.
func (g GroupResource) String() string {
	if g.Group == "" {
		return g.Resource
	}
	return g.Resource + "." + g.Group
}

// Resources of the image API, for error messages.
var (
	ResourceImageStreams       = GroupResource{image.GroupName, "imagestreams"}
	ResourceImages             = GroupResource{image.GroupName, "images"}
	ResourceImageStreamTags    = GroupResource{image.GroupName, "imagestreamtags"}
	ResourceImageTags          = GroupResource{image.GroupName, "imagetags"}
	ResourceImageStreamImages  = GroupResource{image.GroupName, "imagestreamimages"}
	ResourceImageStreamImage   = GroupResource{image.GroupName, "imagestreamimage"}
	ResourceImageSignatures    = GroupResource{image.GroupName, "imageSignatures"}
	ResourceImageStreamImports = GroupResource{image.GroupName, "imagestreamimports"}
	ResourceDockerImage        = GroupResource{image.GroupName, "dockerimage"}
)

func newStatus(reason image.StatusReason, code int32, gr GroupResource, name, msg string) *StatusError {
	return &StatusError{ErrStatus: image.Status{
		Status:  image.StatusFailure,
		Reason:  reason,
		Code:    code,
		Message: msg,
		Details: &image.StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource},
	}}
}

// NewNotFound returns `<resource> "<name>" not found`, quoting the name
// even when it is empty as Kubernetes does (SEMANTICS §6.2: `NotFound
// imagestream ""`).
func NewNotFound(gr GroupResource, name string) *StatusError {
	return newStatus(image.StatusReasonNotFound, http.StatusNotFound, gr, name, fmt.Sprintf("%s %q not found", gr, name))
}

// NewAlreadyExists returns `<resource> "<name>" already exists`.
func NewAlreadyExists(gr GroupResource, name string) *StatusError {
	return newStatus(image.StatusReasonAlreadyExists, http.StatusConflict, gr, name, fmt.Sprintf("%s %q already exists", gr, name))
}

// NewConflict returns `Operation cannot be fulfilled on <resource> "<name>": <err>`.
func NewConflict(gr GroupResource, name string, err error) *StatusError {
	e := newStatus(image.StatusReasonConflict, http.StatusConflict, gr, name, fmt.Sprintf("Operation cannot be fulfilled on %s %q: %v", gr, name, err))
	e.Err = err
	return e
}

// NewBadRequest returns a BadRequest status with msg.
func NewBadRequest(msg string) *StatusError {
	return &StatusError{ErrStatus: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonBadRequest, Code: http.StatusBadRequest, Message: msg}}
}

// needObject rejects a nil request object, the Go form of a request
// without a body, with the BadRequest the API server gives a body it
// cannot decode; every client method taking an object calls it first, so
// that a nil fails like the rest with a *StatusError instead of a panic.
func needObject[T any](obj *T, kind string) error {
	if obj == nil {
		return NewBadRequest(fmt.Sprintf("an %s object is required, got nil", kind))
	}
	return nil
}

// NewForbidden returns `<resource> "<name>" is forbidden: <err>`.
func NewForbidden(gr GroupResource, name string, err error) *StatusError {
	e := newStatus(image.StatusReasonForbidden, http.StatusForbidden, gr, name, fmt.Sprintf("%s %q is forbidden: %v", gr, name, err))
	e.Err = err
	return e
}

// NewUnauthorized returns an Unauthorized status with msg.
func NewUnauthorized(msg string) *StatusError {
	return &StatusError{ErrStatus: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonUnauthorized, Code: http.StatusUnauthorized, Message: msg}}
}

// NewServerTimeout returns the status OpenShift gives when retries on
// conflict ran out.
func NewServerTimeout(gr GroupResource, op string, retryAfterSeconds int) *StatusError {
	e := newStatus(image.StatusReasonServerTimeout, http.StatusInternalServerError, gr, op,
		fmt.Sprintf("The %s operation against %s could not be completed at this time, please try again.", op, gr))
	e.ErrStatus.Details.RetryAfterSeconds = int32(retryAfterSeconds)
	return e
}

// NewInternalError returns `Internal error occurred: <err>`.
func NewInternalError(err error) *StatusError {
	return &StatusError{
		ErrStatus: image.Status{
			Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: http.StatusInternalServerError,
			Message: fmt.Sprintf("Internal error occurred: %v", err),
			Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: err.Error()}}},
		},
		Err: err,
	}
}

// StatusReasonExpired is Kubernetes' reason for a resourceVersion or
// continue token older than the store remembers (HTTP 410 Gone).
const StatusReasonExpired image.StatusReason = "Expired"

// NewResourceExpired returns the 410 Expired status Kubernetes gives a
// watch or list that starts from a compacted resourceVersion; err (usually
// wrapping storage.ErrTooOld) stays reachable through errors.Is.
func NewResourceExpired(msg string, err error) *StatusError {
	return &StatusError{
		ErrStatus: image.Status{Status: image.StatusFailure, Reason: StatusReasonExpired, Code: http.StatusGone, Message: msg},
		Err:       err,
	}
}

// NewInvalid wraps a validation failure of kind/name, keeping the field
// errors as causes.
func NewInvalid(kind, name string, err error) *StatusError {
	e := &StatusError{
		ErrStatus: image.Status{
			Status: image.StatusFailure, Reason: image.StatusReasonInvalid, Code: http.StatusUnprocessableEntity,
			Message: err.Error(),
			Details: &image.StatusDetails{Name: name, Group: image.GroupName, Kind: kind},
		},
		Err: err,
	}
	if inv, ok := errors.AsType[*image.InvalidError](err); ok {
		for _, fe := range inv.Errs {
			e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, image.StatusCause{Type: string(fe.Type), Message: strings.TrimPrefix(fe.Error(), fe.Field+": "), Field: fe.Field})
		}
	}
	return e
}

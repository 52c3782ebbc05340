package image

import (
	"errors"
	"fmt"

	"github.com/opencontainers/go-digest"
)

// Sentinel errors of manifest parsing and Image building. Errors returned
// by [ParseManifest], [FromManifest], [ImageWithMetadata] and the
// verification helpers wrap one of them, so callers branch with
// errors.Is while the message keeps OpenShift's text where SEMANTICS gives
// one.
var (
	// ErrInvalidManifest is wrapped when a manifest is not valid JSON, has
	// fields of the wrong type, negative sizes, malformed digests or broken
	// schema 1 signatures.
	ErrInvalidManifest = errors.New("invalid image manifest")
	// ErrUnsupportedManifest is wrapped when a manifest has an unknown
	// schema version or media type (SEMANTICS §10.2 "unrecognized container
	// image manifest schema").
	ErrUnsupportedManifest = errors.New("unsupported image manifest")
	// ErrMissingConfig is wrapped when a schema 2 or OCI image has no
	// config blob (SEMANTICS §10.2).
	ErrMissingConfig = errors.New("missing image config")
	// ErrInvalidConfig is wrapped when a config blob, or a schema 1
	// v1Compatibility entry, does not decode.
	ErrInvalidConfig = errors.New("invalid image config")
	// ErrDigestMismatch is wrapped by [DigestMismatchError].
	ErrDigestMismatch = errors.New("content integrity error")
	// ErrEmptyManifestList is returned by [SelectManifest] for a list with
	// no entries; its text is OpenShift's (SEMANTICS §8.4).
	ErrEmptyManifestList = errors.New("no manifests in manifest list")
)

// DigestMismatchError reports content whose digest is not the one it was
// requested by (SEMANTICS §8.6). Its message is OpenShift's "content
// integrity error: ..." text for the kind of content. It unwraps to
// [ErrDigestMismatch].
type DigestMismatchError struct {
	// Content is what was checked: "schema1", "manifest", "list" or
	// "config".
	Content string
	// MediaType is the media type of the content, when known.
	MediaType string
	// Expected is the digest the content was requested by.
	Expected digest.Digest
	// Actual is the digest computed from the content.
	Actual digest.Digest
}

// Error returns OpenShift's message for the kind of content.
func (e *DigestMismatchError) Error() string {
	switch e.Content {
	case "schema1":
		return fmt.Sprintf("content integrity error: the schema 1 manifest retrieved with digest %s does not match the digest calculated from the content %s", e.Expected, e.Actual)
	case "list":
		return fmt.Sprintf("content integrity error: the manifest list retrieved with digest %s does not match the digest calculated from the content %s", e.Expected, e.Actual)
	case "config":
		return fmt.Sprintf("content integrity error: the image config retrieved with digest %s does not match the digest calculated from the content %s", e.Expected, e.Actual)
	default:
		return fmt.Sprintf("content integrity error: the manifest retrieved (media type: %s) with digest %s does not match the digest calculated from the content %s", e.MediaType, e.Expected, e.Actual)
	}
}

// Unwrap returns [ErrDigestMismatch].
func (e *DigestMismatchError) Unwrap() error { return ErrDigestMismatch }

// manifestError carries an exact message (often OpenShift's) while
// unwrapping to a sentinel and, optionally, the underlying cause.
type manifestError struct {
	kind  error
	msg   string
	cause error
}

func (e *manifestError) Error() string {
	if e.cause != nil {
		return e.msg + ": " + e.cause.Error()
	}
	return e.msg
}

func (e *manifestError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

// newManifestError returns an error with the formatted message that wraps
// kind.
func newManifestError(kind error, format string, args ...any) error {
	return &manifestError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// wrapManifestError returns an error "<message>: <cause>" that wraps both
// kind and cause.
func wrapManifestError(kind, cause error, format string, args ...any) error {
	return &manifestError{kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}

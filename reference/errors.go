package reference

import (
	distref "github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// Parse errors. They are the very values distribution/reference and
// go-digest return, whose texts are the ones OpenShift reports
// (SEMANTICS §9), so errors.Is works against either package's names.
var (
	// ErrNameEmpty is returned for the empty spec:
	// "repository name must have at least one component".
	ErrNameEmpty = distref.ErrNameEmpty
	// ErrNameContainsUppercase is returned when the spec does not match
	// the grammar but its lower-cased form does, even if that form would
	// then fail the length or digest checks (SEMANTICS §9):
	// "repository name must be lowercase".
	ErrNameContainsUppercase = distref.ErrNameContainsUppercase
	// ErrReferenceInvalidFormat is returned for any other spec outside the
	// grammar: "invalid reference format".
	ErrReferenceInvalidFormat = distref.ErrReferenceInvalidFormat
	// ErrNameTooLong is returned when the name, registry included, is longer
	// than NameTotalLengthMax:
	// "repository name must not be more than 255 characters".
	ErrNameTooLong = distref.ErrNameTooLong
	// ErrDigestInvalidFormat is returned when the digest's encoded part is
	// malformed for its algorithm (for example upper-case sha256 hex):
	// "invalid checksum digest format".
	ErrDigestInvalidFormat = digest.ErrDigestInvalidFormat
	// ErrDigestInvalidLength is returned when the digest's hex length does
	// not fit its algorithm: "invalid checksum digest length".
	ErrDigestInvalidLength = digest.ErrDigestInvalidLength
	// ErrDigestUnsupported is returned for algorithms other than sha256,
	// sha384 and sha512: "unsupported digest algorithm".
	ErrDigestUnsupported = digest.ErrDigestUnsupported
)

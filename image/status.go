package image

// Status is the result of an operation, Kubernetes' metav1.Status. Imports
// report one per image (SEMANTICS §8.12).
type Status struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	// Status is StatusSuccess or StatusFailure.
	Status  string         `json:"status,omitempty"`
	Message string         `json:"message,omitempty"`
	Reason  StatusReason   `json:"reason,omitempty"`
	Details *StatusDetails `json:"details,omitempty"`
	Code    int32          `json:"code,omitempty"`
}

// Values of Status.Status.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"
)

// StatusReason is a machine-readable reason for a failure.
type StatusReason string

// Status reasons used by the image API (SEMANTICS §8.12).
const (
	StatusReasonUnknown            StatusReason = ""
	StatusReasonUnauthorized       StatusReason = "Unauthorized"
	StatusReasonForbidden          StatusReason = "Forbidden"
	StatusReasonNotFound           StatusReason = "NotFound"
	StatusReasonAlreadyExists      StatusReason = "AlreadyExists"
	StatusReasonConflict           StatusReason = "Conflict"
	StatusReasonInvalid            StatusReason = "Invalid"
	StatusReasonServerTimeout      StatusReason = "ServerTimeout"
	StatusReasonTimeout            StatusReason = "Timeout"
	StatusReasonBadRequest         StatusReason = "BadRequest"
	StatusReasonInternalError      StatusReason = "InternalError"
	StatusReasonTooManyRequests    StatusReason = "TooManyRequests"
	StatusReasonNotV2Registry      StatusReason = "NotV2Registry"
	StatusReasonImportFailed       StatusReason = "ImportFailed"
	StatusReasonServiceUnavailable StatusReason = "ServiceUnavailable"
)

// StatusDetails carries extra data about a failure.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               UID           `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int32         `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is one cause of a failure, often a field error.
type StatusCause struct {
	Type    string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Field   string `json:"field,omitempty"`
}

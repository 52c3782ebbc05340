package image

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// ErrInvalid is matched by errors.Is for every error a Validate function
// returns: errors.Is(err, ErrInvalid) reports that an object failed
// validation, and errors.As(err, &invalidErr) recovers the field errors.
var ErrInvalid = errors.New("invalid")

// ErrorType is the kind of a field error. Its values are Kubernetes' wire
// values (the "reason" of a StatusCause), so they can be sent to OpenShift
// clients unchanged.
type ErrorType string

// Field error types, with Kubernetes' values.
const (
	// ErrorTypeRequired means a required value is missing.
	ErrorTypeRequired ErrorType = "FieldValueRequired"
	// ErrorTypeInvalid means a value is malformed or out of range.
	ErrorTypeInvalid ErrorType = "FieldValueInvalid"
	// ErrorTypeDuplicate means a value that must be unique is repeated.
	ErrorTypeDuplicate ErrorType = "FieldValueDuplicate"
	// ErrorTypeTooLong means a value is longer than allowed.
	ErrorTypeTooLong ErrorType = "FieldValueTooLong"
	// ErrorTypeNotSupported means a value is not one of the supported ones.
	ErrorTypeNotSupported ErrorType = "FieldValueNotSupported"
	// ErrorTypeForbidden means a value may not be set, or not to this.
	ErrorTypeForbidden ErrorType = "FieldValueForbidden"
	// ErrorTypeNotFound means a value refers to something that does not
	// exist, such as the source stream of a spec tag.
	ErrorTypeNotFound ErrorType = "FieldValueNotFound"
	// ErrorTypeInternal means validation itself failed.
	ErrorTypeInternal ErrorType = "InternalError"
)

// String returns the human-readable phrase Kubernetes prints for t, such as
// "Required value" or "Invalid value".
func (t ErrorType) String() string {
	switch t {
	case ErrorTypeRequired:
		return "Required value"
	case ErrorTypeInvalid:
		return "Invalid value"
	case ErrorTypeDuplicate:
		return "Duplicate value"
	case ErrorTypeTooLong:
		return "Too long"
	case ErrorTypeNotSupported:
		return "Unsupported value"
	case ErrorTypeForbidden:
		return "Forbidden"
	case ErrorTypeNotFound:
		return "Not found"
	case ErrorTypeInternal:
		return "Internal error"
	}
	return string(t)
}

// FieldError is one problem with one field of an object, in the shape of
// Kubernetes' field.Error.
type FieldError struct {
	// Type says what is wrong.
	Type ErrorType
	// Field is the path of the field, such as "spec.tags[latest].from.name"
	// (map-like lists are keyed by name, other lists by index).
	Field string
	// BadValue is the offending value; nil for Required, Forbidden,
	// TooLong and Internal errors, which do not print it.
	BadValue any
	// Detail explains the problem; it may be empty.
	Detail string
}

// Error formats e as Kubernetes does, for example
// `spec.tags[latest].from.name: Required value` or
// `metadata.name: Invalid value: "x": must match ...`.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Type.String())
	switch e.Type {
	case ErrorTypeRequired, ErrorTypeForbidden, ErrorTypeTooLong, ErrorTypeInternal:
		// Kubernetes never prints the value of these.
	default:
		b.WriteString(": ")
		b.WriteString(formatBadValue(e.BadValue))
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// formatBadValue prints a value the way Kubernetes' field.Error does:
// nil as "null", pointers dereferenced, strings quoted, simple scalars
// plain, Stringers through String and anything else with %#v.
func formatBadValue(v any) string {
	if v == nil {
		return `"null"`
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return `"null"`
		}
		v = rv.Elem().Interface()
	}
	switch t := v.(type) {
	case string:
		return strconv.Quote(t)
	case int, int64, int32, float64, float32, bool:
		return fmt.Sprint(t)
	case fmt.Stringer:
		return t.String()
	}
	return fmt.Sprintf("%#v", v)
}

// ErrorList is a list of field errors, in the order the rules found them.
type ErrorList []*FieldError

// Path is a field path under construction, as in Kubernetes'
// field.Path: NewPath("spec", "tags").Key("latest").Child("from") is
// "spec.tags[latest].from". The zero Path is the root. A Path is a value;
// every method returns a new one.
type Path struct {
	s string
}

// NewPath returns the path of the named field and its children.
func NewPath(name string, more ...string) Path {
	return Path{}.Child(name, more...)
}

// Child returns the path of a field below p.
func (p Path) Child(name string, more ...string) Path {
	s := p.s
	for i := -1; i < len(more); i++ {
		n := name
		if i >= 0 {
			n = more[i]
		}
		if s == "" {
			s = n
		} else {
			s += "." + n
		}
	}
	return Path{s}
}

// Index returns the path of the i-th element of the list at p.
func (p Path) Index(i int) Path {
	return Path{p.s + "[" + strconv.Itoa(i) + "]"}
}

// Key returns the path of the element with key k of the map (or list of
// named items) at p.
func (p Path) Key(k string) Path {
	return Path{p.s + "[" + k + "]"}
}

// String returns the path, e.g. "spec.tags[latest].from.name".
func (p Path) String() string { return p.s }

// Required returns an ErrorTypeRequired error for p.
func (p Path) Required(detail string) *FieldError {
	return &FieldError{Type: ErrorTypeRequired, Field: p.s, Detail: detail}
}

// Invalid returns an ErrorTypeInvalid error for p with the bad value.
func (p Path) Invalid(value any, detail string) *FieldError {
	return &FieldError{Type: ErrorTypeInvalid, Field: p.s, BadValue: value, Detail: detail}
}

// Forbidden returns an ErrorTypeForbidden error for p.
func (p Path) Forbidden(detail string) *FieldError {
	return &FieldError{Type: ErrorTypeForbidden, Field: p.s, Detail: detail}
}

// NotFound returns an ErrorTypeNotFound error for p with the value that
// names nothing.
func (p Path) NotFound(value any) *FieldError {
	return &FieldError{Type: ErrorTypeNotFound, Field: p.s, BadValue: value}
}

// Duplicate returns an ErrorTypeDuplicate error for p with the repeated
// value.
func (p Path) Duplicate(value any) *FieldError {
	return &FieldError{Type: ErrorTypeDuplicate, Field: p.s, BadValue: value}
}

// NotSupported returns an ErrorTypeNotSupported error for p listing the
// supported values, worded as Kubernetes does.
func (p Path) NotSupported(value any, supported []string) *FieldError {
	var detail string
	if len(supported) > 0 {
		q := make([]string, len(supported))
		for i, s := range supported {
			q[i] = strconv.Quote(s)
		}
		detail = "supported values: " + strings.Join(q, ", ")
	}
	return &FieldError{Type: ErrorTypeNotSupported, Field: p.s, BadValue: value, Detail: detail}
}

// TooLong returns an ErrorTypeTooLong error for p: the value may not be
// longer than maxBytes bytes (a negative maxBytes means the limit is not
// given). Like Kubernetes, it does not keep the value.
func (p Path) TooLong(maxBytes int) *FieldError {
	detail := "value is too long"
	switch {
	case maxBytes == 1:
		detail = "may not be more than 1 byte"
	case maxBytes >= 0:
		detail = "may not be more than " + strconv.Itoa(maxBytes) + " bytes"
	}
	return &FieldError{Type: ErrorTypeTooLong, Field: p.s, Detail: detail}
}

// InternalError returns an ErrorTypeInternal error for p carrying err's
// text.
func (p Path) InternalError(err error) *FieldError {
	return &FieldError{Type: ErrorTypeInternal, Field: p.s, Detail: err.Error()}
}

// InvalidError is the error of a failed validation: every problem of one
// object, found in one pass. Its message has the shape of Kubernetes'
// Invalid status, e.g.
//
//	ImageStream.image.openshift.io "web" is invalid: [spec.tags[latest].from.name: Required value, ...]
//
// errors.Is(err, ErrInvalid) is true for it, and errors.Is / errors.As
// also reach each *FieldError through Unwrap.
type InvalidError struct {
	// Kind is the object's kind, e.g. "ImageStream".
	Kind string
	// Name is the object's metadata.name (may be empty).
	Name string
	// Errs are the field errors, never empty in a returned error.
	Errs ErrorList
}

// Error formats e as Kubernetes' NewInvalid does: one field error is
// appended as is, several go in brackets; identical messages are shown
// once (Errs keeps them all).
func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind)
	b.WriteString(".")
	b.WriteString(GroupName)
	b.WriteString(" ")
	b.WriteString(strconv.Quote(e.Name))
	b.WriteString(" is invalid")
	seen := make(map[string]bool, len(e.Errs))
	msgs := make([]string, 0, len(e.Errs))
	for _, fe := range e.Errs {
		m := fe.Error()
		if !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	switch len(msgs) {
	case 0:
	case 1:
		b.WriteString(": ")
		b.WriteString(msgs[0])
	default:
		b.WriteString(": [")
		b.WriteString(strings.Join(msgs, ", "))
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the field errors.
func (e *InvalidError) Unwrap() []error {
	errs := make([]error, len(e.Errs))
	for i, fe := range e.Errs {
		errs[i] = fe
	}
	return errs
}

// Is reports whether target is ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// toError returns nil for an empty list and an *InvalidError otherwise.
func (l ErrorList) toError(kind, name string) error {
	if len(l) == 0 {
		return nil
	}
	return &InvalidError{Kind: kind, Name: name, Errs: l}
}

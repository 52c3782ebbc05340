package image

import (
	"bytes"
	"encoding/json"
	"time"
)

// TypeMeta names the kind and API version of a serialized object. It is
// inlined at the top of every object, as in Kubernetes.
type TypeMeta struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// UID is a unique identifier assigned to an object when it is created.
type UID string

// ObjectMeta is the metadata of a stored object, with every field of
// Kubernetes' ObjectMeta so that objects written by OpenShift decode
// without loss.
type ObjectMeta struct {
	Name                       string               `json:"name,omitempty"`
	GenerateName               string               `json:"generateName,omitempty"`
	Namespace                  string               `json:"namespace,omitempty"`
	SelfLink                   string               `json:"selfLink,omitempty"`
	UID                        UID                  `json:"uid,omitempty"`
	ResourceVersion            string               `json:"resourceVersion,omitempty"`
	Generation                 int64                `json:"generation,omitempty"`
	CreationTimestamp          Time                 `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *Time                `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64               `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string    `json:"labels,omitempty"`
	Annotations                map[string]string    `json:"annotations,omitempty"`
	OwnerReferences            []OwnerReference     `json:"ownerReferences,omitempty"`
	Finalizers                 []string             `json:"finalizers,omitempty"`
	ManagedFields              []ManagedFieldsEntry `json:"managedFields,omitempty"`
}

// OwnerReference identifies an object that owns this one.
type OwnerReference struct {
	APIVersion         string `json:"apiVersion"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
	UID                UID    `json:"uid"`
	Controller         *bool  `json:"controller,omitempty"`
	BlockOwnerDeletion *bool  `json:"blockOwnerDeletion,omitempty"`
}

// ManagedFieldsEntry records which manager owns which fields (server-side
// apply). The library keeps it verbatim and never interprets it.
type ManagedFieldsEntry struct {
	Manager     string    `json:"manager,omitempty"`
	Operation   string    `json:"operation,omitempty"`
	APIVersion  string    `json:"apiVersion,omitempty"`
	Time        *Time     `json:"time,omitempty"`
	FieldsType  string    `json:"fieldsType,omitempty"`
	FieldsV1    *FieldsV1 `json:"fieldsV1,omitempty"`
	Subresource string    `json:"subresource,omitempty"`
}

// FieldsV1 is the raw JSON of a managed-fields set.
type FieldsV1 struct {
	Raw []byte
}

// MarshalJSON writes the raw set, or null.
func (f FieldsV1) MarshalJSON() ([]byte, error) {
	if f.Raw == nil {
		return []byte("null"), nil
	}
	return f.Raw, nil
}

// UnmarshalJSON keeps a compacted copy of the raw set.
func (f *FieldsV1) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	// Compact, so that equal sets compare equal whatever the indentation.
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	f.Raw = buf.Bytes()
	return nil
}

// ListMeta is the metadata of a list.
type ListMeta struct {
	SelfLink           string `json:"selfLink,omitempty"`
	ResourceVersion    string `json:"resourceVersion,omitempty"`
	Continue           string `json:"continue,omitempty"`
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
}

// Time is a timestamp that encodes as Kubernetes does: RFC 3339 in UTC with
// whole seconds, and null when zero. Fractions of a second are dropped on
// encoding, so a value survives a round trip only to the second.
type Time struct {
	time.Time
}

// NewTime returns t truncated to the second in UTC, the precision the wire
// keeps.
func NewTime(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.UTC().Truncate(time.Second)}
}

// Date returns the Time of the given UTC date.
func Date(year int, month time.Month, day, hour, min, sec int) Time {
	return Time{time.Date(year, month, day, hour, min, sec, 0, time.UTC)}
}

// Equal reports whether t and u are the same instant; zero equals zero.
func (t Time) Equal(u Time) bool { return t.Time.Equal(u.Time) }

// Before reports whether t is before u.
func (t Time) Before(u Time) bool { return t.Time.Before(u.Time) }

// MarshalJSON encodes RFC 3339 in seconds, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(time.RFC3339)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts null, "" and any RFC 3339 time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	p, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	t.Time = p.UTC()
	return nil
}

// ObjectReference points at another object; in this API it is the `from`
// of a tag or an import (kind DockerImage, ImageStreamTag or
// ImageStreamImage).
type ObjectReference struct {
	Kind            string `json:"kind,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	UID             UID    `json:"uid,omitempty"`
	APIVersion      string `json:"apiVersion,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	FieldPath       string `json:"fieldPath,omitempty"`
}

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	Name string `json:"name,omitempty"`
}

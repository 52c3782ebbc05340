package image

import (
	"encoding/json"
	"errors"
	"strconv"
)

// listKind is the kind of the generic core "v1" List.
const listKind = "List"

// List is the generic Kubernetes List: kind "List", apiVersion "v1", and
// items that each name their own kind, as `oc get is -o json` or
// `oc get is,istag -o json` prints them. Unlike the typed lists
// ([ImageStreamList], ...), whose items take the list's kind, a List may
// mix kinds.
//
// Items holds the decoded objects, each the Go type Decode returns for it
// alone: *ImageStream, *ImageStreamTag, ... Every item must be a kind of
// this package; a List of Pods is not one of its objects.
type List struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata"`
	Items    []Object `json:"items"`
}

// listWire is List on the wire: the items as raw JSON, decoded one by one,
// and metadata.resourceVersion written even when empty, as oc does.
type listWire struct {
	TypeMeta `json:",inline"`
	Metadata listMetaWire      `json:"metadata"`
	Items    []json.RawMessage `json:"items"`
}

// listMetaWire is ListMeta with resourceVersion always present.
type listMetaWire struct {
	SelfLink           string `json:"selfLink,omitempty"`
	ResourceVersion    string `json:"resourceVersion"`
	Continue           string `json:"continue,omitempty"`
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
}

// MarshalJSON encodes every item with [Encode], so that each carries the
// kind and apiVersion a List item needs to be read back, and writes
// metadata.resourceVersion even when it is empty, as oc prints a List:
// {"metadata":{"resourceVersion":""}}. A nil item encodes as null and nil
// Items as null, as for the typed lists.
func (l List) MarshalJSON() ([]byte, error) {
	w := listWire{TypeMeta: l.TypeMeta, Metadata: listMetaWire(l.ListMeta)}
	if l.Items != nil {
		w.Items = make([]json.RawMessage, len(l.Items))
	}
	for i, obj := range l.Items {
		b, err := Encode(obj)
		if err != nil {
			return nil, err
		}
		w.Items[i] = b
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes a List as [Decode] does, so that json.Unmarshal
// can fill one too: unknown fields are errors, and every item is decoded
// by its own kind. It returns a *DecodeError.
func (l *List) UnmarshalJSON(b []byte) error {
	return decodeList(b, l)
}

// decodeList reads the List in js into l. An error in an item is reported
// at the item's path, items[i]..., with kind List: the path is relative to
// the document the caller decoded.
func decodeList(js []byte, l *List) error {
	var w listWire
	if err := decodeStrict(js, &w, listKind); err != nil {
		return err
	}
	var items []Object
	if w.Items != nil { // [] stays [] and null stays null
		items = make([]Object, len(w.Items))
	}
	for i, raw := range w.Items {
		obj, err := Decode(raw)
		if err != nil {
			field := "items[" + strconv.Itoa(i) + "]"
			var de *DecodeError
			if !errors.As(err, &de) {
				return &DecodeError{Kind: listKind, Field: field, Err: err}
			}
			if de.Field != "" {
				field += "." + de.Field
			}
			return &DecodeError{Kind: listKind, Field: field, Err: de.Err}
		}
		items[i] = obj
	}
	*l = List{TypeMeta: w.TypeMeta, ListMeta: ListMeta(w.Metadata), Items: items}
	return nil
}

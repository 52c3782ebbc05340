package image

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// ErrUnknownKind is wrapped by Decode when the kind or apiVersion is not
// one of this API.
var ErrUnknownKind = errors.New("unknown kind")

// DecodeError reports why an object could not be decoded: which kind, and
// where in it.
type DecodeError struct {
	// Kind is the kind being decoded, if known.
	Kind string
	// Field is the JSON path of the offending field, unknown or of the
	// wrong type, with list indexes and map keys, e.g.
	// "spec.tags[0].importPolicy.bogus", if known.
	Field string
	// Err is the cause. Decode always sets it; a DecodeError built
	// without one formats without it.
	Err error
}

// Error describes the failure, with the kind, field and cause when known.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("decode")
	if e.Kind != "" {
		b.WriteString(" " + e.Kind)
	}
	if e.Field != "" {
		b.WriteString(": field " + e.Field)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Decode reads one object in JSON or YAML and returns it as the Go type of
// its kind (*ImageStream, *Image, ...). The kind is chosen by apiVersion
// and kind: image kinds accept "image.openshift.io/v1" and the older
// group-less "v1" that OpenShift 3 documents use; List, SecretList, Secret
// and Status are core "v1" kinds. Unknown fields are errors, so nothing is
// silently lost. Decode applies no defaults; see SetDefaults.
//
// A List, which `oc get -o json` prints for a resource type without a
// name or for several resources, becomes a *List whose items are decoded
// as Decode decodes each alone, so each must name its kind. An error in
// an item is a *DecodeError of kind List at the item's path, such as
// "items[1].spec.tags[0].bogus", or "items[1]" for an item of an unknown
// kind (ErrUnknownKind).
func Decode(data []byte) (Object, error) {
	js, err := toJSON(data)
	if err != nil {
		return nil, &DecodeError{Err: err}
	}
	tm, err := peekTypeMeta(js)
	if err != nil {
		return nil, &DecodeError{Err: err}
	}
	info, ok := kinds[tm.Kind]
	if !ok {
		return nil, &DecodeError{Kind: tm.Kind, Err: fmt.Errorf("%w %q", ErrUnknownKind, tm.Kind)}
	}
	if tm.APIVersion != info.apiVersion && tm.APIVersion != LegacyAPIVersion {
		return nil, &DecodeError{Kind: tm.Kind, Err: fmt.Errorf("%w: apiVersion %q for kind %q", ErrUnknownKind, tm.APIVersion, tm.Kind)}
	}
	obj := info.new()
	if l, ok := obj.(*List); ok {
		// Not through decodeStrict: List.UnmarshalJSON's *DecodeError
		// would come back wrapped in another one.
		if err := decodeList(js, l); err != nil {
			return nil, err
		}
		return l, nil
	}
	if err := decodeStrict(js, obj, tm.Kind); err != nil {
		return nil, err
	}
	return obj, nil
}

// DecodeInto reads JSON or YAML into obj, whose Go type decides the kind;
// kind and apiVersion in the data are not required, but must match when
// present. Unknown fields are errors. A nil obj, typed or not, has
// nowhere to decode into and is a *DecodeError.
func DecodeInto(data []byte, obj Object) error {
	if obj == nil {
		return &DecodeError{Err: errors.New("nil object")}
	}
	kind := kindOf(obj)
	if isNil(obj) {
		return &DecodeError{Kind: kind, Err: fmt.Errorf("nil %T", obj)}
	}
	js, err := toJSON(data)
	if err != nil {
		return &DecodeError{Kind: kind, Err: err}
	}
	tm, err := peekTypeMeta(js)
	if err != nil {
		return &DecodeError{Kind: kind, Err: err}
	}
	if tm.Kind != "" && kind != "" && tm.Kind != kind {
		return &DecodeError{Kind: kind, Err: fmt.Errorf("%w: data has kind %q", ErrUnknownKind, tm.Kind)}
	}
	if l, ok := obj.(*List); ok {
		return decodeList(js, l)
	}
	return decodeStrict(js, obj, kind)
}

// peekTypeMeta reads kind and apiVersion of the first JSON value.
func peekTypeMeta(js []byte) (TypeMeta, error) {
	var tm TypeMeta
	err := json.NewDecoder(bytes.NewReader(js)).Decode(&tm)
	return tm, err
}

// toJSON converts YAML to JSON; JSON passes through.
func toJSON(data []byte) ([]byte, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return trimmed, nil
	}
	return yaml.YAMLToJSON(data)
}

func decodeStrict(js []byte, obj Object, kind string) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	err := dec.Decode(obj)
	if err == nil {
		if dec.More() {
			return &DecodeError{Kind: kind, Err: errors.New("trailing data after object")}
		}
		return nil
	}
	de := &DecodeError{Kind: kind, Err: err}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// te.Field has neither list indexes nor map keys, so find the
		// value; keep te.Field should the walk ever disagree with it.
		de.Field = te.Field
		if p := typeErrorPath(js, reflect.TypeOf(obj)); p != "" && lastName(p) == lastName(te.Field) {
			de.Field = p
		}
	} else if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// encoding/json names only the field, not where it is; find it.
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			var raw any
			if json.Unmarshal(js, &raw) == nil {
				de.Field = unknownFieldPath(raw, reflect.TypeOf(obj), unq, "")
			}
		}
	}
	return de
}

// unknownFieldPath returns the JSON path of the first key named name in v
// that t has no field for, or "" if none is found.
func unknownFieldPath(v any, t reflect.Type, name, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for _, k := range sortedKeys(v) {
				if p := unknownFieldPath(v[k], t.Elem(), name, path+"["+k+"]"); p != "" {
					return p
				}
			}
		case reflect.Struct:
			fields := jsonFields(t)
			for _, k := range sortedKeys(v) {
				p := joinPath(path, k)
				ft, ok := lookupField(fields, k)
				if !ok {
					if k == name {
						return p
					}
					continue
				}
				if p := unknownFieldPath(v[k], ft, name, p); p != "" {
					return p
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, e := range v {
				if p := unknownFieldPath(e, t.Elem(), name, path+"["+strconv.Itoa(i)+"]"); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// typeErrorPath returns the JSON path of the value of js that
// encoding/json reports as an *UnmarshalTypeError when decoding into a
// value of type t, or "" if there is none. That is the first Time that is
// not a string, whose error ends decoding, or else the first value, in
// document order, that does not fit its Go type.
func typeErrorPath(js []byte, t reflect.Type) string {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var w misfitWalk
	w.value(dec, t, "")
	if w.time != "" {
		return w.time
	}
	return w.first
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// misfitWalk finds values that do not fit their Go type.
type misfitWalk struct {
	first string // the first misfit
	time  string // the first misfit Time; the walk stops there
}

// misfit records a misfit at path and reports whether the walk stops.
func (w *misfitWalk) misfit(t reflect.Type, path string) bool {
	if t == timeType {
		w.time = path
		return true
	}
	if w.first == "" {
		w.first = path
	}
	return false
}

// value reads the next value from dec, where Go type t holds it, and
// records misfits in it; it returns true when the walk stops. A nil t
// accepts anything: unknown fields and types that decode themselves
// (except Time, which wants a string or null).
func (w *misfitWalk) value(dec *json.Decoder, t reflect.Type, path string) (stop bool) {
	tok, err := dec.Token()
	if err != nil {
		return true
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t != timeType && reflect.PointerTo(t).Implements(unmarshalerType) {
		t = nil
	}
	kind := reflect.Invalid
	if t != nil {
		kind = t.Kind()
	}
	anything := kind == reflect.Invalid || kind == reflect.Interface
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			if !anything && kind != reflect.Slice && kind != reflect.Array || t == timeType {
				return w.misfit(t, path) || skipRest(dec)
			}
			for i := 0; dec.More(); i++ {
				var et reflect.Type
				if !anything {
					et = t.Elem()
				}
				if w.value(dec, et, path+"["+strconv.Itoa(i)+"]") {
					return true
				}
			}
		} else {
			if !anything && kind != reflect.Struct && kind != reflect.Map || t == timeType {
				return w.misfit(t, path) || skipRest(dec)
			}
			var fields map[string]reflect.Type
			if kind == reflect.Struct {
				fields = jsonFields(t)
			}
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return true
				}
				k, _ := key.(string)
				var ft reflect.Type
				p := joinPath(path, k)
				switch kind {
				case reflect.Struct:
					ft, _ = lookupField(fields, k)
				case reflect.Map:
					ft, p = t.Elem(), path+"["+k+"]"
				}
				if w.value(dec, ft, p) {
					return true
				}
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err != nil
	case string:
		if !anything && kind != reflect.String && !(kind == reflect.Slice && t.Elem().Kind() == reflect.Uint8) && t != timeType {
			return w.misfit(t, path)
		}
	case json.Number:
		if !anything && !numberFits(tok, t) {
			return w.misfit(t, path)
		}
	case bool:
		if !anything && kind != reflect.Bool {
			return w.misfit(t, path)
		}
	}
	return false // null fits anything
}

// skipRest reads the rest of the array or object whose opening delimiter
// dec has just returned. It reports whether that failed.
func skipRest(dec *json.Decoder) bool {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return false
}

// numberFits reports whether encoding/json can store n in a value of type t.
func numberFits(n json.Number, t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(string(n), 10, 64)
		return err == nil && !t.OverflowInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u, err := strconv.ParseUint(string(n), 10, 64)
		return err == nil && !t.OverflowUint(u)
	case reflect.Float32, reflect.Float64:
		_, err := strconv.ParseFloat(string(n), t.Bits())
		return err == nil
	}
	return false
}

// lastName returns the last field name of a path such as "a.b[0]" or
// "A.B": "b" and "B".
func lastName(path string) string {
	for strings.HasSuffix(path, "]") {
		i := strings.LastIndexByte(path, '[')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return path[strings.LastIndexByte(path, '.')+1:]
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonFields maps the JSON names of t's fields, including those of
// embedded structs without a name, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// lookupField matches a key as encoding/json does: exactly, else without
// regard to case.
func lookupField(fields map[string]reflect.Type, k string) (reflect.Type, bool) {
	if t, ok := fields[k]; ok {
		return t, true
	}
	for n, t := range fields {
		if strings.EqualFold(n, k) {
			return t, true
		}
	}
	return nil, false
}

// Encode returns the JSON encoding of obj, with kind and apiVersion filled
// in when obj leaves them empty (obj itself is not modified). A nil obj,
// typed or not, encodes as null, as json.Marshal has it. A *List is
// written in the shape `oc get -o json` prints: every item is encoded
// with Encode, so it carries its kind and apiVersion, and
// metadata.resourceVersion is present even when empty.
func Encode(obj Object) ([]byte, error) {
	if isNil(obj) {
		return []byte("null"), nil
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	tm := obj.GetTypeMeta()
	if tm.Kind != "" || tm.APIVersion != "" {
		return b, nil
	}
	kind := kindOf(obj)
	if kind == "" {
		return b, nil
	}
	head, err := json.Marshal(TypeMeta{Kind: kind, APIVersion: kinds[kind].apiVersion})
	if err != nil {
		return nil, err
	}
	// Splice {"kind":..,"apiVersion":..} in front of the object's fields.
	out := make([]byte, 0, len(head)+len(b))
	out = append(out, head[:len(head)-1]...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// EncodeYAML is Encode in YAML, as `oc get -o yaml` prints it.
func EncodeYAML(obj Object) ([]byte, error) {
	b, err := Encode(obj)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

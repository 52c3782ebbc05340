package imagestream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// PatchType is the format of a patch, named by the Content-Type a
// Kubernetes PATCH request carries.
type PatchType string

// Patch formats.
const (
	// MergePatchType is a JSON merge patch (RFC 7386): objects merge key
	// by key, null removes a key, any other value (a list included)
	// replaces what was there.
	MergePatchType PatchType = "application/merge-patch+json"
	// JSONPatchType is a JSON Patch (RFC 6902): a list of operations
	// (add, remove, replace, move, copy, test) on JSON pointers, applied
	// in order, all or nothing.
	JSONPatchType PatchType = "application/json-patch+json"
)

// maxPatchAttempts bounds how often a patch is applied again to a
// stream another writer changed in between, as the API server bounds it.
const maxPatchAttempts = 5

// Patch applies a patch of type pt to the stream called name, as `oc
// patch` does: the patch is applied to the stream as Get returns it, and
// the result is written with Update, or with UpdateStatus when the
// subresource is "status". A stream changed by another writer in
// between is read and patched again, up to a few times, so the patch is
// never applied to a stale stream; but a patch that sets
// metadata.resourceVersion holds only against that version, and is a
// Conflict against any other. A patch that does not parse or does not
// give a stream, or changes its name or namespace, is a BadRequest; a
// JSON Patch that does not fit the stream (a failed test, a path that is
// not there) is Invalid; a type other than MergePatchType and
// JSONPatchType is UnsupportedMediaType.
// Strategic merge patches are not supported: for ImageStreams they merge
// spec.tags by name, which a merge patch does by replacing the list.
func (c *ImageStreams) Patch(ctx context.Context, name string, pt PatchType, data []byte, subresource ...string) (*image.ImageStream, error) {
	if err := c.needNamespace(); err != nil {
		return nil, err
	}
	update := c.Update
	switch {
	case len(subresource) == 0:
	case len(subresource) == 1 && subresource[0] == "status":
		update = c.UpdateStatus
	default:
		return nil, NewNotFound(ResourceImageStreams, name)
	}
	return patchObject(ctx, ResourceImageStreams, "ImageStream", name, c.ns, pt, data, c.Get, update,
		func(is *image.ImageStream) *image.ObjectMeta { return &is.ObjectMeta })
}

// Patch applies a patch of type pt to the image called name and writes
// the result with Update; see ImageStreams.Patch.
func (c *Images) Patch(ctx context.Context, name string, pt PatchType, data []byte) (*image.Image, error) {
	return patchObject(ctx, ResourceImages, "Image", name, "", pt, data, c.Get, c.Update,
		func(img *image.Image) *image.ObjectMeta { return &img.ObjectMeta })
}

// patchObject reads the object, applies the patch to its JSON, and writes
// the result, reading and applying again when another writer got in
// first.
func patchObject[T any](ctx context.Context, gr GroupResource, kind, name, ns string, pt PatchType, data []byte,
	get func(context.Context, string) (T, error), update func(context.Context, T) (T, error), meta func(T) *image.ObjectMeta) (T, error) {
	var zero T
	apply, err := parsePatch(pt, data)
	if err != nil {
		return zero, err
	}
	for attempt := 1; ; attempt++ {
		cur, err := get(ctx, name)
		if err != nil {
			return zero, err
		}
		js, err := json.Marshal(cur)
		if err != nil {
			return zero, NewInternalError(err)
		}
		var doc any
		if err := decodeJSON(js, &doc); err != nil {
			return zero, NewInternalError(err)
		}
		if doc, err = apply(doc); err != nil {
			return zero, err
		}
		if _, ok := doc.(map[string]any); !ok {
			return zero, NewBadRequest(fmt.Sprintf("the patched object is not a valid %s: not a JSON object", kind))
		}
		patched, err := json.Marshal(doc)
		if err != nil {
			return zero, NewInternalError(err)
		}
		next := new(T)
		if err := json.Unmarshal(patched, next); err != nil {
			return zero, NewBadRequest(fmt.Sprintf("the patched object is not a valid %s: %v", kind, err))
		}
		m, was := meta(*next), meta(cur)
		// The API server's checks of a patched object's name against the
		// request: an empty namespace is the request's, and a cluster
		// object's namespace is dropped by Update.
		if m.Name != name {
			return zero, NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.Name, name))
		}
		if ns != "" && m.Namespace != "" && m.Namespace != ns {
			return zero, NewBadRequest(fmt.Sprintf("the namespace of the object (%s) does not match the namespace on the request (%s)", m.Namespace, ns))
		}
		// A patch that sets metadata.resourceVersion holds only against
		// that version: against any other it is a conflict, also after
		// another writer got in first, as the API server decides.
		if m.ResourceVersion != was.ResourceVersion {
			return zero, NewConflict(gr, name, errModified)
		}
		out, err := update(ctx, *next)
		if err == nil || attempt == maxPatchAttempts || !errors.Is(err, storage.ErrConflict) {
			return out, err
		}
	}
}

// decodeJSON decodes one JSON value, keeping numbers exact.
func decodeJSON(b []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err == nil {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// parsePatch parses a patch once, returning the function that applies it
// to a decoded document.
func parsePatch(pt PatchType, data []byte) (func(any) (any, error), error) {
	var p any
	switch pt {
	case MergePatchType, JSONPatchType:
	default:
		return nil, &StatusError{ErrStatus: image.Status{
			Status: image.StatusFailure, Reason: "UnsupportedMediaType", Code: http.StatusUnsupportedMediaType,
			Message: fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: %s, %s", JSONPatchType, MergePatchType),
		}}
	}
	if err := decodeJSON(data, &p); err != nil {
		return nil, NewBadRequest(fmt.Sprintf("error decoding patch: %v", err))
	}
	if pt == MergePatchType {
		return func(doc any) (any, error) { return mergePatch(doc, p), nil }, nil
	}
	ops, err := parseJSONPatch(p)
	if err != nil {
		return nil, NewBadRequest(err.Error())
	}
	return func(doc any) (any, error) {
		for i, op := range ops {
			var err error
			if doc, err = op.apply(doc); err != nil {
				// The patch is well formed but does not fit the object:
				// Invalid (422), as the API server answers.
				return nil, &StatusError{ErrStatus: image.Status{
					Status: image.StatusFailure, Reason: image.StatusReasonInvalid, Code: http.StatusUnprocessableEntity,
					Message: fmt.Sprintf("the JSON patch cannot be applied: operation %d (%s %s): %v", i, op.op, op.path, err),
				}}
			}
		}
		return doc, nil
	}, nil
}

// mergePatch applies the merge patch p to doc (RFC 7386, section 2),
// modifying doc's maps in place.
func mergePatch(doc, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	dm, ok := doc.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
		} else {
			dm[k] = mergePatch(dm[k], v)
		}
	}
	return dm
}

// jsonPatchOp is one operation of a JSON Patch.
type jsonPatchOp struct {
	op, path, from string
	value          any
}

// parseJSONPatch checks the shape of a JSON Patch document (RFC 6902,
// section 4).
func parseJSONPatch(p any) ([]jsonPatchOp, error) {
	list, ok := p.([]any)
	if !ok {
		return nil, errors.New("a JSON Patch must be a list of operations")
	}
	ops := make([]jsonPatchOp, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("operation %d is not an object", i)
		}
		str := func(key string) (string, bool, error) {
			v, ok := m[key]
			if !ok {
				return "", false, nil
			}
			s, isString := v.(string)
			if !isString {
				return "", true, fmt.Errorf("operation %d: %q must be a string", i, key)
			}
			return s, true, nil
		}
		var op jsonPatchOp
		var err error
		var has bool
		if op.op, has, err = str("op"); err != nil || !has {
			return nil, errors.Join(err, fmt.Errorf("operation %d has no \"op\"", i))
		}
		if op.path, has, err = str("path"); err != nil || !has {
			return nil, errors.Join(err, fmt.Errorf("operation %d has no \"path\"", i))
		}
		switch op.op {
		case "add", "replace", "test":
			v, ok := m["value"]
			if !ok {
				return nil, fmt.Errorf("operation %d (%s) has no \"value\"", i, op.op)
			}
			op.value = v
		case "remove":
		case "move", "copy":
			if op.from, has, err = str("from"); err != nil || !has {
				return nil, errors.Join(err, fmt.Errorf("operation %d (%s) has no \"from\"", i, op.op))
			}
		default:
			return nil, fmt.Errorf("operation %d: unknown op %q", i, op.op)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// apply runs the operation on doc and returns the new document. Values
// are copied where they enter the document, so that an operation never
// aliases another part of it.
func (op jsonPatchOp) apply(doc any) (any, error) {
	switch op.op {
	case "add":
		return pointerSet(doc, op.path, deepCopyJSON(op.value), true)
	case "remove":
		doc, _, err := pointerRemove(doc, op.path)
		return doc, err
	case "replace":
		if _, err := pointerGet(doc, op.path); err != nil {
			return nil, err
		}
		return pointerSet(doc, op.path, deepCopyJSON(op.value), false)
	case "move":
		// RFC 6902 §4.4: from must exist, also for a move onto itself.
		if _, err := pointerGet(doc, op.from); err != nil {
			return nil, err
		}
		if op.path == op.from {
			return doc, nil
		}
		if strings.HasPrefix(op.path, op.from+"/") {
			return nil, fmt.Errorf("cannot move %q into itself", op.from)
		}
		doc, v, err := pointerRemove(doc, op.from)
		if err != nil {
			return nil, err
		}
		return pointerSet(doc, op.path, v, true)
	case "copy":
		v, err := pointerGet(doc, op.from)
		if err != nil {
			return nil, err
		}
		return pointerSet(doc, op.path, deepCopyJSON(v), true)
	default: // test
		v, err := pointerGet(doc, op.path)
		if err != nil {
			return nil, err
		}
		if !jsonEqual(v, op.value) {
			return nil, errors.New("the value differs")
		}
		return doc, nil
	}
}

// pointerTokens splits a JSON pointer (RFC 6901) into unescaped tokens.
func pointerTokens(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q does not start with /", ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		if !strings.Contains(t, "~") {
			continue
		}
		// RFC 6901 §3: "~" only as "~0" or "~1", decoded left to right
		// so that "~01" is "~1".
		var b strings.Builder
		for j := 0; j < len(t); j++ {
			if t[j] != '~' {
				b.WriteByte(t[j])
				continue
			}
			if j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1') {
				return nil, fmt.Errorf("JSON pointer %q has an invalid escape", ptr)
			}
			b.WriteByte("~/"[t[j+1]-'0'])
			j++
		}
		toks[i] = b.String()
	}
	return toks, nil
}

// arrayIndex parses the token of an array element: n elements, and "-"
// (past the end) only where end is allowed.
func arrayIndex(tok string, n int, end bool) (int, error) {
	if tok == "-" && end {
		return n, nil
	}
	// RFC 6901 §4: "0", or digits without a leading zero; no sign.
	if tok == "" || (tok != "0" && tok[0] == '0') || strings.Trim(tok, "0123456789") != "" {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	i, err := strconv.Atoi(tok)
	if err != nil {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	limit := n - 1
	if end {
		limit = n
	}
	if i > limit {
		return 0, fmt.Errorf("array index %d out of bounds", i)
	}
	return i, nil
}

// pointerGet returns the value at ptr.
func pointerGet(doc any, ptr string) (any, error) {
	toks, err := pointerTokens(ptr)
	if err != nil {
		return nil, err
	}
	v := doc
	for _, t := range toks {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[t]; !ok {
				return nil, fmt.Errorf("%q: missing key %q", ptr, t)
			}
		case []any:
			i, err := arrayIndex(t, len(c), false)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", ptr, err)
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("%q: %q is not in an object or a list", ptr, t)
		}
	}
	return v, nil
}

// pointerSet sets the value at ptr: insert (add) puts a list element
// before the one at the index, otherwise it replaces it. The parent must
// exist. It returns the document, which is v itself for the root.
func pointerSet(doc any, ptr string, v any, insert bool) (any, error) {
	toks, err := pointerTokens(ptr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return v, nil
	}
	parentPtr := ptr[:strings.LastIndexByte(ptr, '/')]
	parent, err := pointerGet(doc, parentPtr)
	if err != nil {
		return nil, err
	}
	last := toks[len(toks)-1]
	switch c := parent.(type) {
	case map[string]any:
		c[last] = v
		return doc, nil
	case []any:
		i, err := arrayIndex(last, len(c), insert)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", ptr, err)
		}
		if !insert {
			c[i] = v
			return doc, nil
		}
		grown := make([]any, 0, len(c)+1)
		grown = append(append(append(grown, c[:i]...), v), c[i:]...)
		return pointerSet(doc, parentPtr, grown, false)
	default:
		return nil, fmt.Errorf("%q: the parent is not an object or a list", ptr)
	}
}

// pointerRemove removes the value at ptr and returns it.
func pointerRemove(doc any, ptr string) (any, any, error) {
	toks, err := pointerTokens(ptr)
	if err != nil {
		return nil, nil, err
	}
	if len(toks) == 0 {
		return nil, nil, errors.New("cannot remove the whole document")
	}
	parentPtr := ptr[:strings.LastIndexByte(ptr, '/')]
	parent, err := pointerGet(doc, parentPtr)
	if err != nil {
		return nil, nil, err
	}
	last := toks[len(toks)-1]
	switch c := parent.(type) {
	case map[string]any:
		v, ok := c[last]
		if !ok {
			return nil, nil, fmt.Errorf("%q: missing key %q", ptr, last)
		}
		delete(c, last)
		return doc, v, nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return nil, nil, fmt.Errorf("%q: %w", ptr, err)
		}
		v := c[i]
		shrunk := append(append(make([]any, 0, len(c)-1), c[:i]...), c[i+1:]...)
		doc, err := pointerSet(doc, parentPtr, shrunk, false)
		return doc, v, err
	default:
		return nil, nil, fmt.Errorf("%q: the parent is not an object or a list", ptr)
	}
}

// deepCopyJSON copies a decoded JSON value.
func deepCopyJSON(v any) any {
	switch c := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, e := range c {
			m[k] = deepCopyJSON(e)
		}
		return m
	case []any:
		l := make([]any, len(c))
		for i, e := range c {
			l[i] = deepCopyJSON(e)
		}
		return l
	default:
		return v
	}
}

// jsonEqual compares decoded JSON values as RFC 6902's test does:
// numbers by value, objects regardless of key order.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !jsonEqual(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		cx, ok1 := canonicalNumber(string(x))
		cy, ok2 := canonicalNumber(string(y))
		return ok1 && ok2 && cx == cy
	default:
		return a == b
	}
}

// decimalNumber is a JSON number as sign, significant digits (no leading
// or trailing zeros) and the exponent of the last digit: 1.50e2 is
// {false, "15", 1}. Two numbers are equal exactly when their canonical
// forms are, with no rounding (RFC 6902 §4.6 compares values, and
// float64 would make 2^53 and 2^53+1 equal).
type decimalNumber struct {
	neg    bool
	digits string
	exp    int64
}

// canonicalNumber parses a JSON number (as json.Decoder checked it) into
// its canonical form; false when the exponent does not fit an int64.
func canonicalNumber(s string) (decimalNumber, bool) {
	var n decimalNumber
	if strings.HasPrefix(s, "-") {
		n.neg, s = true, s[1:]
	}
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		e, err := strconv.ParseInt(strings.TrimPrefix(expPart, "+"), 10, 64)
		if err != nil {
			return n, false
		}
		n.exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if n.exp < math.MinInt64+int64(len(frac)) {
		return n, false
	}
	n.exp -= int64(len(frac))
	digits = strings.TrimLeft(digits, "0")
	trimmed := strings.TrimRight(digits, "0")
	if n.exp > math.MaxInt64-int64(len(digits)-len(trimmed)) {
		return n, false
	}
	n.exp += int64(len(digits) - len(trimmed))
	n.digits = trimmed
	if n.digits == "" {
		return decimalNumber{}, true // every zero, -0 included
	}
	return n, true
}

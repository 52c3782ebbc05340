package imagestream

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// applyPatch applies a patch to a JSON document and returns the result
// as compact JSON, or the error.
func applyPatch(t *testing.T, pt PatchType, doc, patch string) (string, error) {
	t.Helper()
	apply, err := parsePatch(pt, []byte(patch))
	if err != nil {
		return "", err
	}
	var d any
	if err := decodeJSON([]byte(doc), &d); err != nil {
		t.Fatalf("document %s: %v", doc, err)
	}
	out, err := apply(d)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), nil
}

// canonical re-encodes JSON so that key order does not matter.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := decodeJSON([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestMergePatchRFC7386: the examples of RFC 7386, appendix A.
func TestMergePatchRFC7386(t *testing.T) {
	cases := []struct{ doc, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, tc := range cases {
		got, err := applyPatch(t, MergePatchType, tc.doc, tc.patch)
		if err != nil {
			t.Errorf("%s + %s: %v", tc.doc, tc.patch, err)
			continue
		}
		if diff := cmp.Diff(canonical(t, tc.want), canonical(t, got)); diff != "" {
			t.Errorf("%s + %s (-want +got):\n%s", tc.doc, tc.patch, diff)
		}
	}
}

// TestJSONPatchRFC6902: the examples of RFC 6902, appendix A, and the
// pointer rules of RFC 6901 they rely on.
func TestJSONPatchRFC6902(t *testing.T) {
	cases := []struct {
		name, doc, patch, want string
		fails                  bool
	}{
		{"A.1 add an object member", `{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux"}]`, `{"baz":"qux","foo":"bar"}`, false},
		{"A.2 add an array element", `{"foo":["bar","baz"]}`, `[{"op":"add","path":"/foo/1","value":"qux"}]`, `{"foo":["bar","qux","baz"]}`, false},
		{"A.3 remove an object member", `{"baz":"qux","foo":"bar"}`, `[{"op":"remove","path":"/baz"}]`, `{"foo":"bar"}`, false},
		{"A.4 remove an array element", `{"foo":["bar","qux","baz"]}`, `[{"op":"remove","path":"/foo/1"}]`, `{"foo":["bar","baz"]}`, false},
		{"A.5 replace a value", `{"baz":"qux","foo":"bar"}`, `[{"op":"replace","path":"/baz","value":"boo"}]`, `{"baz":"boo","foo":"bar"}`, false},
		{"A.6 move a value", `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`, `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`, `{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`, false},
		{"A.7 move an array element", `{"foo":["all","grass","cows","eat"]}`, `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, `{"foo":["all","cows","eat","grass"]}`, false},
		{"A.8 test a value: success", `{"baz":"qux","foo":["a",2,"c"]}`, `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`, `{"baz":"qux","foo":["a",2,"c"]}`, false},
		{"A.9 test a value: error", `{"baz":"qux"}`, `[{"op":"test","path":"/baz","value":"bar"}]`, ``, true},
		{"A.10 add a nested member object", `{"foo":"bar"}`, `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, `{"foo":"bar","child":{"grandchild":{}}}`, false},
		{"A.11 ignore unrecognized elements", `{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux","xyz":123}]`, `{"foo":"bar","baz":"qux"}`, false},
		{"A.12 add to a nonexistent target", `{"foo":"bar"}`, `[{"op":"add","path":"/baz/bat","value":"qux"}]`, ``, true},
		{"A.14 ~ escape ordering", `{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":10}]`, `{"/":9,"~1":10}`, false},
		{"A.15 compare strings and numbers", `{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":"10"}]`, ``, true},
		{"A.16 add an array value", `{"foo":["bar"]}`, `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, `{"foo":["bar",["abc","def"]]}`, false},
		{"copy", `{"a":{"b":1}}`, `[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]`, `{"a":{"b":1},"c":{"b":2}}`, false},
		{"test: numbers by value, objects in any order", `{"a":{"x":1.0,"y":[1]}}`, `[{"op":"test","path":"/a","value":{"y":[1],"x":1}}]`, `{"a":{"x":1.0,"y":[1]}}`, false},
		{"replace the whole document", `{"a":1}`, `[{"op":"replace","path":"","value":{"b":2}}]`, `{"b":2}`, false},
		{"all or nothing", `{"a":1}`, `[{"op":"add","path":"/b","value":2},{"op":"remove","path":"/c"}]`, ``, true},
		{"replace a missing key", `{"a":1}`, `[{"op":"replace","path":"/b","value":2}]`, ``, true},
		{"remove past the end", `{"a":[1]}`, `[{"op":"remove","path":"/a/1"}]`, ``, true},
		{"add past the end", `{"a":[1]}`, `[{"op":"add","path":"/a/2","value":2}]`, ``, true},
		{"index with a leading zero", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/01"}]`, ``, true},
		{"negative index", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/-1"}]`, ``, true},
		{"move into itself", `{"a":{"b":{}}}`, `[{"op":"move","from":"/a","path":"/a/b/c"}]`, ``, true},
		{"pointer without a slash", `{"a":1}`, `[{"op":"remove","path":"a"}]`, ``, true},
		{"bad escape", `{"a":1}`, `[{"op":"remove","path":"/~2"}]`, ``, true},
		{"remove the root", `{"a":1}`, `[{"op":"remove","path":""}]`, ``, true},
		// RFC 6902 §4.6: numbers compare by exact value, beyond float64.
		{"test: integers past 2^53 differ", `{"x":9007199254740993}`, `[{"op":"test","path":"/x","value":9007199254740992}]`, ``, true},
		{"test: integers past 2^64 differ", `{"x":18446744073709551617}`, `[{"op":"test","path":"/x","value":18446744073709551616}]`, ``, true},
		{"test: one value, many spellings", `{"x":1500,"y":0,"z":1e400}`, `[{"op":"test","path":"/x","value":1.5e3},{"op":"test","path":"/x","value":15000e-1},{"op":"test","path":"/y","value":-0.0e7},{"op":"test","path":"/z","value":10e399}]`, `{"x":1500,"y":0,"z":1e400}`, false},
		{"test: a long integer equals itself", `{"n":123456789012345678901234567890}`, `[{"op":"test","path":"/n","value":123456789012345678901234567890}]`, `{"n":123456789012345678901234567890}`, false},
		{"test: sign matters", `{"x":1}`, `[{"op":"test","path":"/x","value":-1}]`, ``, true},
		// RFC 6902 §4.4: from must exist, also for a move onto itself.
		{"move a missing location onto itself", `{"a":1}`, `[{"op":"move","from":"/nope","path":"/nope"}]`, ``, true},
		{"move onto itself", `{"a":1}`, `[{"op":"move","from":"/a","path":"/a"}]`, `{"a":1}`, false},
		// RFC 6901 §4: no sign on an array index; §3: "~" only as ~0, ~1.
		{"index -0", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/-0"}]`, ``, true},
		{"index +1", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/+1"}]`, ``, true},
		{"lone ~ before an escape", `{"a":1}`, `[{"op":"add","path":"/~~01","value":2}]`, ``, true},
		{"~ at the end", `{"a":1}`, `[{"op":"add","path":"/a~","value":2}]`, ``, true},
		{"escapes decode left to right", `{}`, `[{"op":"add","path":"/~01~10","value":2}]`, `{"~1/0":2}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applyPatch(t, JSONPatchType, tc.doc, tc.patch)
			if tc.fails {
				if err == nil {
					t.Fatalf("applied, giving %s; want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(canonical(t, tc.want), canonical(t, got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestJSONPatchMalformed: a JSON Patch document of the wrong shape is
// refused before anything is read.
func TestJSONPatchMalformed(t *testing.T) {
	for _, patch := range []string{
		``, `{`, `{"op":"add"}`, `[1]`, `[{"path":"/a"}]`, `[{"op":"add"}]`, `[{"op":"add","path":"/a"}]`,
		`[{"op":"move","path":"/a"}]`, `[{"op":"jump","path":"/a"}]`, `[{"op":1,"path":"/a"}]`, `[{"op":"remove","path":2}]`,
		`[] []`,
	} {
		if _, err := parsePatch(JSONPatchType, []byte(patch)); err == nil {
			t.Errorf("%s: parsed, want an error", patch)
		}
	}
}

// FuzzPatch: no patch, of either type, on any document, panics, and a
// patch that applies gives JSON that encodes.
func FuzzPatch(f *testing.F) {
	f.Add(true, `{"a":{"b":[1,2,{"c":null}]}}`, `[{"op":"move","from":"/a/b/0","path":"/a/b/-"}]`)
	f.Add(true, `[1,[2,[3]]]`, `[{"op":"copy","from":"/1","path":"/1/1/0"},{"op":"remove","path":"/0"}]`)
	f.Add(false, `{"a":{"b":"c"}}`, `{"a":{"b":null,"d":[{"e":1}]}}`)
	f.Add(true, `{"~":{"/":1}}`, `[{"op":"test","path":"/~0/~1","value":1.0}]`)
	f.Fuzz(func(t *testing.T, jsonPatch bool, doc, patch string) {
		pt := MergePatchType
		if jsonPatch {
			pt = JSONPatchType
		}
		apply, err := parsePatch(pt, []byte(patch))
		if err != nil {
			return
		}
		var d any
		if decodeJSON([]byte(doc), &d) != nil {
			return
		}
		out, err := apply(d)
		if err != nil {
			return
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("patched document does not encode: %v", err)
		}
	})
}

// TestPatchRetriesConflicts: a patch that names no resourceVersion is
// applied again to the newer object when another writer got in first,
// a bounded number of times; one that names it is not.
func TestPatchRetriesConflicts(t *testing.T) {
	cases := []struct {
		name      string
		patch     string
		conflicts int // updates that fail before one succeeds
		wantTries int
		wantErr   bool
	}{
		{"applied again to the newer object", `{"metadata":{"labels":{"a":"b"}}}`, 2, 3, false},
		{"gives up after maxPatchAttempts", `{"metadata":{"labels":{"a":"b"}}}`, 100, maxPatchAttempts, true},
		{"a pinned resourceVersion is not retried", `{"metadata":{"resourceVersion":"1","labels":{"a":"b"}}}`, 1, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rv, tries := 1, 0
			get := func(context.Context, string) (*image.ImageStream, error) {
				return &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "ns", ResourceVersion: strconv.Itoa(rv)}}, nil
			}
			var written *image.ImageStream
			update := func(_ context.Context, is *image.ImageStream) (*image.ImageStream, error) {
				tries++
				if is.ResourceVersion != strconv.Itoa(rv) {
					return nil, NewConflict(ResourceImageStreams, is.Name, errModified)
				}
				if tries <= tc.conflicts {
					rv++ // another writer got in first
					return nil, NewConflict(ResourceImageStreams, is.Name, errModified)
				}
				written = is
				return is, nil
			}
			_, err := patchObject(t.Context(), ResourceImageStreams, "ImageStream", "app", "ns", MergePatchType, []byte(tc.patch), get, update,
				func(is *image.ImageStream) *image.ObjectMeta { return &is.ObjectMeta })
			if tries != tc.wantTries {
				t.Errorf("%d updates, want %d", tries, tc.wantTries)
			}
			if tc.wantErr {
				if !errors.Is(err, storage.ErrConflict) {
					t.Errorf("err = %v, want a Conflict", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if written.Labels["a"] != "b" || written.ResourceVersion != strconv.Itoa(rv) {
				t.Errorf("written %+v at rv %d", written.ObjectMeta, rv)
			}
		})
	}
}

package prune_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/imagestreams/imagestreams/prune"
)

// FuzzPlan checks the plan invariants (PRUNE.md §6.4) on random snapshots
// chosen by the fuzzer, with references whose specs it writes.
func FuzzPlan(f *testing.F) {
	f.Add(uint64(1), "r.io/ns-0/stream-0:latest", uint8(0))
	f.Add(uint64(7), " ", uint8(3))
	f.Add(uint64(99), "ns-1/stream-2@sha256:0000", uint8(255))
	f.Fuzz(func(t *testing.T, seed uint64, spec string, flags uint8) {
		s, o := randomCase(seed)
		s.References = append(s.References, prune.Reference{Owner: prune.Owner{Kind: "Pod", Name: "fuzz"}, Spec: spec},
			prune.Reference{Owner: prune.Owner{Kind: "Build", Namespace: "ns-0", Name: "fuzz"}, Kind: "ImageStreamTag", Spec: spec})
		o.OnlyManaged = flags&1 != 0
		o.OCCompatible = flags&2 != 0
		o.KeepReferencedImages = flags&4 != 0
		o.IgnoreInvalidRefs = flags&8 != 0
		d, err := prune.Plan(s, o)
		if err != nil {
			t.Fatalf("Plan: %v", err)
		}
		if err := checkInvariants(s, o, d); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeWorkloads checks DecodeWorkloads on any input: an error
// comes without references, from JSON that encoding/json rejects or that
// does not fit a workload, and is deterministic; invalid JSON always
// fails. Decoding is deterministic, and the references do not change when
// the input is re-encoded (compacted, indented, or, when no object has
// two keys equal but for case, decoded to maps and marshalled again),
// wrapped in a List, or listed twice (references twice). Every reference
// names a workload kind oc reads, a field path of that kind's shape, and
// is found in the input: some object holds its Spec (and for a build
// input its Kind and Namespace) at its field path, its owner's name and
// namespace at metadata, and, for a build, no earlier strategy, as oc's
// first strategy wins. Blank images and kindless build inputs are
// skipped, and only a Pod can be inactive.
func FuzzDecodeWorkloads(f *testing.F) {
	f.Add([]byte(`{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"a"}]}}`))
	f.Add([]byte(`{"kind":"List","items":[{"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"image":"b"}]}}}}}}]}`))
	f.Add([]byte(`{"kind":"BuildConfig","spec":{"strategy":{"dockerStrategy":{"from":{"kind":"ImageStreamTag","name":"x:y"}}}}}`))
	f.Add([]byte(`{"kind":"List","items":[1]}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"p","namespace":"n"},"spec":{"initContainers":[{"image":" "},{"image":"i"}],"containers":[{"image":""},{"image":"c"}]},"status":{"phase":"Succeeded"}}]}`))
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"x"},{"image":"y"}]}}}}`))
	f.Add([]byte(`{"kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"customStrategy":{"from":{"kind":"DockerImage","name":"c"}},"sourceStrategy":{"from":{"kind":"ImageStreamTag","namespace":"o","name":"s:t"}}}}}`))
	f.Add([]byte(`{"kind":"Pod","Spec":{"Containers":[{"IMAGE":"up"}]}}`))
	f.Add([]byte(`{"kind":"Pod","spec":{"containers":[{"image":"a"}]},"spec":{"containers":[{"image":"b"}]}}`))
	f.Add([]byte(`{"kind":"Pod","spec":{"containers":[{"image":1}]}}`))
	// At the List depth limit: wrapping it once more fails.
	f.Add([]byte(strings.Repeat(`{"kind":"List","items":[`, 32) + `{"kind":"Pod","spec":{"containers":[{"image":"a"}]}}` + strings.Repeat(`]}`, 32)))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := prune.DecodeWorkloads(data)
		refs2, err2 := prune.DecodeWorkloads(data)
		if diff := cmp.Diff(refs, refs2); diff != "" || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic: %v, %v\n%s", err, err2, diff)
		}
		if !json.Valid(data) && err == nil {
			t.Fatalf("invalid JSON decoded to %+v", refs)
		}
		if err != nil {
			if refs != nil {
				t.Fatalf("error %v with references %v", err, refs)
			}
			var syntax *json.SyntaxError
			if msg := err.Error(); !strings.HasPrefix(msg, "prune: ") || !strings.Contains(msg, "decoding ") {
				t.Fatalf("error %q does not say what failed to decode", err)
			}
			if !json.Valid(data) && !errors.As(err, &syntax) {
				t.Fatalf("invalid JSON gave %T %v, want a *json.SyntaxError", err, err)
			}
		}
		same := func(what string, in []byte, want []Reference) {
			t.Helper()
			got, gerr := prune.DecodeWorkloads(in)
			if err == nil && gerr != nil && (strings.HasPrefix(what, "in a List") || strings.HasPrefix(what, "twice")) {
				// Wrapping adds a level, which may pass the depth limit.
				if strings.Contains(gerr.Error(), "Lists nested more than") {
					return
				}
			}
			if (gerr == nil) != (err == nil) {
				t.Fatalf("%s: error %v, original %v\n%s", what, gerr, err, in)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: references differ (-want +got):\n%s\n%s", what, diff, in)
			}
		}
		if !json.Valid(data) {
			return
		}
		var buf bytes.Buffer
		if json.Compact(&buf, data) == nil {
			same("compacted", buf.Bytes(), refs)
		}
		buf.Reset()
		if json.Indent(&buf, data, "", "\t") == nil {
			same("indented", buf.Bytes(), refs)
		}
		same("in a List", []byte(`{"kind":"List","items":[`+string(data)+`]}`), refs)
		same("twice in a List", []byte(`{"kind":"List","items":[`+string(data)+`,`+string(data)+`]}`), append(slices.Clone(refs), refs...))
		if err != nil {
			return
		}
		strs, folded := jsonStrings(t, data)
		for _, r := range refs {
			if !slices.Contains([]string{"Pod", "ReplicationController", "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "DeploymentConfig", "Build", "BuildConfig"}, r.Owner.Kind) {
				t.Fatalf("reference of a kind oc does not read: %+v", r)
			}
			if !fieldPathRE.MatchString(r.FieldPath) || strings.HasPrefix(r.FieldPath, "spec.strategy.") != (r.Owner.Kind == "Build" || r.Owner.Kind == "BuildConfig") {
				t.Fatalf("malformed field path for a %s: %+v", r.Owner.Kind, r)
			}
			if want := podSpecPrefix(r.Owner.Kind); !strings.HasPrefix(r.FieldPath, "spec.strategy.") && !strings.HasPrefix(r.FieldPath, want+".") {
				t.Fatalf("field path of a %s not under %s: %+v", r.Owner.Kind, want, r)
			}
			if r.Kind == "" && strings.TrimSpace(r.Spec) == "" {
				t.Fatalf("blank image reference kept: %+v", r)
			}
			if (r.Kind != "") != strings.HasPrefix(r.FieldPath, "spec.strategy.") {
				t.Fatalf("a container reference with a kind or a build input without one: %+v", r)
			}
			if r.Inactive && r.Owner.Kind != "Pod" {
				t.Fatalf("inactive %s: %+v", r.Owner.Kind, r)
			}
			for _, v := range []string{r.Spec, r.Kind, r.Namespace, r.Owner.Name, r.Owner.Namespace} {
				if v != "" && !strs[v] {
					t.Fatalf("reference holds %q, not a string of the input: %+v", v, r)
				}
			}
			if !folded && !foundAt(t, data, r) {
				t.Fatalf("no object of the input holds %+v at its field path and metadata", r)
			}
		}
		if folded {
			return
		}
		var tree any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&tree) != nil {
			return
		}
		re, merr := json.Marshal(tree)
		if merr != nil {
			t.Fatalf("re-encoding: %v", merr)
		}
		same("re-encoded from maps", re, refs)
	})
}

// Reference is prune.Reference, short for the checks above.
type Reference = prune.Reference

var fieldPathRE = regexp.MustCompile(`^(spec\.strategy\.(source|docker|custom)Strategy\.from|spec(\.jobTemplate\.spec)?(\.template\.spec)?\.(initContainers|containers)\[(0|[1-9][0-9]*)\]\.image)$`)

func podSpecPrefix(kind string) string {
	switch kind {
	case "Pod":
		return "spec"
	case "CronJob":
		return "spec.jobTemplate.spec.template.spec"
	}
	return "spec.template.spec"
}

// jsonStrings returns every string (keys and values) of a valid JSON
// document, and whether some object has two keys equal under
// encoding/json's case-insensitive matching.
func jsonStrings(t *testing.T, data []byte) (map[string]bool, bool) {
	t.Helper()
	strs := map[string]bool{}
	folded := false
	// Tokens, not maps, so that the duplicate keys a map merges count.
	type frame struct {
		obj     bool
		keys    []string
		wantKey bool
	}
	var stack []*frame
	valueEnded := func() {
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				valueEnded()
				continue
			}
			top, k := stack[n-1], tok.(string)
			for _, o := range top.keys {
				if strings.EqualFold(o, k) {
					folded = true
				}
			}
			top.keys, top.wantKey, strs[k] = append(top.keys, k), false, true
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if s, ok := tok.(string); ok {
			strs[s] = true
		}
		valueEnded()
	}
	return strs, folded
}

// foundAt reports whether some object of data holds r where r says: its
// Spec at FieldPath (a build input's kind, name and namespace under
// from), its owner's name and namespace at metadata, and for a build no
// strategy before the one named. data has no keys equal but for case,
// so a case-insensitive look-up is the one encoding/json makes.
func foundAt(t *testing.T, data []byte, r Reference) bool {
	t.Helper()
	var tree any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		t.Fatalf("decoding valid JSON: %v", err)
	}
	get := func(v any, key string) any {
		m, _ := v.(map[string]any)
		for k, e := range m {
			if strings.EqualFold(k, key) {
				return e
			}
		}
		return nil
	}
	str := func(v any) string { s, _ := v.(string); return s }
	resolve := func(v any, path string) any {
		for _, seg := range strings.Split(path, ".") {
			name, idx, isIdx := strings.Cut(strings.TrimSuffix(seg, "]"), "[")
			v = get(v, name)
			if isIdx {
				i, err := strconv.Atoi(idx)
				a, _ := v.([]any)
				if err != nil || i >= len(a) {
					return nil
				}
				v = a[i]
			}
		}
		return v
	}
	match := func(o any) bool {
		if str(resolve(o, "metadata.name")) != r.Owner.Name || str(resolve(o, "metadata.namespace")) != r.Owner.Namespace {
			return false
		}
		at := resolve(o, r.FieldPath)
		if r.Kind == "" {
			return str(at) == r.Spec
		}
		if str(get(at, "kind")) != r.Kind || str(get(at, "name")) != r.Spec || str(get(at, "namespace")) != r.Namespace {
			return false
		}
		for _, st := range []string{"sourceStrategy", "dockerStrategy", "customStrategy"} {
			if strings.HasSuffix(r.FieldPath, "."+st+".from") {
				return true
			}
			if get(resolve(o, "spec.strategy"), st) != nil {
				return false // an earlier strategy wins
			}
		}
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		if match(v) {
			return true
		}
		switch v := v.(type) {
		case []any:
			return slices.ContainsFunc(v, walk)
		case map[string]any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(tree)
}

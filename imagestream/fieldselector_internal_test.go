package imagestream

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/imagestreams/imagestreams/image"
)

// FuzzFieldSelector checks parseFieldSelector's properties: a selector
// that parses selects exactly what all of its terms, parsed one by one,
// select; `metadata.name=v`, v escaped as Kubernetes' fields.EscapeValue
// does, selects the object named v and `!=` does not; anything that does
// not parse is a BadRequest.
func FuzzFieldSelector(f *testing.F) {
	for _, s := range []string{"", "metadata.name=a", "metadata.name==a:b,metadata.namespace!=ns", "spec.x=1", "metadata.name", "a=b=c", "metadata.name!=", ",,",
		"metadata.name=app,", `metadata.name=a\,b`, `metadata.name=a\=b\\`, `metadata.name=a\`, `metadata.name=a\x`, " metadata.name=a"} {
		f.Add(s, "a:b", "ns")
	}
	f.Fuzz(func(t *testing.T, text, name, ns string) {
		meta := &image.ObjectMeta{Name: name, Namespace: ns}
		sel, err := parseFieldSelector(text, metaFields)
		if err != nil {
			if Reason(err) != image.StatusReasonBadRequest {
				t.Fatalf("%q: %v, want BadRequest", text, err)
			}
			return
		}
		all := true
		for _, term := range splitFieldTerms(text) {
			one, err := parseFieldSelector(term, metaFields)
			if err != nil {
				t.Fatalf("%q parses but its term %q does not: %v", text, term, err)
			}
			all = all && one.matches(meta, nil)
		}
		if got := sel.matches(meta, nil); got != all {
			t.Fatalf("%q on %+v: %v, its terms one by one: %v", text, meta, got, all)
		}
		if !utf8.ValidString(name) {
			return // unescaping rewrites invalid UTF-8, as in Kubernetes
		}
		escaped := strings.NewReplacer(`\`, `\\`, ",", `\,`, "=", `\=`).Replace(name)
		if eq, err := parseFieldSelector("metadata.name="+escaped, metaFields); err != nil || !eq.matches(meta, nil) {
			t.Fatalf("metadata.name=%s does not select %q (%v)", escaped, name, err)
		}
		if ne, err := parseFieldSelector("metadata.name!="+escaped, metaFields); err != nil || ne.matches(meta, nil) {
			t.Fatalf("metadata.name!=%s selects %q (%v)", escaped, name, err)
		}
	})
}

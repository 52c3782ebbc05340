package imagestream

import (
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// FuzzFieldSelector checks parseFieldSelector's properties: a selector
// that parses selects exactly what all of its terms, parsed one by one,
// select; `metadata.name=v` selects the object named v and `!=` does
// not; anything that does not parse is a BadRequest.
func FuzzFieldSelector(f *testing.F) {
	for _, s := range []string{"", "metadata.name=a", "metadata.name==a:b,metadata.namespace!=ns", "spec.x=1", "metadata.name", "a=b=c", "metadata.name!=", ",,"} {
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
		if strings.TrimSpace(text) != "" {
			for term := range strings.SplitSeq(text, ",") {
				one, err := parseFieldSelector(term, metaFields)
				if err != nil {
					t.Fatalf("%q parses but its term %q does not: %v", text, term, err)
				}
				all = all && one.matches(meta, nil)
			}
		}
		if got := sel.matches(meta, nil); got != all {
			t.Fatalf("%q on %+v: %v, its terms one by one: %v", text, meta, got, all)
		}
		if strings.ContainsAny(name, ",=!") || strings.TrimSpace(name) != name {
			return
		}
		if eq, _ := parseFieldSelector("metadata.name="+name, metaFields); !eq.matches(meta, nil) {
			t.Fatalf("metadata.name=%s does not select %q", name, name)
		}
		if ne, _ := parseFieldSelector("metadata.name!="+name, metaFields); ne.matches(meta, nil) {
			t.Fatalf("metadata.name!=%s selects %q", name, name)
		}
	})
}

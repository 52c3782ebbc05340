package imagestream

import (
	"fmt"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// Field selectors (ListOptions.FieldSelector) select objects by the
// fields every kind of the API supports in Kubernetes: metadata.name and
// metadata.namespace (SEMANTICS §12.1 applies them to ImageStreamTags).
// The syntax is Kubernetes': comma-separated `field=value`,
// `field==value` or `field!=value`, all of which must hold.

// fieldRequirement is one term of a field selector.
type fieldRequirement struct {
	field, value string
	not          bool
}

// fieldSelector is a parsed field selector; empty selects everything.
type fieldSelector []fieldRequirement

// parseFieldSelector parses text. A term without an operator is a
// BadRequest with Kubernetes' message, and so is a field other than
// metadata.name and metadata.namespace.
func parseFieldSelector(text string) (fieldSelector, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var sel fieldSelector
	for term := range strings.SplitSeq(text, ",") {
		var r fieldRequirement
		var ok bool
		switch {
		case strings.Contains(term, "!="):
			r.field, r.value, _ = strings.Cut(term, "!=")
			r.not, ok = true, true
		case strings.Contains(term, "=="):
			r.field, r.value, ok = strings.Cut(term, "==")
		default:
			r.field, r.value, ok = strings.Cut(term, "=")
		}
		if !ok {
			return nil, NewBadRequest(fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", text, term))
		}
		r.field, r.value = strings.TrimSpace(r.field), strings.TrimSpace(r.value)
		if r.field != "metadata.name" && r.field != "metadata.namespace" {
			return nil, NewBadRequest("field label not supported: " + r.field)
		}
		sel = append(sel, r)
	}
	return sel, nil
}

// matches reports whether meta satisfies every requirement.
func (sel fieldSelector) matches(meta *image.ObjectMeta) bool {
	for _, r := range sel {
		got := meta.Name
		if r.field == "metadata.namespace" {
			got = meta.Namespace
		}
		if (got == r.value) == r.not {
			return false
		}
	}
	return true
}

// selectors parses both selectors of opts.
func (opts ListOptions) selectors() (Selector, fieldSelector, error) {
	labels, err := opts.selector()
	if err != nil {
		return Selector{}, nil, err
	}
	fields, err := parseFieldSelector(opts.FieldSelector)
	return labels, fields, err
}

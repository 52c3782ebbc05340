package imagestream

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// Field selectors (ListOptions.FieldSelector) select objects by fields.
// Each kind has its own set, as in OpenShift: every kind has
// metadata.name and metadata.namespace, Kubernetes' default (SEMANTICS
// §12.1 applies them to ImageStreamTags), and ImageStreams add
// spec.dockerImageRepository and status.dockerImageRepository (§1.1).
// The syntax is Kubernetes' (fields.ParseSelector): comma-separated
// `field=value`, `field==value` or `field!=value`, all of which must
// hold. Empty terms are skipped, nothing is trimmed, and a backslash
// escapes `\`, `,` and `=` in a value, where the last two may not
// appear unescaped.

// fieldRequirement is one term of a field selector.
type fieldRequirement struct {
	field, value string
	not          bool
}

// fieldSelector is a parsed field selector; empty selects everything.
type fieldSelector []fieldRequirement

// A fieldSet is the fields one kind selects by: it returns nil for a
// field the kind supports, else the error the API server reports, whose
// wording depends on the kind.
type fieldSet func(field string) error

// metaFields is the set every kind supports, with the message of
// Kubernetes' default conversion (runtime.DefaultMetaV1FieldSelectorConversion),
// which OpenShift uses for its image kinds.
func metaFields(field string) error {
	if field == "metadata.name" || field == "metadata.namespace" {
		return nil
	}
	return fmt.Errorf("%q is not a known field selector: only %q, %q", field, "metadata.name", "metadata.namespace")
}

// streamFields is an ImageStream's set (SEMANTICS §1.1: OpenShift's
// imageStreamFieldSelectorKeyConversionFunc, which hands any other field
// to the default conversion, so its message names only the metadata).
func streamFields(field string) error {
	if field == "spec.dockerImageRepository" || field == "status.dockerImageRepository" {
		return nil
	}
	return metaFields(field)
}

// parseFieldSelector parses text for a kind whose fields are supported. Errors are BadRequests with Kubernetes' messages. As there,
// the terms are sorted first, which decides the term an error names, and
// fields are checked only once every term parses: the API server parses
// the query before it converts the field labels.
func parseFieldSelector(text string, supported fieldSet) (fieldSelector, error) {
	terms := splitFieldTerms(text)
	slices.Sort(terms)
	var sel fieldSelector
	for _, term := range terms {
		if term == "" {
			continue
		}
		field, op, value, ok := splitFieldTerm(term)
		if !ok {
			return nil, NewBadRequest(fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", text, term))
		}
		v, err := unescapeFieldValue(value)
		if err != nil {
			return nil, NewBadRequest(err.Error())
		}
		sel = append(sel, fieldRequirement{field: field, value: v, not: op == "!="})
	}
	for _, r := range sel {
		if err := supported(r.field); err != nil {
			return nil, NewBadRequest(err.Error())
		}
	}
	return sel, nil
}

// splitFieldTerms splits text at the commas a backslash does not escape;
// the terms keep their backslashes.
func splitFieldTerms(text string) []string {
	if text == "" {
		return nil
	}
	var terms []string
	start, escaped := 0, false
	for i, c := range text {
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == ',':
			terms = append(terms, text[start:i])
			start = i + 1
		}
	}
	return append(terms, text[start:])
}

// splitFieldTerm splits term at its leftmost operator, "!=" and "=="
// taking precedence over "=" at one place: a field has no escapes.
func splitFieldTerm(term string) (field, op, value string, ok bool) {
	for i := range term {
		for _, op := range [...]string{"!=", "==", "="} {
			if strings.HasPrefix(term[i:], op) {
				return term[:i], op, term[i+len(op):], true
			}
		}
	}
	return "", "", "", false
}

// unescapeFieldValue undoes the escapes of a value, rune by rune as
// Kubernetes' fields.UnescapeValue does.
func unescapeFieldValue(v string) (string, error) {
	if !strings.ContainsAny(v, `\,=`) {
		return v, nil
	}
	var b strings.Builder
	escaped := false
	for _, c := range v {
		if escaped {
			if c != '\\' && c != ',' && c != '=' {
				return "", fmt.Errorf("invalid field selector: invalid escape sequence: %s", string([]rune{'\\', c}))
			}
			b.WriteRune(c)
			escaped = false
			continue
		}
		switch c {
		case '\\':
			escaped = true
		case ',', '=':
			// Kubernetes formats the rune with %v: its code, not the character.
			return "", fmt.Errorf("invalid field selector: unescaped character in value: %d", c)
		default:
			b.WriteRune(c)
		}
	}
	if escaped {
		return "", errors.New(`invalid field selector: invalid escape sequence: \`)
	}
	return b.String(), nil
}

// matches reports whether the object with metadata meta satisfies every
// requirement. other returns the value of any other field; it may be nil
// when the selector was parsed with metaFields.
func (sel fieldSelector) matches(meta *image.ObjectMeta, other func(field string) string) bool {
	for _, r := range sel {
		var got string
		switch r.field {
		case "metadata.name":
			got = meta.Name
		case "metadata.namespace":
			got = meta.Namespace
		default:
			got = other(r.field)
		}
		if (got == r.value) == r.not {
			return false
		}
	}
	return true
}

// streamField returns a field of streamFields beyond metadata as List
// hands the stream out: status.dockerImageRepository is derived
// (SEMANTICS §4.2), so the stored value, possibly from another
// configuration, is not the one a client sees and selects by.
func (s *Service) streamField(is *image.ImageStream, field string) string {
	if field == "spec.dockerImageRepository" {
		return is.Spec.DockerImageRepository
	}
	return s.strategy.dockerImageRepository(is)
}

// selectors parses both selectors of opts, the field selector for a kind
// whose fields are supported.
func (opts ListOptions) selectors(supported fieldSet) (Selector, fieldSelector, error) {
	labels, err := opts.selector()
	if err != nil {
		return Selector{}, nil, err
	}
	fields, err := parseFieldSelector(opts.FieldSelector, supported)
	return labels, fields, err
}

package imagestream

import (
	"fmt"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// Field selectors (ListOptions.FieldSelector) select objects by fields.
// Each kind has its own set, as in OpenShift: every kind has
// metadata.name and metadata.namespace, Kubernetes' default (SEMANTICS
// §12.1 applies them to ImageStreamTags), and ImageStreams add
// spec.dockerImageRepository and status.dockerImageRepository (§1.1).
// The syntax is Kubernetes': comma-separated `field=value`,
// `field==value` or `field!=value`, all of which must hold.

// fieldRequirement is one term of a field selector.
type fieldRequirement struct {
	field, value string
	not          bool
}

// fieldSelector is a parsed field selector; empty selects everything.
type fieldSelector []fieldRequirement

// metaFields reports whether field is one that every kind supports.
func metaFields(field string) bool {
	return field == "metadata.name" || field == "metadata.namespace"
}

// streamFields reports whether field is one an ImageStream supports
// (SEMANTICS §1.1: OpenShift's imageStreamFieldSelectorKeyConversionFunc).
func streamFields(field string) bool {
	return metaFields(field) || field == "spec.dockerImageRepository" || field == "status.dockerImageRepository"
}

// parseFieldSelector parses text for a kind whose fields supported
// reports. A term without an operator is a BadRequest with Kubernetes'
// message, and so is a field the kind does not support.
func parseFieldSelector(text string, supported func(field string) bool) (fieldSelector, error) {
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
		if !supported(r.field) {
			return nil, NewBadRequest("field label not supported: " + r.field)
		}
		sel = append(sel, r)
	}
	return sel, nil
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
// whose fields supported reports.
func (opts ListOptions) selectors(supported func(field string) bool) (Selector, fieldSelector, error) {
	labels, err := opts.selector()
	if err != nil {
		return Selector{}, nil, err
	}
	fields, err := parseFieldSelector(opts.FieldSelector, supported)
	return labels, fields, err
}

package image

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// This file holds the generic Kubernetes rules every kind reuses
// (SEMANTICS §3 head): ObjectMeta on create and update, and the name,
// label and annotation syntax checks of k8s.io/apimachinery, with their
// exact messages.

// Limits of Kubernetes object metadata.
const (
	dns1123LabelMaxLength     = 63
	dns1123SubdomainMaxLength = 253
	// labelValueMaxLength also bounds the name part of a qualified name.
	labelValueMaxLength = 63
	// totalAnnotationSizeLimit bounds the sum of the lengths of all
	// annotation keys and values of one object (256 KiB).
	totalAnnotationSizeLimit = 256 << 10
	fieldManagerMaxLength    = 128
	subresourceNameMaxLength = 256
)

const (
	dns1123LabelFmt        = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123LabelErrMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	dns1123SubdomainFmt    = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
	dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	qualifiedNameFmt       = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	qualifiedNameErrMsg    = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	labelValueFmt          = "(" + qualifiedNameFmt + ")?"
	labelValueErrMsg       = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	fieldImmutableErrMsg   = "field is immutable"
)

// The regexps are compiled once; they are read-only after init, so they
// are not mutable state.
var (
	dns1123LabelRegexp     = regexp.MustCompile("^" + dns1123LabelFmt + "$")
	dns1123SubdomainRegexp = regexp.MustCompile("^" + dns1123SubdomainFmt + "$")
	qualifiedNameRegexp    = regexp.MustCompile("^" + qualifiedNameFmt + "$")
	labelValueRegexp       = regexp.MustCompile("^" + labelValueFmt + "$")
)

// regexError words a syntax failure as apimachinery's RegexError does,
// including its double space before " or ".
func regexError(msg, format string, examples ...string) string {
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString(" (e.g. ")
	for i, e := range examples {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString("'" + e + "', ")
	}
	b.WriteString("regex used for validation is '" + format + "')")
	return b.String()
}

func maxLenError(n int) string { return fmt.Sprintf("must be no more than %d characters", n) }

// isDNS1123Label returns the problems of value as a DNS-1123 label, the
// rule for namespace names.
func isDNS1123Label(value string) []string {
	var errs []string
	if len(value) > dns1123LabelMaxLength {
		errs = append(errs, maxLenError(dns1123LabelMaxLength))
	}
	if !dns1123LabelRegexp.MatchString(value) {
		if dns1123SubdomainRegexp.MatchString(value) {
			// A valid subdomain that is not a label can only have dots.
			errs = append(errs, "must not contain dots")
		} else {
			errs = append(errs, regexError(dns1123LabelErrMsg, dns1123LabelFmt, "my-name", "123-abc"))
		}
	}
	return errs
}

// isDNS1123Subdomain returns the problems of value as a DNS-1123
// subdomain, the rule for label and annotation key prefixes.
func isDNS1123Subdomain(value string) []string {
	var errs []string
	if len(value) > dns1123SubdomainMaxLength {
		errs = append(errs, maxLenError(dns1123SubdomainMaxLength))
	}
	if !dns1123SubdomainRegexp.MatchString(value) {
		errs = append(errs, regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, "example.com"))
	}
	return errs
}

// isQualifiedName returns the problems of value as a qualified name
// ("[prefix/]name"), the rule for label and annotation keys and
// finalizers.
func isQualifiedName(value string) []string {
	var errs []string
	parts := strings.Split(value, "/")
	var name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		var prefix string
		prefix, name = parts[0], parts[1]
		if prefix == "" {
			errs = append(errs, "prefix part must be non-empty")
		} else {
			for _, msg := range isDNS1123Subdomain(prefix) {
				errs = append(errs, "prefix part "+msg)
			}
		}
	default:
		return []string{"a qualified name " + regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc") +
			" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}
	}
	if name == "" {
		errs = append(errs, "name part must be non-empty")
	} else if len(name) > labelValueMaxLength {
		errs = append(errs, "name part "+maxLenError(labelValueMaxLength))
	}
	if !qualifiedNameRegexp.MatchString(name) {
		errs = append(errs, "name part "+regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc"))
	}
	return errs
}

// isValidLabelValue returns the problems of a label value.
func isValidLabelValue(value string) []string {
	var errs []string
	if len(value) > labelValueMaxLength {
		errs = append(errs, maxLenError(labelValueMaxLength))
	}
	if !labelValueRegexp.MatchString(value) {
		errs = append(errs, regexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345"))
	}
	return errs
}

// validatePathSegmentName is Kubernetes' path.ValidatePathSegmentName:
// names that are URL path segments may not be "." or "..", and may contain
// neither "/" nor "%" (both can be reported). A prefix (generateName) is
// only checked for the characters.
func validatePathSegmentName(name string, prefix bool) []string {
	if !prefix && (name == "." || name == "..") {
		return []string{"may not be '" + name + "'"}
	}
	var errs []string
	if strings.Contains(name, "/") {
		errs = append(errs, "may not contain '/'")
	}
	if strings.Contains(name, "%") {
		errs = append(errs, "may not contain '%'")
	}
	return errs
}

// nameFunc validates metadata.name (or generateName when prefix is true)
// and returns one message per problem.
type nameFunc func(name string, prefix bool) []string

// validateObjectMeta applies Kubernetes' ValidateObjectMeta (SEMANTICS §3
// head). requiresNamespace distinguishes namespaced kinds from
// cluster-scoped ones.
func validateObjectMeta(meta *ObjectMeta, requiresNamespace bool, nameFn nameFunc, p Path) ErrorList {
	var errs ErrorList
	if meta.GenerateName != "" {
		for _, msg := range nameFn(meta.GenerateName, true) {
			errs = append(errs, p.Child("generateName").Invalid(meta.GenerateName, msg))
		}
	}
	if meta.Name == "" {
		errs = append(errs, p.Child("name").Required("name or generateName is required"))
	} else {
		for _, msg := range nameFn(meta.Name, false) {
			errs = append(errs, p.Child("name").Invalid(meta.Name, msg))
		}
	}
	switch {
	case requiresNamespace && meta.Namespace == "":
		errs = append(errs, p.Child("namespace").Required(""))
	case requiresNamespace:
		for _, msg := range isDNS1123Label(meta.Namespace) {
			errs = append(errs, p.Child("namespace").Invalid(meta.Namespace, msg))
		}
	case meta.Namespace != "":
		errs = append(errs, p.Child("namespace").Forbidden("not allowed on this type"))
	}
	if meta.Generation < 0 {
		errs = append(errs, p.Child("generation").Invalid(meta.Generation, "must be greater than or equal to 0"))
	}
	errs = append(errs, validateMetaContent(meta, p)...)
	errs = append(errs, validateFinalizers(meta.Finalizers, p.Child("finalizers"))...)
	return errs
}

// validateMetaContent holds the checks that create and update share:
// labels, annotations, owner references and managed fields.
func validateMetaContent(meta *ObjectMeta, p Path) ErrorList {
	var errs ErrorList
	if len(meta.Labels) > 0 {
		errs = append(errs, validateLabels(meta.Labels, p.Child("labels"))...)
	}
	if len(meta.Annotations) > 0 {
		errs = append(errs, validateAnnotations(meta.Annotations, p.Child("annotations"))...)
	}
	if len(meta.OwnerReferences) > 0 {
		errs = append(errs, validateOwnerReferences(meta.OwnerReferences, p.Child("ownerReferences"))...)
	}
	if len(meta.ManagedFields) > 0 {
		errs = append(errs, validateManagedFields(meta.ManagedFields, p.Child("managedFields"))...)
	}
	return errs
}

// sortedMapKeys returns m's keys in ascending order, so that errors from a
// map come out in a stable order.
func sortedMapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// validateLabels checks every key as a qualified name and every value as a
// label value; all errors are reported at the labels path itself, as in
// Kubernetes. Keys are visited in sorted order.
func validateLabels(labels map[string]string, p Path) ErrorList {
	var errs ErrorList
	for _, k := range sortedMapKeys(labels) {
		for _, msg := range isQualifiedName(k) {
			errs = append(errs, p.Invalid(k, msg))
		}
		v := labels[k]
		for _, msg := range isValidLabelValue(v) {
			errs = append(errs, p.Invalid(v, msg))
		}
	}
	return errs
}

// validateAnnotations checks every key as a case-insensitive qualified
// name and the total size of keys and values.
func validateAnnotations(annotations map[string]string, p Path) ErrorList {
	var errs ErrorList
	total := 0
	for _, k := range sortedMapKeys(annotations) {
		for _, msg := range isQualifiedName(strings.ToLower(k)) {
			errs = append(errs, p.Invalid(k, msg))
		}
		total += len(k) + len(annotations[k])
	}
	if total > totalAnnotationSizeLimit {
		errs = append(errs, p.TooLong(totalAnnotationSizeLimit))
	}
	return errs
}

// validateOwnerReferences applies apimachinery's owner reference rules.
// Like Kubernetes, the path has no index.
func validateOwnerReferences(refs []OwnerReference, p Path) ErrorList {
	var errs ErrorList
	firstController := ""
	for _, ref := range refs {
		group, version := splitAPIVersion(ref.APIVersion)
		if version == "" {
			errs = append(errs, p.Child("apiVersion").Invalid(ref.APIVersion, "version must not be empty"))
		}
		if ref.Kind == "" {
			errs = append(errs, p.Child("kind").Invalid(ref.Kind, "must not be empty"))
		}
		if ref.Name == "" {
			errs = append(errs, p.Child("name").Invalid(ref.Name, "must not be empty"))
		}
		if ref.UID == "" {
			errs = append(errs, p.Child("uid").Invalid(string(ref.UID), "must not be empty"))
		}
		if group == "" && version == "v1" && ref.Kind == "Event" {
			errs = append(errs, p.Invalid(ref, "/v1, Kind=Event is disallowed from being an owner"))
		}
		if ref.Controller != nil && *ref.Controller {
			name := ref.Kind + "/" + ref.Name
			if firstController != "" {
				errs = append(errs, p.Invalid(refs, fmt.Sprintf(
					"Only one reference can have Controller set to true. Found \"true\" in references for %v and %v", firstController, name)))
			} else {
				firstController = name
			}
		}
	}
	return errs
}

// splitAPIVersion parses "group/version" or "version"; anything with more
// slashes has no version, as schema.ParseGroupVersion fails on it.
func splitAPIVersion(apiVersion string) (group, version string) {
	switch strings.Count(apiVersion, "/") {
	case 0:
		return "", apiVersion
	case 1:
		group, version, _ = strings.Cut(apiVersion, "/")
		return group, version
	}
	return "", ""
}

// validateFinalizers checks each finalizer as a qualified name and rejects
// "orphan" together with "foregroundDeletion".
func validateFinalizers(finalizers []string, p Path) ErrorList {
	var errs ErrorList
	orphan, foreground := false, false
	for _, f := range finalizers {
		for _, msg := range isQualifiedName(f) {
			errs = append(errs, p.Invalid(f, msg))
		}
		orphan = orphan || f == "orphan"
		foreground = foreground || f == "foregroundDeletion"
	}
	if orphan && foreground {
		errs = append(errs, p.Invalid(finalizers, "finalizer orphan and foregroundDeletion cannot be both set"))
	}
	return errs
}

// validateManagedFields applies apimachinery's managed-fields rules.
func validateManagedFields(entries []ManagedFieldsEntry, p Path) ErrorList {
	var errs ErrorList
	for i, e := range entries {
		ip := p.Index(i)
		if e.Operation != "Apply" && e.Operation != "Update" {
			errs = append(errs, ip.Child("operation").Invalid(e.Operation, "must be `Apply` or `Update`"))
		}
		if e.FieldsType != "" && e.FieldsType != "FieldsV1" {
			errs = append(errs, ip.Child("fieldsType").Invalid(e.FieldsType, "must be `FieldsV1`"))
		}
		if len(e.Manager) > fieldManagerMaxLength {
			errs = append(errs, ip.Child("manager").TooLong(fieldManagerMaxLength))
		}
		for pos, r := range e.Manager {
			if !unicode.IsPrint(r) {
				errs = append(errs, ip.Child("manager").Invalid(e.Manager, fmt.Sprintf("invalid character %#U (at position %d)", r, pos)))
			}
		}
		if len(e.Subresource) > subresourceNameMaxLength {
			errs = append(errs, ip.Child("subresource").TooLong(subresourceNameMaxLength))
		}
	}
	return errs
}

// validateObjectMetaUpdate applies the update-only rules of Kubernetes'
// ValidateObjectMetaUpdate (SEMANTICS §3 head): a resourceVersion must be
// given, generation may not decrease, and name, namespace, uid,
// creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds are
// immutable; no finalizer may be added while the object is being deleted.
//
// Kubernetes also re-checks labels, annotations, owner references and
// managed fields here; validateObjectMetaUpdateFull adds those for update
// validators that do not run the create checks as well, so that no
// problem is reported twice.
func validateObjectMetaUpdate(newMeta, oldMeta *ObjectMeta, p Path) ErrorList {
	var errs ErrorList
	if oldMeta.DeletionTimestamp != nil {
		var added []string
		for _, f := range newMeta.Finalizers {
			if !slices.Contains(oldMeta.Finalizers, f) && !slices.Contains(added, f) {
				added = append(added, f)
			}
		}
		if len(added) > 0 {
			slices.Sort(added)
			errs = append(errs, p.Child("finalizers").Forbidden(fmt.Sprintf(
				"no new finalizers can be added if the object is being deleted, found new finalizers %#v", added)))
		}
	}
	// Kubernetes reports a missing resourceVersion as Invalid, not
	// Required.
	if newMeta.ResourceVersion == "" {
		errs = append(errs, p.Child("resourceVersion").Invalid(newMeta.ResourceVersion, "must be specified for an update"))
	}
	if newMeta.Generation < oldMeta.Generation {
		errs = append(errs, p.Child("generation").Invalid(newMeta.Generation, "must not be decremented"))
	}
	if newMeta.Name != oldMeta.Name {
		errs = append(errs, p.Child("name").Invalid(newMeta.Name, fieldImmutableErrMsg))
	}
	if newMeta.Namespace != oldMeta.Namespace {
		errs = append(errs, p.Child("namespace").Invalid(newMeta.Namespace, fieldImmutableErrMsg))
	}
	if newMeta.UID != oldMeta.UID {
		errs = append(errs, p.Child("uid").Invalid(string(newMeta.UID), fieldImmutableErrMsg))
	}
	if !newMeta.CreationTimestamp.Equal(oldMeta.CreationTimestamp) {
		errs = append(errs, p.Child("creationTimestamp").Invalid(newMeta.CreationTimestamp, fieldImmutableErrMsg))
	}
	if !optTimeEqual(newMeta.DeletionTimestamp, oldMeta.DeletionTimestamp) {
		errs = append(errs, p.Child("deletionTimestamp").Invalid(newMeta.DeletionTimestamp, fieldImmutableErrMsg))
	}
	if !optInt64Equal(newMeta.DeletionGracePeriodSeconds, oldMeta.DeletionGracePeriodSeconds) {
		errs = append(errs, p.Child("deletionGracePeriodSeconds").Invalid(newMeta.DeletionGracePeriodSeconds, fieldImmutableErrMsg))
	}
	return errs
}

// validateObjectMetaUpdateFull is Kubernetes' complete
// ValidateObjectMetaUpdate, for update validators that do not also run the
// create-time ObjectMeta checks.
func validateObjectMetaUpdateFull(newMeta, oldMeta *ObjectMeta, p Path) ErrorList {
	return append(validateObjectMetaUpdate(newMeta, oldMeta, p), validateMetaContent(newMeta, p)...)
}

func optTimeEqual(a, b *Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func optInt64Equal(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

package imagestream

import (
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// OpenShift keeps spec and status tags in maps and writes them sorted by
// name (SEMANTICS §2.3). This package keeps the wire's lists sorted the
// same way, so a lookup is a binary search and an update touches one
// entry, whatever the number of other tags.

// Normalize puts a stream's tag lists in the form OpenShift stores: when a
// list names a tag more than once the last entry wins, and both lists are
// sorted by tag name (SEMANTICS §2.3). Every function of this package that
// looks tags up expects a normalized stream.
func Normalize(is *image.ImageStream) {
	is.Spec.Tags = dedupeSorted(is.Spec.Tags, func(t image.TagReference) string { return t.Name })
	is.Status.Tags = dedupeSorted(is.Status.Tags, func(t image.NamedTagEventList) string { return t.Tag })
}

func dedupeSorted[T any](list []T, key func(T) string) []T {
	if slices.IsSortedFunc(list, func(a, b T) int { return cmpStrictly(key(a), key(b)) }) {
		return list
	}
	// Stable sort keeps the input order among equal names; the last of
	// each run is the one OpenShift's map conversion keeps.
	slices.SortStableFunc(list, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	out := list[:0]
	for i, t := range list {
		if i+1 < len(list) && key(list[i+1]) == key(t) {
			continue
		}
		out = append(out, t)
	}
	return slices.Clip(out)
}

// cmpStrictly orders strings and treats equal ones as out of order, so
// that IsSortedFunc also rejects duplicates.
func cmpStrictly(a, b string) int {
	if a == b {
		return 1
	}
	return strings.Compare(a, b)
}

func specIndex(is *image.ImageStream, tag string) (int, bool) {
	return slices.BinarySearchFunc(is.Spec.Tags, tag, func(t image.TagReference, name string) int { return strings.Compare(t.Name, name) })
}

func statusIndex(is *image.ImageStream, tag string) (int, bool) {
	return slices.BinarySearchFunc(is.Status.Tags, tag, func(t image.NamedTagEventList, name string) int { return strings.Compare(t.Tag, name) })
}

// SpecTag returns the spec tag named tag, or nil. The pointer stays valid
// until the spec tag list is next changed. Like every lookup here, it
// expects a normalized stream (see [Normalize]).
func SpecTag(is *image.ImageStream, tag string) *image.TagReference {
	if i, ok := specIndex(is, tag); ok {
		return &is.Spec.Tags[i]
	}
	return nil
}

// StatusTag returns the history of tag, or nil. The pointer stays valid
// until the status tag list is next changed. It expects a normalized
// stream (see [Normalize]).
func StatusTag(is *image.ImageStream, tag string) *image.NamedTagEventList {
	if i, ok := statusIndex(is, tag); ok {
		return &is.Status.Tags[i]
	}
	return nil
}

// SetSpecTag adds ref as a spec tag, replacing one of the same name, and
// keeps a normalized stream normalized.
func SetSpecTag(is *image.ImageStream, ref image.TagReference) {
	i, ok := specIndex(is, ref.Name)
	if ok {
		is.Spec.Tags[i] = ref
		return
	}
	is.Spec.Tags = slices.Insert(is.Spec.Tags, i, ref)
}

// RemoveSpecTag deletes the spec tag named tag and reports whether it
// existed.
func RemoveSpecTag(is *image.ImageStream, tag string) bool {
	i, ok := specIndex(is, tag)
	if ok {
		is.Spec.Tags = slices.Delete(is.Spec.Tags, i, i+1)
	}
	return ok
}

// ensureStatusTag returns the status entry for tag, creating an empty one.
func ensureStatusTag(is *image.ImageStream, tag string) *image.NamedTagEventList {
	i, ok := statusIndex(is, tag)
	if !ok {
		is.Status.Tags = slices.Insert(is.Status.Tags, i, image.NamedTagEventList{Tag: tag})
	}
	return &is.Status.Tags[i]
}

// RemoveStatusTag deletes the history of tag and reports whether it
// existed.
func RemoveStatusTag(is *image.ImageStream, tag string) bool {
	i, ok := statusIndex(is, tag)
	if ok {
		is.Status.Tags = slices.Delete(is.Status.Tags, i, i+1)
	}
	return ok
}

package image

import (
	"strconv"

	"github.com/imagestreams/imagestreams/reference"
)

// ValidateImageStream validates an ImageStream on create
// (SEMANTICS §3.5). It is ValidateImageStreamWithOptions with no registry
// allow-list.
func ValidateImageStream(is *ImageStream) error {
	return ValidateImageStreamWithOptions(is, ValidationOptions{})
}

// ValidateImageStreamWithOptions validates an ImageStream on create
// (SEMANTICS §3.5): its metadata (the name as by ValidateImageStreamName),
// the length of "namespace/name", spec.dockerImageRepository, every
// effective spec tag at "spec.tags[<name>]" and every item of every
// effective status tag at "status.tags[<tag>].items[<i>]". Errors come in
// list order; of spec or status tags sharing a name only the last one is
// validated (SEMANTICS §2.3).
func ValidateImageStreamWithOptions(is *ImageStream, opts ValidationOptions) error {
	if is == nil {
		return nilObjectError("ImageStream")
	}
	return validateImageStream(is, opts.AllowRegistry).toError("ImageStream", is.Name)
}

// ValidateImageStreamUpdate validates an update of an ImageStream: the
// ObjectMeta update rules plus every create rule on the new stream
// (SEMANTICS §3.5).
func ValidateImageStreamUpdate(newIS, oldIS *ImageStream) error {
	return ValidateImageStreamUpdateWithOptions(newIS, oldIS, ValidationOptions{})
}

// ValidateImageStreamUpdateWithOptions is ValidateImageStreamUpdate with
// options. Repositories that the old stream already references (in its
// spec.dockerImageRepository, DockerImage spec tags or status items) pass
// the AllowRegistry hook unasked, so that a tightened allow-list does not
// stop users from keeping or deleting what they have (SEMANTICS §3.5).
func ValidateImageStreamUpdateWithOptions(newIS, oldIS *ImageStream, opts ValidationOptions) error {
	if err := nilUpdateError("ImageStream", newIS, oldIS); err != nil {
		return err
	}
	errs := validateObjectMetaUpdate(&newIS.ObjectMeta, &oldIS.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateImageStream(newIS, allowKnownRepositories(opts.AllowRegistry, oldIS))...)
	return errs.toError("ImageStream", newIS.Name)
}

// ValidateImageStreamStatusUpdate validates an update through the status
// subresource (SEMANTICS §3.5): the ObjectMeta update rules, and every
// status pull spec that the old status does not already hold must parse.
func ValidateImageStreamStatusUpdate(newIS, oldIS *ImageStream) error {
	return ValidateImageStreamStatusUpdateWithOptions(newIS, oldIS, ValidationOptions{})
}

// ValidateImageStreamStatusUpdateWithOptions is
// ValidateImageStreamStatusUpdate with options: the new status pull specs
// must also pass the AllowRegistry hook. An empty pull spec fails to parse
// like any other new one.
func ValidateImageStreamStatusUpdateWithOptions(newIS, oldIS *ImageStream, opts ValidationOptions) error {
	if err := nilUpdateError("ImageStream", newIS, oldIS); err != nil {
		return err
	}
	errs := validateObjectMetaUpdateFull(&newIS.ObjectMeta, &oldIS.ObjectMeta, NewPath("metadata"))
	old := make(map[string]struct{})
	forEachStatusItem(oldIS, func(_ *NamedTagEventList, _ int, ev *TagEvent) {
		old[ev.DockerImageReference] = struct{}{}
	})
	allow := opts.AllowRegistry
	insecure := isRepositoryInsecure(newIS)
	forEachStatusItem(newIS, func(tag *NamedTagEventList, i int, ev *TagEvent) {
		if _, ok := old[ev.DockerImageReference]; ok {
			return
		}
		errs = appendPullSpecErrors(errs, ev.DockerImageReference, func() Path { return statusItemPath(tag.Tag, i) }, allow, insecure)
	})
	return errs.toError("ImageStream", newIS.Name)
}

func validateImageStream(is *ImageStream, allow allowFunc) ErrorList {
	meta := NewPath("metadata")
	errs := validateObjectMeta(&is.ObjectMeta, true, ValidateImageStreamName, meta)
	if len(is.Namespace)+1+len(is.Name) > NameTotalLengthMax {
		errs = append(errs, meta.Child("name").Invalid(is.Name, "'namespace/name' cannot be longer than 255 characters"))
	}
	insecureRepo := isRepositoryInsecure(is)

	if repo := is.Spec.DockerImageRepository; repo != "" {
		p := NewPath("spec", "dockerImageRepository")
		ref, err := reference.Parse(repo)
		if err != nil {
			errs = append(errs, p.Invalid(repo, err.Error()))
		} else {
			if ref.Tag != "" {
				errs = append(errs, p.Invalid(repo, "the repository name may not contain a tag"))
			}
			if ref.ID != "" {
				errs = append(errs, p.Invalid(repo, "the repository name may not contain an ID"))
			}
			// Only a valid repository is put to the allow-list (§3.5).
			if allow != nil && ref.Tag == "" && ref.ID == "" {
				if err := allow(ref, insecureRepo); err != nil {
					errs = append(errs, p.Forbidden(err.Error()))
				}
			}
		}
	}

	tags := is.Spec.Tags
	shadowed := shadowedEntries(len(tags), func(i int) string { return tags[i].Name })
	specTags := NewPath("spec", "tags")
	for i := range tags {
		if shadowed != nil && shadowed[i] {
			continue
		}
		errs = appendTagReferenceErrors(errs, &tags[i], tagPath{base: specTags, key: tags[i].Name, keyed: true}, allow, insecureRepo)
	}

	forEachStatusItem(is, func(tag *NamedTagEventList, i int, ev *TagEvent) {
		if ev.DockerImageReference == "" {
			errs = append(errs, statusItemPath(tag.Tag, i).Required(""))
			return
		}
		errs = appendPullSpecErrors(errs, ev.DockerImageReference, func() Path { return statusItemPath(tag.Tag, i) }, allow, insecureRepo)
	})
	return errs
}

// appendPullSpecErrors reports an unparsable spec as Invalid and a
// refused one as Forbidden, at the path p builds (only when needed).
func appendPullSpecErrors(errs ErrorList, spec string, p func() Path, allow allowFunc, insecure bool) ErrorList {
	if allow == nil {
		if err := parseError(spec); err != nil {
			errs = append(errs, p().Invalid(spec, err.Error()))
		}
		return errs
	}
	ref, err := reference.Parse(spec)
	if err != nil {
		return append(errs, p().Invalid(spec, err.Error()))
	}
	if err := allow(ref, insecure); err != nil {
		errs = append(errs, p().Forbidden(err.Error()))
	}
	return errs
}

// statusItemPath is "status.tags[<tag>].items[<i>].dockerImageReference".
func statusItemPath(tag string, i int) Path {
	return Path{"status.tags[" + tag + "].items[" + strconv.Itoa(i) + "].dockerImageReference"}
}

// forEachStatusItem calls fn for every item of every effective status tag
// of is, in list order.
func forEachStatusItem(is *ImageStream, fn func(tag *NamedTagEventList, i int, ev *TagEvent)) {
	tags := is.Status.Tags
	shadowed := shadowedEntries(len(tags), func(i int) string { return tags[i].Tag })
	for t := range tags {
		if shadowed != nil && shadowed[t] {
			continue
		}
		for i := range tags[t].Items {
			fn(&tags[t], i, &tags[t].Items[i])
		}
	}
}

// shadowedEntries marks the entries of a list of n named items that a
// later entry of the same name replaces (SEMANTICS §2.3: the last one
// wins). It returns nil when no name repeats, which is certain without a
// map when the names are strictly ascending, as they are in everything
// OpenShift writes.
func shadowedEntries(n int, name func(int) string) []bool {
	sorted := true
	for i := 1; i < n; i++ {
		if name(i-1) >= name(i) {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	last := make(map[string]int, n)
	for i := range n {
		last[name(i)] = i
	}
	if len(last) == n {
		return nil
	}
	shadowed := make([]bool, n)
	for i := range n {
		shadowed[i] = last[name(i)] != i
	}
	return shadowed
}

// isRepositoryInsecure reports whether the stream allows insecure
// registries for all its tags.
func isRepositoryInsecure(is *ImageStream) bool {
	return is.Annotations[InsecureRepositoryAnnotation] == "true"
}

// allowKnownRepositories wraps allow so that the repositories referenced
// by old pass without asking it, compared in their canonical form
// (DockerClientDefaults().AsRepository().Exact(), SEMANTICS §3.11).
func allowKnownRepositories(allow allowFunc, old *ImageStream) allowFunc {
	if allow == nil {
		return nil
	}
	known := make(map[string]struct{})
	add := func(spec string) {
		if ref, err := reference.Parse(spec); err == nil {
			known[canonicalRepository(ref)] = struct{}{}
		}
	}
	if old.Spec.DockerImageRepository != "" {
		add(old.Spec.DockerImageRepository)
	}
	for i := range old.Spec.Tags {
		if from := old.Spec.Tags[i].From; from != nil && from.Kind == KindDockerImage {
			add(from.Name)
		}
	}
	forEachStatusItem(old, func(_ *NamedTagEventList, _ int, ev *TagEvent) { add(ev.DockerImageReference) })
	return func(ref reference.DockerImageReference, insecure bool) error {
		if _, ok := known[canonicalRepository(ref)]; ok {
			return nil
		}
		return allow(ref, insecure)
	}
}

func canonicalRepository(ref reference.DockerImageReference) string {
	return ref.DockerClientDefaults().AsRepository().Exact()
}

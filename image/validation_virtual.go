package image

import (
	"fmt"
	"maps"
	"net"
	"slices"

	"github.com/imagestreams/imagestreams/reference"
)

// ValidateImageStreamTag validates an ImageStreamTag on create
// (SEMANTICS §3.7). Its name is only checked as a path segment, so the
// ":" is allowed; the tag, when set, is checked as a spec tag at "tag", and
// its annotations must be nil or equal to metadata.annotations.
func ValidateImageStreamTag(ist *ImageStreamTag) error {
	if ist == nil {
		return nilObjectError("ImageStreamTag")
	}
	errs := validateObjectMeta(&ist.ObjectMeta, true, validatePathSegmentName, NewPath("metadata"))
	errs = appendISTagTagErrors(errs, ist)
	return errs.toError("ImageStreamTag", ist.Name)
}

// ValidateImageStreamTagUpdate validates an update of an ImageStreamTag
// (SEMANTICS §3.7): ObjectMeta update rules, the tag checks of create, and
// nothing may differ from the old object but metadata.annotations, tag,
// lookupPolicy and generation. TypeMeta is not compared (Kubernetes
// clears it on decode).
func ValidateImageStreamTagUpdate(newIST, oldIST *ImageStreamTag) error {
	if err := nilUpdateError("ImageStreamTag", newIST, oldIST); err != nil {
		return err
	}
	errs := validateObjectMetaUpdateFull(&newIST.ObjectMeta, &oldIST.ObjectMeta, NewPath("metadata"))
	errs = appendISTagTagErrors(errs, newIST)

	n, o := *newIST, *oldIST
	n.TypeMeta, o.TypeMeta = TypeMeta{}, TypeMeta{}
	n.Annotations, o.Annotations = nil, nil
	n.Tag, o.Tag = nil, nil
	n.LookupPolicy = o.LookupPolicy
	n.Generation = o.Generation
	if !semanticEqual(&n, &o) {
		errs = append(errs, NewPath("metadata").Invalid("", "may not update fields other than metadata.annotations"))
	}
	return errs.toError("ImageStreamTag", newIST.Name)
}

func appendISTagTagErrors(errs ErrorList, ist *ImageStreamTag) ErrorList {
	if ist.Tag == nil {
		return errs
	}
	errs = appendTagReferenceErrors(errs, ist.Tag, tagPath{base: NewPath("tag")}, nil, false)
	if ist.Tag.Annotations != nil && !semanticEqual(ist.Tag.Annotations, ist.Annotations) {
		errs = append(errs, NewPath("tag", "annotations").Invalid("<map>",
			"tag annotations must not be provided or must be equal to the object meta annotations"))
	}
	return errs
}

// ValidateImageTag validates an ImageTag on create (SEMANTICS §3.8): the
// spec is required, its name must be the tag part of the object's
// "<stream>:<tag>" name, and it is checked as a spec tag at "spec".
func ValidateImageTag(it *ImageTag) error {
	if it == nil {
		return nilObjectError("ImageTag")
	}
	errs := validateObjectMeta(&it.ObjectMeta, true, validatePathSegmentName, NewPath("metadata"))
	if it.Spec == nil {
		errs = append(errs, NewPath("spec").Required("spec is a required field during creation"))
	} else {
		errs = appendImageTagSpecErrors(errs, it)
	}
	return errs.toError("ImageTag", it.Name)
}

// ValidateImageTagUpdate validates an update of an ImageTag
// (SEMANTICS §3.8): ObjectMeta update rules, the spec checks when a spec
// is given (a nil spec deletes the spec tag), and metadata and status
// exactly as before — an ImageTag update may change only its spec.
func ValidateImageTagUpdate(newIT, oldIT *ImageTag) error {
	if err := nilUpdateError("ImageTag", newIT, oldIT); err != nil {
		return err
	}
	errs := validateObjectMetaUpdateFull(&newIT.ObjectMeta, &oldIT.ObjectMeta, NewPath("metadata"))
	if newIT.Spec != nil {
		errs = appendImageTagSpecErrors(errs, newIT)
	}
	if !semanticEqual(newIT.ObjectMeta, oldIT.ObjectMeta) {
		errs = append(errs, NewPath("metadata").Invalid("", "may not update fields other than spec"))
	}
	if !semanticEqual(newIT.Status, oldIT.Status) {
		errs = append(errs, NewPath("status").Invalid("", "may not update fields other than spec"))
	}
	return errs.toError("ImageTag", newIT.Name)
}

func appendImageTagSpecErrors(errs ErrorList, it *ImageTag) ErrorList {
	if _, tag, ok := SplitImageStreamTag(it.Name); !ok || it.Spec.Name != tag {
		errs = append(errs, NewPath("spec", "name").Invalid(it.Spec.Name, "must match image tag name"))
	}
	return appendTagReferenceErrors(errs, it.Spec, tagPath{base: NewPath("spec")}, nil, false)
}

// ValidateImageStreamImport validates an ImageStreamImport
// (SEMANTICS §3.9). It is ValidateImageStreamImportWithOptions with no
// registry allow-list.
func ValidateImageStreamImport(isi *ImageStreamImport) error {
	return ValidateImageStreamImportWithOptions(isi, ValidationOptions{})
}

// ValidateImageStreamImportWithOptions validates an ImageStreamImport
// (SEMANTICS §3.9): every spec.images[i] and spec.repository, then — last,
// as in OpenShift — the metadata, with the name checked by
// ValidateImageStreamName. There is no limit on the number of images.
//
// With an AllowRegistry hook, every DockerImage "from" that parses is also
// asked about (insecure = its importPolicy.insecure) and a refusal is a
// Forbidden error "importing images from registry "<host:port>" is
// forbidden: <err>", appended after all other errors. OpenShift runs this
// check only for users who may create neither images nor
// imagestreammappings (SEMANTICS §8.1); that decision is the caller's:
// pass the hook only when it applies.
func ValidateImageStreamImportWithOptions(isi *ImageStreamImport, opts ValidationOptions) error {
	if isi == nil {
		return nilObjectError("ImageStreamImport")
	}
	spec := NewPath("spec")
	imagesPath := spec.Child("images")
	repoPath := spec.Child("repository")
	var errs ErrorList
	for i := range isi.Spec.Images {
		img := &isi.Spec.Images[i]
		ip := imagesPath.Index(i)
		if img.From.Kind != KindDockerImage {
			errs = append(errs, ip.Child("from", "kind").Invalid(img.From.Kind, "only DockerImage is supported"))
		} else {
			if img.To != nil && img.To.Name == "" {
				errs = append(errs, ip.Child("to", "name").Invalid(img.To.Name, "the name of the target tag must be specified"))
			}
			switch img.From.Name {
			case "":
				errs = append(errs, ip.Child("from", "name").Required(""))
			case "*":
				// A legacy spelling the importer accepts; it is not parsed.
			default:
				if err := parseError(img.From.Name); err != nil {
					errs = append(errs, ip.Child("from", "name").Invalid(img.From.Name, err.Error()))
				}
			}
		}
		errs = append(errs, ValidateImportPolicy(img.ImportPolicy, ip.Child("importPolicy"))...)
	}
	if repo := isi.Spec.Repository; repo != nil {
		if repo.From.Kind != KindDockerImage {
			errs = append(errs, repoPath.Child("from", "kind").Invalid(repo.From.Kind, "only DockerImage is supported"))
		} else if repo.From.Name == "" {
			errs = append(errs, repoPath.Child("from", "name").Required("container image references require a name"))
		} else if ref, err := reference.Parse(repo.From.Name); err != nil {
			errs = append(errs, repoPath.Child("from", "name").Invalid(repo.From.Name, err.Error()))
		} else if ref.Tag != "" || ref.ID != "" {
			errs = append(errs, repoPath.Child("from", "name").Invalid(repo.From.Name, "you must specify an image repository, not a tag or ID"))
		}
		errs = append(errs, ValidateImportPolicy(repo.ImportPolicy, repoPath.Child("importPolicy"))...)
	}
	if len(isi.Spec.Images) == 0 && isi.Spec.Repository == nil {
		errs = append(errs, imagesPath.Invalid(nil, "you must specify at least one image or a repository import"))
	}
	errs = append(errs, validateObjectMeta(&isi.ObjectMeta, true, ValidateImageStreamName, NewPath("metadata"))...)

	if allow := opts.AllowRegistry; allow != nil {
		for i := range isi.Spec.Images {
			img := &isi.Spec.Images[i]
			errs = appendImportAllowErrors(errs, allow, img.From, img.ImportPolicy.Insecure, imagesPath.Index(i).Child("from", "name"))
		}
		if repo := isi.Spec.Repository; repo != nil {
			errs = appendImportAllowErrors(errs, allow, repo.From, repo.ImportPolicy.Insecure, repoPath.Child("from", "name"))
		}
	}
	return errs.toError("ImageStreamImport", isi.Name)
}

// appendImportAllowErrors applies the registry allow-list to one import
// source (SEMANTICS §3.9). Sources that are not DockerImage pull specs
// that parse were already reported above, or are the legacy "*".
func appendImportAllowErrors(errs ErrorList, allow allowFunc, from ObjectReference, insecure bool, p Path) ErrorList {
	if from.Kind != KindDockerImage || from.Name == "*" {
		return errs
	}
	ref, err := reference.Parse(from.Name)
	if err != nil {
		return errs
	}
	if err := allow(ref, insecure); err != nil {
		host, port := ref.RegistryHostPort(insecure)
		errs = append(errs, p.Forbidden(fmt.Sprintf("importing images from registry %q is forbidden: %v", net.JoinHostPort(host, port), err)))
	}
	return errs
}

// ValidateImageStreamLayers validates an ImageStreamLayers, which OpenShift
// checks on its own output (SEMANTICS §3.10). Images are visited in sorted
// name order and reported at "images[<name>]". An image marked missing
// with manifests is reported at "images[<name>].manifest", singular: an
// OpenShift QUIRK kept so that paths match (SEMANTICS §14.9).
func ValidateImageStreamLayers(isl *ImageStreamLayers) error {
	if isl == nil {
		return nilObjectError("ImageStreamLayers")
	}
	var errs ErrorList
	images := NewPath("images")
	for _, name := range slices.Sorted(maps.Keys(isl.Images)) {
		ref := isl.Images[name]
		p := images.Key(name)
		switch {
		case ref.ImageMissing:
			if len(ref.Layers) > 0 {
				errs = append(errs, p.Child("layers").Invalid(ref.Layers, "layers must be empty if image is missing"))
			}
			if ref.Config != nil {
				errs = append(errs, p.Child("config").Invalid(ref.Config, "config must be null if image is missing"))
			}
			if len(ref.Manifests) > 0 {
				errs = append(errs, p.Child("manifest").Invalid(ref.Manifests, "manifests must be empty if image is missing"))
			}
		case len(ref.Manifests) == 0:
			for i, layer := range ref.Layers {
				if layer == "" {
					errs = append(errs, p.Child("layers").Index(i).Invalid(layer, "layer cannot be empty"))
				}
			}
			if ref.Config != nil && *ref.Config == "" {
				errs = append(errs, p.Child("config").Invalid(ref.Config, "config cannot be an empty string"))
			}
		default:
			if len(ref.Layers) > 0 {
				errs = append(errs, p.Child("layers").Invalid(ref.Layers, "layers must be empty if manifests are present"))
			}
			if ref.Config != nil {
				errs = append(errs, p.Child("config").Invalid(ref.Config, "config must be null if manifests are present"))
			}
			for i, m := range ref.Manifests {
				if m == "" {
					errs = append(errs, p.Child("manifests").Index(i).Invalid(m, "manifest cannot be empty"))
				}
			}
		}
	}
	return errs.toError("ImageStreamLayers", isl.Name)
}

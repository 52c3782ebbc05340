package image

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/imagestreams/imagestreams/reference"
)

// Validation follows OpenShift's validation.go rule by rule (SEMANTICS §3),
// with its messages and field paths. Two things differ by necessity:
//
//   - Order. OpenShift keeps spec and status tags in maps and reports
//     their errors in map order, which is unspecified. Here tags are lists,
//     and errors come in list order; map fields (labels, annotations,
//     ImageStreamLayers images) are visited in sorted key order.
//   - Duplicate tag names. On the wire a repeated spec or status tag name
//     collapses into its last entry (SEMANTICS §2.3), so only that
//     effective entry is validated; the shadowed ones are ignored, as
//     OpenShift never sees them.
//
// Validation runs on defaulted objects, as OpenShift's does (SEMANTICS
// §2.1): an empty referencePolicy.type, which defaulting would set to
// "Source", is reported as invalid. Call SetDefaults first on objects
// built by hand.

// nilObjectError is the error of validating a nil object of kind. There
// is nothing to check in a missing object, and a missing object is a
// missing value, so it is the usual *InvalidError, with one Required
// error at the root path, rather than a nil pointer panic.
func nilObjectError(kind string) error {
	return ErrorList{Path{}.Required("object is nil")}.toError(kind, "")
}

// nilUpdateError is nilObjectError for an update: it reports a nil new
// object, a nil old one or both, and is nil when neither is nil.
func nilUpdateError[P interface {
	comparable
	objectName() string
}](kind string, newObj, oldObj P) error {
	var none P
	var errs ErrorList
	name := ""
	if newObj == none {
		errs = append(errs, Path{}.Required("object is nil"))
	} else {
		name = newObj.objectName()
	}
	if oldObj == none {
		errs = append(errs, Path{}.Required("old object is nil"))
	}
	return errs.toError(kind, name)
}

// objectName lets nilUpdateError name any kind, all of which embed
// ObjectMeta.
func (m *ObjectMeta) objectName() string { return m.Name }

// ValidationOptions holds the optional hooks of the ...WithOptions
// validators. The zero value adds no checks.
type ValidationOptions struct {
	// AllowRegistry, when set, is asked about every pull spec that parses:
	// the stream's spec.dockerImageRepository, DockerImage spec tags and
	// status items of an ImageStream, and spec.images and spec.repository
	// of an ImageStreamImport. insecure is true when an insecure transport
	// is acceptable (the tag's importPolicy.insecure or the stream's
	// InsecureRepositoryAnnotation). A non-nil error becomes a Forbidden
	// field error carrying its text (SEMANTICS §3.11).
	// RegistryAllowList.Allow fits this hook.
	AllowRegistry func(ref reference.DockerImageReference, insecure bool) error
}

type allowFunc = func(ref reference.DockerImageReference, insecure bool) error

// Regexps of OpenShift's validation.go (SEMANTICS §3). imageDigestRegexp
// is deliberately unanchored, as upstream: a digest anywhere in the string
// passes (a QUIRK kept for compatibility, SEMANTICS §14.9).
var (
	repositoryNameComponentAnchoredRegexp = regexp.MustCompile("^" + repositoryNameComponentFmt + "$")
	imageDigestRegexp                     = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`)
	imageMediaTypeRegexp                  = regexp.MustCompile(`^ *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *$`)
)

const repositoryNameComponentFmt = `[a-z0-9]+(?:[._-][a-z0-9]+)*`

// ValidateImageStreamName returns the problems of name as the name of an
// ImageStream or ImageStreamImport (SEMANTICS §3.1): first the path
// segment rules (only their messages are returned if any fails), then
// the repository name component syntax. prefix is true for a
// generateName.
func ValidateImageStreamName(name string, prefix bool) []string {
	if msgs := validatePathSegmentName(name, prefix); len(msgs) != 0 {
		return msgs
	}
	if !repositoryNameComponentAnchoredRegexp.MatchString(name) {
		return []string{`must match "` + repositoryNameComponentFmt + `"`}
	}
	return nil
}

// ValidateImage validates an Image on create (SEMANTICS §3.2). Paths have
// no "image." prefix. The name is only checked as a path segment: it is
// not required to be a digest.
func ValidateImage(img *Image) error {
	if img == nil {
		return nilObjectError("Image")
	}
	return validateImage(img, Path{}).toError("Image", img.Name)
}

// ValidateImageUpdate validates an update of an Image: the ObjectMeta
// update rules plus every create rule on the new Image (SEMANTICS §3.2).
// That the content of an Image cannot change is not a validation rule:
// OpenShift's update strategy puts the old content back (SEMANTICS §10.1).
func ValidateImageUpdate(newImg, oldImg *Image) error {
	if err := nilUpdateError("Image", newImg, oldImg); err != nil {
		return err
	}
	errs := validateObjectMetaUpdate(&newImg.ObjectMeta, &oldImg.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateImage(newImg, Path{})...)
	return errs.toError("Image", newImg.Name)
}

func validateImage(img *Image, p Path) ErrorList {
	errs := validateObjectMeta(&img.ObjectMeta, false, validatePathSegmentName, p.Child("metadata"))
	if img.DockerImageReference == "" {
		errs = append(errs, p.Child("dockerImageReference").Required(""))
	} else if err := parseError(img.DockerImageReference); err != nil {
		errs = append(errs, p.Child("dockerImageReference").Invalid(img.DockerImageReference, err.Error()))
	}
	for i := range img.Signatures {
		errs = append(errs, validateImageSignature(&img.Signatures[i], p.Child("signatures").Index(i))...)
	}
	if len(img.DockerImageManifests) > 0 {
		errs = append(errs, validateImageManifests(img.DockerImageManifests, p.Child("dockerImageManifests"))...)
		if len(img.DockerImageLayers) > 0 {
			errs = append(errs, p.Child("dockerImageLayers").Invalid(img.DockerImageLayers,
				"dockerImageLayers should not be set when dockerImageManifests is set"))
		}
	}
	return errs
}

// validateImageManifests checks the children of a manifest list. A
// negative manifestSize is reported at "dockerImageManifests[i].size", not
// ".manifestSize": an OpenShift QUIRK kept so that paths match
// (SEMANTICS §14.9).
func validateImageManifests(manifests []ImageManifest, p Path) ErrorList {
	var errs ErrorList
	for i := range manifests {
		m := &manifests[i]
		ip := p.Index(i)
		if !imageDigestRegexp.MatchString(m.Digest) {
			errs = append(errs, ip.Child("digest").Invalid(m.Digest, "digest does not conform with OCI image specification"))
		}
		if !imageMediaTypeRegexp.MatchString(m.MediaType) {
			errs = append(errs, ip.Child("mediaType").Invalid(m.MediaType, "media type does not conform to RFC6838"))
		}
		if m.Architecture == "" {
			errs = append(errs, ip.Child("architecture").Required(""))
		}
		if m.OS == "" {
			errs = append(errs, ip.Child("os").Required(""))
		}
		if m.ManifestSize < 0 {
			errs = append(errs, ip.Child("size").Invalid(m.ManifestSize, "manifest size cannot be negative"))
		}
	}
	return errs
}

// ValidateImageSignature validates an ImageSignature on create
// (SEMANTICS §3.3).
func ValidateImageSignature(sig *ImageSignature) error {
	if sig == nil {
		return nilObjectError("ImageSignature")
	}
	return validateImageSignature(sig, Path{}).toError("ImageSignature", sig.Name)
}

// ValidateImageSignatureUpdate validates an update of an ImageSignature:
// ObjectMeta update rules, the create rules, and an unchanged type and
// content (SEMANTICS §3.3).
func ValidateImageSignatureUpdate(newSig, oldSig *ImageSignature) error {
	if err := nilUpdateError("ImageSignature", newSig, oldSig); err != nil {
		return err
	}
	errs := validateObjectMetaUpdate(&newSig.ObjectMeta, &oldSig.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateImageSignature(newSig, Path{})...)
	if newSig.Type != oldSig.Type {
		errs = append(errs, NewPath("type").Forbidden("cannot change signature type"))
	}
	if !bytes.Equal(newSig.Content, oldSig.Content) {
		errs = append(errs, NewPath("content").Forbidden("cannot change signature content"))
	}
	return errs.toError("ImageSignature", newSig.Name)
}

func validateImageSignature(sig *ImageSignature, p Path) ErrorList {
	mp := p.Child("metadata")
	errs := validateObjectMeta(&sig.ObjectMeta, false, validatePathSegmentName, mp)
	if len(sig.Labels) > 0 {
		errs = append(errs, mp.Child("labels").Forbidden("signature labels cannot be set"))
	}
	if len(sig.Annotations) > 0 {
		errs = append(errs, mp.Child("annotations").Forbidden("signature annotations cannot be set"))
	}
	if img, name, ok := strings.Cut(sig.Name, "@"); !ok || img == "" || name == "" || strings.Contains(name, "@") {
		errs = append(errs, mp.Child("name").Invalid(sig.Name, "name must be of format <imageName>@<signatureName>"))
	}
	if sig.Type == "" {
		errs = append(errs, p.Child("type").Required(""))
	}
	if len(sig.Content) == 0 {
		errs = append(errs, p.Child("content").Required(""))
	}

	trusted, forImage := pickSignatureConditions(sig.Conditions)
	switch {
	case trusted != nil && forImage == nil:
		errs = append(errs, p.Child("conditions").Invalid(sig.Conditions, `missing "ForImage" condition type`))
	case forImage != nil && trusted == nil:
		errs = append(errs, p.Child("conditions").Invalid(sig.Conditions, `missing "Trusted" condition type`))
	}
	if trusted == nil || trusted.Status == ConditionUnknown {
		const msg = "must be unset for unknown signature state"
		if sig.ImageIdentity != "" {
			errs = append(errs, p.Child("imageIdentity").Invalid(sig.ImageIdentity, msg))
		}
		if len(sig.SignedClaims) != 0 {
			errs = append(errs, p.Child("signedClaims").Invalid(sig.SignedClaims, msg))
		}
		if sig.IssuedBy != nil {
			errs = append(errs, p.Child("issuedBy").Invalid(sig.IssuedBy, msg))
		}
		if sig.IssuedTo != nil {
			errs = append(errs, p.Child("issuedTo").Invalid(sig.IssuedTo, msg))
		}
	}
	return errs
}

// pickSignatureConditions selects the latest Trusted condition and the
// "ForImage" condition the way OpenShift does, operator-precedence QUIRK
// included (SEMANTICS §3.3, §14.8): upstream's test reads
// `Type == ForImage && forImage == nil || !LastProbeTime.Before(forImage)`,
// so any condition not taken as Trusted that is not older than the current
// pick becomes the ForImage condition, and while there is no pick yet the
// first such condition of any type is taken. (Upstream dereferences the
// nil pick there; SEMANTICS reads Before(nil) as false, which is what is
// done here.)
func pickSignatureConditions(conds []SignatureCondition) (trusted, forImage *SignatureCondition) {
	for i := range conds {
		c := &conds[i]
		switch {
		case c.Type == SignatureTrusted && (trusted == nil || !c.LastProbeTime.Before(trusted.LastProbeTime)):
			trusted = c
		// Upstream's "Type == ForImage && forImage == nil" term is implied
		// by the "forImage == nil" that Before(nil) == false produces.
		case forImage == nil || !c.LastProbeTime.Before(forImage.LastProbeTime):
			forImage = c
		}
	}
	return trusted, forImage
}

// ValidateImportPolicy validates an import policy at path p
// (SEMANTICS §3.4): the import mode must be empty, Legacy or
// PreserveOriginal.
func ValidateImportPolicy(policy TagImportPolicy, p Path) ErrorList {
	if validImportMode(policy.ImportMode) {
		return nil
	}
	return ErrorList{p.Child("importMode").Invalid(policy.ImportMode,
		"invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'")}
}

// ValidateTagReference validates a spec tag at path p with the rules of
// ValidateImageStreamTagReference (SEMANTICS §3.5 step 4), without a
// registry allow-list, as ImageStreamTag and ImageTag validation do. A
// nil tag is a Required error at p.
func ValidateTagReference(tag *TagReference, p Path) ErrorList {
	if tag == nil {
		return ErrorList{p.Required("")}
	}
	return appendTagReferenceErrors(nil, tag, tagPath{base: p}, nil, false)
}

// tagPath is base, or base[key] when keyed, built only when an error
// needs it: validating a thousand valid tags then allocates no paths.
type tagPath struct {
	base  Path
	key   string
	keyed bool
}

func (t tagPath) path() Path {
	if t.keyed {
		return t.base.Key(t.key)
	}
	return t.base
}

func appendTagReferenceErrors(errs ErrorList, tag *TagReference, tp tagPath, allow allowFunc, insecureRepo bool) ErrorList {
	if from := tag.From; from != nil {
		if from.Name == "" {
			errs = append(errs, tp.path().Child("from", "name").Required(""))
		}
		switch from.Kind {
		case KindDockerImage:
			if from.Name == "" {
				break
			}
			if allow == nil {
				if err := parseError(from.Name); err != nil {
					errs = append(errs, tp.path().Child("from", "name").Invalid(from.Name, err.Error()))
				}
				break
			}
			ref, err := reference.Parse(from.Name)
			if err != nil {
				errs = append(errs, tp.path().Child("from", "name").Invalid(from.Name, err.Error()))
			} else if err := allow(ref, insecureRepo || tag.ImportPolicy.Insecure); err != nil {
				errs = append(errs, tp.path().Child("from", "name").Forbidden(err.Error()))
			}
		case KindImageStreamImage, KindImageStreamTag:
			if tag.ImportPolicy.Scheduled {
				errs = append(errs, tp.path().Child("importPolicy", "scheduled").Invalid(true,
					"only tags pointing to Docker repositories may be scheduled for background import"))
			}
		default:
			errs = append(errs, tp.path().Child("from", "kind").Required(
				"valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'"))
		}
	}
	switch tag.ReferencePolicy.Type {
	case SourceTagReferencePolicy, LocalTagReferencePolicy:
	default:
		errs = append(errs, tp.path().Child("referencePolicy", "type").Invalid(tag.ReferencePolicy.Type,
			`valid values are "Source", "Local"`))
	}
	if !validImportMode(tag.ImportPolicy.ImportMode) {
		errs = append(errs, ValidateImportPolicy(tag.ImportPolicy, tp.path().Child("importPolicy"))...)
	}
	return errs
}

func validImportMode(m ImportModeType) bool {
	return m == "" || m == ImportModeLegacy || m == ImportModePreserveOriginal
}

// ValidateImageStreamMapping validates an ImageStreamMapping
// (SEMANTICS §3.6). Two OpenShift QUIRKs are kept: an empty name is also
// reported as "name" and "dockerImageRepository" Required (the internal
// type has a dockerImageRepository the wire lacks), and the namespace is
// checked a second time, so a bad or empty namespace yields an extra
// Invalid metadata.namespace error. The image is validated as an Image
// under the path "image".
func ValidateImageStreamMapping(m *ImageStreamMapping) error {
	if m == nil {
		return nilObjectError("ImageStreamMapping")
	}
	errs := validateObjectMeta(&m.ObjectMeta, true, validatePathSegmentName, NewPath("metadata"))
	if m.Name == "" {
		errs = append(errs, NewPath("name").Required(""), NewPath("dockerImageRepository").Required(""))
	}
	for _, msg := range isDNS1123Label(m.Namespace) {
		errs = append(errs, NewPath("metadata", "namespace").Invalid(m.Namespace, msg))
	}
	if m.Tag == "" {
		errs = append(errs, NewPath("tag").Required(""))
	}
	errs = append(errs, validateImage(&m.Image, NewPath("image"))...)
	return errs.toError("ImageStreamMapping", m.Name)
}

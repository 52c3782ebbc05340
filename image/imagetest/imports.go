package imagetest

import (
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// ImportResult is one image of an import fixture: what was asked for and
// what the importer answered. Build it with [Imported] or [ImportFailed];
// the fields are plain so a test can adjust any of them afterwards.
type ImportResult struct {
	// From is the pull spec asked for, e.g. "quay.io/acme/ruby:3.3".
	From string
	// To is the stream tag to import into. "" takes From's tag, as the
	// server defaults spec.images[i].to (SEMANTICS §2.1); a From without
	// a tag (a digest, or a bare name) then only reports the result, and
	// spec.images[i].to is nil. Repository imports ignore it: the
	// registry tag is the stream tag.
	To string
	// Image is the imported image, nil for a failure.
	Image *image.Image
	// Manifests are the children of an imported manifest list; their
	// presence makes the request a PreserveOriginal one.
	Manifests []*image.Image
	// Status is the per-image status.
	Status image.Status
}

// Imported returns a successful result for img pulled from from and
// imported into the stream tag to. With children, img is a manifest list
// imported with PreserveOriginal (see [ListImage]). As the importer does
// (SEMANTICS §8.2), the image's dockerImageReference becomes from pinned
// to the image's digest in the user's spelling, "quay.io/acme/ruby:3.3"
// giving "quay.io/acme/ruby@sha256:…", and each child's is the same
// repository at the child's digest.
func Imported(from, to string, img *image.Image, children ...*image.Image) ImportResult {
	r := ImportResult{From: from, To: to, Status: image.Status{Status: image.StatusSuccess}}
	r.Image = img.DeepCopy()
	r.Image.DockerImageReference = pinned(from, img.Name)
	for _, c := range children {
		c = c.DeepCopy()
		c.DockerImageReference = pinned(from, c.Name)
		r.Manifests = append(r.Manifests, c)
	}
	return r
}

// ImportFailed returns a failed result for from, with the status
// OpenShift writes for reason (SEMANTICS §8.11, §8.12), naming the pull
// spec with Docker Hub defaults as OpenShift does, except in Forbidden,
// which names the registry as from writes it (none for "busybox"):
//
//   - NotFound: `dockerimage.image.openshift.io "<ref>" not found` (404)
//   - Unauthorized: `you may not have access to the container image "<ref>"` (401)
//   - Forbidden: `forbidden: registry <registry> blocked` (403)
//   - InternalError: `Internal error occurred: <ref>: received unexpected HTTP status: 500 Internal Server Error` (500)
//
// Any other reason gets the message "import failed: <reason>" and no
// code; set Status yourself for anything more specific.
func ImportFailed(from, to string, reason image.StatusReason) ImportResult {
	ref, registry := from, ""
	if r, err := reference.Parse(from); err == nil {
		d := r.DockerClientDefaults()
		ref, registry = d.Exact(), r.Registry
	}
	st := image.Status{Status: image.StatusFailure, Reason: reason}
	switch reason {
	case image.StatusReasonNotFound:
		st.Code = 404
		st.Message = fmt.Sprintf("dockerimage.%s %q not found", image.GroupName, ref)
		st.Details = &image.StatusDetails{Name: ref, Group: image.GroupName, Kind: "dockerimage"}
	case image.StatusReasonUnauthorized:
		st.Code = 401
		st.Message = fmt.Sprintf("you may not have access to the container image %q", ref)
	case image.StatusReasonForbidden:
		st.Code = 403
		st.Message = "forbidden: registry " + registry + " blocked"
	case image.StatusReasonInternalError:
		cause := ref + ": received unexpected HTTP status: 500 Internal Server Error"
		st.Code = 500
		st.Message = "Internal error occurred: " + cause
		st.Details = &image.StatusDetails{Causes: []image.StatusCause{{Message: cause}}}
	default:
		st.Message = "import failed: " + string(reason)
	}
	return ImportResult{From: from, To: to, Status: st}
}

// Import returns the ImageStreamImport of ns/stream as the API server
// answers it: spec.images asks for each result's From (into To, with
// import mode Legacy, or PreserveOriginal for a list with children, and
// reference policy Source), and status.images holds one status per
// result, in order, with the registry tag of a tag import (SEMANTICS
// §8.2). spec.import is true and includeManifest false, so, as the
// server does (§8.1 steps 8-9), the images of status.images carry no
// dockerImageManifest or dockerImageConfig; ImportResult.Image and
// Manifests still have them.
//
// status.import, the stream after the import, is left nil: imagetest does
// not apply results. Pass the fixture to imagestream.ApplyImportResults to
// get it (the Images it returns then lack manifest and config too).
func Import(ns, stream string, results ...ImportResult) *image.ImageStreamImport {
	isi := newImport(ns, stream)
	for _, r := range results {
		spec := image.ImageImportSpec{
			From:            image.ObjectReference{Kind: image.KindDockerImage, Name: r.From},
			ImportPolicy:    image.TagImportPolicy{ImportMode: importMode(r)},
			ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		}
		if r.To != "" {
			spec.To = &image.LocalObjectReference{Name: r.To}
		}
		isi.Spec.Images = append(isi.Spec.Images, spec)
		isi.Status.Images = append(isi.Status.Images, importStatus(r))
	}
	image.SetDefaults(isi) // as the server answers: to from From's tag (§2.1)
	return isi
}

// RepositoryImport returns the ImageStreamImport of a whole repository
// (SEMANTICS §8.3): spec.repository names repo, with import mode
// PreserveOriginal if any result has Manifests and Legacy otherwise (one
// mode covers the whole repository, §8.4), and status.repository.images
// holds one status per result, each result's From being a tag of repo
// ("quay.io/acme/ruby:3.3"). The repository
// status is Success, or Failure with reason ImportFailed and OpenShift's
// "one of the images from this repository failed to import" (or "<n> of
// the images …") when some failed. Tags found beyond the import limit go
// in status.repository.additionalTags; append them there. As in Import,
// the images carry no manifest or config.
func RepositoryImport(ns, stream, repo string, results ...ImportResult) *image.ImageStreamImport {
	isi := newImport(ns, stream)
	mode := image.ImportModeLegacy
	for _, r := range results {
		if importMode(r) == image.ImportModePreserveOriginal {
			mode = image.ImportModePreserveOriginal
		}
	}
	isi.Spec.Repository = &image.RepositoryImportSpec{
		From:            image.ObjectReference{Kind: image.KindDockerImage, Name: repo},
		ImportPolicy:    image.TagImportPolicy{ImportMode: mode},
		ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
	}
	status := &image.RepositoryImportStatus{Status: image.Status{Status: image.StatusSuccess}}
	failed := 0
	for _, r := range results {
		st := importStatus(r)
		if st.Status.Status != image.StatusSuccess {
			failed++
		}
		status.Images = append(status.Images, st)
	}
	switch {
	case failed == 1:
		status.Status = image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: "one of the images from this repository failed to import"}
	case failed > 1:
		status.Status = image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: fmt.Sprintf("%d of the images from this repository failed to import", failed)}
	}
	isi.Status.Repository = status
	return isi
}

func newImport(ns, stream string) *image.ImageStreamImport {
	return &image.ImageStreamImport{
		TypeMeta:   image.TypeMeta{Kind: "ImageStreamImport", APIVersion: image.APIVersion},
		ObjectMeta: image.ObjectMeta{Namespace: ns, Name: stream, CreationTimestamp: image.NewTime(Epoch)},
		Spec:       image.ImageStreamImportSpec{Import: true},
	}
}

func importMode(r ImportResult) image.ImportModeType {
	if len(r.Manifests) > 0 {
		return image.ImportModePreserveOriginal
	}
	return image.ImportModeLegacy
}

// importStatus is the status entry of r, without manifests and configs
// as the server answers when includeManifest is false (SEMANTICS §8.1).
// Results share no pointers with r, so a test may change the fixture's
// images freely.
func importStatus(r ImportResult) image.ImageImportStatus {
	st := image.ImageImportStatus{Status: r.Status, Tag: registryTag(r.From)}
	if r.Status.Details != nil {
		d := *r.Status.Details
		d.Causes = append([]image.StatusCause(nil), d.Causes...)
		st.Status.Details = &d
	}
	if r.Image != nil {
		st.Image = r.Image.DeepCopy()
		st.Image.DockerImageManifest, st.Image.DockerImageConfig = "", ""
	}
	for _, m := range r.Manifests {
		c := *m.DeepCopy()
		c.DockerImageManifest, c.DockerImageConfig = "", ""
		st.Manifests = append(st.Manifests, c)
	}
	return st
}

// registryTag is the tag a tag import reports: from's tag, "latest" when
// it has none, and "" for an import by digest.
func registryTag(from string) string {
	r, err := reference.Parse(from)
	if err != nil || r.ID != "" {
		return ""
	}
	if r.Tag == "" {
		return reference.DefaultTag
	}
	return r.Tag
}

// pinned is from with its tag replaced by digest, in from's spelling.
func pinned(from, digest string) string {
	r, err := reference.Parse(from)
	if err != nil {
		return from + "@" + digest
	}
	r.Tag, r.ID = "", digest
	return r.MostSpecific().Exact()
}

package importer

import (
	"errors"
	"fmt"

	distref "github.com/distribution/reference"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/opencontainers/go-digest"
)

// A plan is one ImageStreamImport turned into the distinct fetches it
// needs. Entries asking for the same thing share one request, as
// OpenShift shares them (SEMANTICS §8.2): a tag request is keyed by
// repository, tag, preferred platform and import mode, a digest request
// by repository, digest and import mode.
type plan struct {
	images   []imageSlot
	repo     *repoPlan
	requests []*request
	byKey    map[string]*request
	stream   *image.ImageStream
	redact   *redactor
	regs     *registries
}

// imageSlot is the pending result of one spec.images entry.
type imageSlot struct {
	status *image.Status // set when the entry failed before any fetch
	tag    string        // the imported tag, empty for digest imports
	orig   reference.DockerImageReference
	req    *request
}

// repoPlan is the pending result of spec.repository.
type repoPlan struct {
	spec       *image.RepositoryImportSpec
	orig       reference.DockerImageReference // as written, no tag or ID
	target     target
	status     *image.Status // set when the repository itself failed
	tags       []string      // imported tags, in priority order
	reqs       []*request    // one per tag
	additional []string      // tags beyond the limit
	shared     []int         // indexes into additional of tags imported anyway
	sharedReqs []*request
}

// target is a repository as the importer contacts it.
type target struct {
	def      reference.DockerImageReference // DockerClientDefaults of the spec
	insecure bool
}

// repoKey identifies a repository and how it is contacted.
func (t target) repoKey() string {
	return fmt.Sprintf("%s\x00%s\x00%t", t.def.AsV2().Registry, t.def.RepositoryName(), t.insecure)
}

// request is one distinct fetch of a tag or a digest.
type request struct {
	key        string
	target     target
	tag        string
	dgst       digest.Digest
	preferOS   string
	preferArch string
	mode       image.ImportModeType
	repository bool // part of the repository import, for progress

	out outcome
}

// statusRef is the pull spec statuses name: the defaulted spec with the
// requested tag or digest, e.g. "docker.io/library/busybox:latest".
func (r *request) statusRef() string {
	ref := r.target.def
	if r.dgst != "" {
		ref.ID = r.dgst.String()
	} else {
		ref.Tag, ref.ID = r.tag, ""
	}
	return ref.Exact()
}

// outcome is what a request produced.
type outcome struct {
	img       *image.Image   // nil on failure
	manifests []*image.Image // children of a PreserveOriginal list
	err       error
}

func (p *plan) request(t target, tag string, d digest.Digest, preferOS, preferArch string, mode image.ImportModeType) *request {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%s\x00%s", t.repoKey(), tag, d, preferOS, preferArch, mode)
	if r, ok := p.byKey[key]; ok {
		return r
	}
	r := &request{key: key, target: t, tag: tag, dgst: d, preferOS: preferOS, preferArch: preferArch, mode: mode}
	p.byKey[key] = r
	p.requests = append(p.requests, r)
	return r
}

// plan turns isi into requests. The repository's tags are added later,
// once listed.
func (s *session) plan(isi *image.ImageStreamImport, stream *image.ImageStream) *plan {
	p := &plan{images: make([]imageSlot, len(isi.Spec.Images)), byKey: map[string]*request{}, stream: stream, redact: s.redact, regs: s.imp.regs}
	for i := range isi.Spec.Images {
		p.planImage(&p.images[i], &isi.Spec.Images[i])
	}
	if r := isi.Spec.Repository; r != nil {
		p.repo = p.planRepository(r)
	}
	return p
}

func (p *plan) planImage(slot *imageSlot, spec *image.ImageImportSpec) {
	if spec.From.Kind != image.KindDockerImage {
		st := invalidStatus(image.NewPath("from", "kind").Invalid(spec.From.Kind, "only DockerImage is supported"))
		slot.status = &st
		return
	}
	ref, err := parseFrom(spec.From.Name)
	if err != nil {
		st := invalidStatus(image.NewPath("from", "name").Invalid(spec.From.Name, "invalid name: "+err.Error()))
		slot.status = &st
		return
	}
	slot.orig = ref
	t, blocked := p.target(ref, spec.ImportPolicy.Insecure)
	if blocked != nil {
		slot.status = blocked
		return
	}
	mode := spec.ImportPolicy.ImportMode
	if d, ok := ref.Digest(); ok {
		if slot.status = invalidRepository(t); slot.status == nil {
			slot.req = p.request(t, "", d, "", "", mode)
		}
		return
	}
	tag := ref.Tag
	if tag == "" {
		tag = image.DefaultImageTag
	}
	slot.tag = tag
	if slot.status = invalidRepository(t); slot.status != nil {
		return
	}
	to := tag
	if spec.To != nil && spec.To.Name != "" {
		to = spec.To.Name
	}
	os, arch := preferredPlatform(p.stream, to)
	slot.req = p.request(t, tag, "", os, arch, mode)
}

func (p *plan) planRepository(spec *image.RepositoryImportSpec) *repoPlan {
	rp := &repoPlan{spec: spec}
	if spec.From.Kind != image.KindDockerImage {
		st := invalidStatus(image.NewPath("from", "kind").Invalid(spec.From.Kind, "only DockerImage is supported"))
		rp.status = &st
		return rp
	}
	ref, err := parseFrom(spec.From.Name)
	if err != nil {
		st := invalidStatus(image.NewPath("from", "name").Invalid(spec.From.Name, "invalid name: "+err.Error()))
		rp.status = &st
		return rp
	}
	rp.orig = ref.AsRepository()
	rp.target, rp.status = p.target(rp.orig, spec.ImportPolicy.Insecure)
	if rp.status == nil {
		rp.status = invalidRepository(rp.target)
	}
	return rp
}

// invalidRepository is the status of a target whose repository name
// distribution's WithName refuses as malformed (the legacy "*", an
// upper-case component after the first; the first may be upper-case, as
// WithName takes it for a host), nil for a valid one. OpenShift's
// registry client refuses to open such a repository, so nothing is
// sent, and the import reports it as formatPingError does (SEMANTICS
// §8.11), after the tag is known. A name over the length limit is
// another error there, one the registry then reports; here too.
func invalidRepository(t target) *image.Status {
	name := t.def.RepositoryName()
	if len(name) > reference.NameTotalLengthMax {
		return nil
	}
	if _, err := distref.WithName(name); !errors.Is(err, distref.ErrReferenceInvalidFormat) {
		return nil
	}
	st := invalidStatus(image.NewPath("from", "name").Invalid(name, "the provided repository name is not valid"))
	return &st
}

// target is the repository of ref as contacted: insecure when the import
// policy or the cluster says so (SEMANTICS §8.2). For a blocked registry
// it returns the Forbidden status instead, which like OpenShift's names
// the registry as ref writes it, none for an implicit Docker Hub.
func (p *plan) target(ref reference.DockerImageReference, insecure bool) (target, *image.Status) {
	def := ref.DockerClientDefaults()
	if p.regs.blocked(def.Registry) {
		st := forbiddenStatus(ref.Registry)
		return target{}, &st
	}
	return target{def: def, insecure: insecure || p.regs.insecure[def.Registry]}, nil
}

// addRepositoryTags plans the listed tags: the first limit ones (limit < 0
// means all) are imported, the others reported; an additional tag some
// spec.images entry imports anyway gets its result too (SEMANTICS §8.3).
func (p *plan) addRepositoryTags(tags []string, limit int) {
	rp := p.repo
	for i, tag := range tags {
		os, arch := preferredPlatform(p.stream, tag)
		if limit >= 0 && i >= limit {
			rp.additional = append(rp.additional, tag)
			key := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%s\x00%s", rp.target.repoKey(), tag, "", os, arch, rp.spec.ImportPolicy.ImportMode)
			if r, ok := p.byKey[key]; ok {
				rp.shared = append(rp.shared, len(rp.additional)-1)
				rp.sharedReqs = append(rp.sharedReqs, r)
			}
			continue
		}
		r := p.request(rp.target, tag, "", os, arch, rp.spec.ImportPolicy.ImportMode)
		r.repository = true
		rp.tags = append(rp.tags, tag)
		rp.reqs = append(rp.reqs, r)
	}
}

// parseFrom parses a from.name; "*" is OpenShift's legacy name-only
// wildcard (SEMANTICS §8.2).
func parseFrom(name string) (reference.DockerImageReference, error) {
	if name == "*" {
		return reference.DockerImageReference{Name: "*"}, nil
	}
	return reference.Parse(name)
}

// preferredPlatform returns the prefer-os and prefer-arch annotations of
// the target spec tag, empty when absent (SEMANTICS §8.4). The last spec
// tag of that name wins, as in OpenShift's map of tags.
func preferredPlatform(is *image.ImageStream, tag string) (os, arch string) {
	if is == nil {
		return "", ""
	}
	for i := range is.Spec.Tags {
		if t := &is.Spec.Tags[i]; t.Name == tag {
			os, arch = t.Annotations[image.ImporterPreferOSAnnotation], t.Annotations[image.ImporterPreferArchAnnotation]
		}
	}
	return os, arch
}

// fill writes the results into isi.Status.
func (p *plan) fill(isi *image.ImageStreamImport) {
	isi.Status.Images = nil
	if len(p.images) > 0 {
		isi.Status.Images = make([]image.ImageImportStatus, len(p.images))
	}
	for i := range p.images {
		slot := &p.images[i]
		st := &isi.Status.Images[i]
		st.Tag = slot.tag
		if slot.status != nil {
			st.Status = *slot.status
			continue
		}
		*st = p.result(slot.req, slot.orig, slot.tag)
	}
	isi.Status.Repository = nil
	if rp := p.repo; rp != nil {
		rs := &image.RepositoryImportStatus{}
		isi.Status.Repository = rs
		if rp.status != nil {
			rs.Status = *rp.status
			return
		}
		failures := 0
		for i, r := range rp.reqs {
			res := p.result(r, rp.orig, rp.tags[i])
			if res.Status.Status != image.StatusSuccess {
				failures++
			}
			rs.Images = append(rs.Images, res)
		}
		for i, r := range rp.sharedReqs {
			rs.Images = append(rs.Images, p.result(r, rp.orig, rp.additional[rp.shared[i]]))
		}
		rs.AdditionalTags = rp.additional
		rs.Status = successStatus()
		if failures > 0 {
			rs.Status = failedRepositoryStatus(failures)
		}
	}
}

// result is the status of one entry served by r. References keep the
// user's spelling (QUIRK §14.12): orig with the tag and the image's
// digest, most specific form.
func (p *plan) result(r *request, orig reference.DockerImageReference, tag string) image.ImageImportStatus {
	if r.out.img == nil {
		st := unknownErrorStatus(r)
		if r.out.err != nil {
			st = statusOf(r.statusRef(), r.out.err)
		}
		return image.ImageImportStatus{Tag: tag, Status: p.redact.status(st)}
	}
	img := r.out.img.DeepCopy()
	ref := orig
	ref.Tag, ref.ID = tag, img.Name
	img.DockerImageReference = ref.MostSpecific().Exact()
	res := image.ImageImportStatus{Tag: tag, Status: successStatus(), Image: img}
	for _, c := range r.out.manifests {
		child := *c.DeepCopy()
		cref := orig.AsRepository()
		cref.ID = child.Name
		child.DockerImageReference = cref.Exact()
		res.Manifests = append(res.Manifests, child)
	}
	return res
}

// unknownErrorStatus is OpenShift's status for a fetch that produced
// neither an image nor an error (SEMANTICS §8.2, OCPBUGS-35036).
func unknownErrorStatus(r *request) image.Status {
	//lint:ignore ST1005 OpenShift's exact text.
	err := fmt.Errorf("unknown error while importing tag %q from repository %q with import mode %q, please try again.", r.tag, r.target.def.AsRepository().Exact(), r.mode)
	return imagestream.NewInternalError(err).Status()
}

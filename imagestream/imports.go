package imagestream

import (
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// ApplyImportResults applies the results an Importer wrote into
// isi.Status to the stream, as OpenShift's ImageStreamImport does when
// spec.import is true (SEMANTICS §8.8, §8.9), and returns the Images to
// store (children of manifest lists first), in result order without
// duplicates.
//
//   - A successful image imported into tag T becomes T's newest event
//     (pull spec by digest, generation = the stream's next generation); if
//     that changes T, the spec tag is (re)pointed at the imported pull spec
//     with generation 0, so the next update gives it the new generation.
//     The tag's import policy is always updated, its reference policy only
//     when it had none, and its conditions are cleared.
//   - A failure adds the condition ImportSuccess=False with the status'
//     reason and message and sets the spec tag's generation to 0, unless
//     an identical condition is there already (QUIRK §14.20: a repeated
//     failure changes nothing). A failed spec.images target also gets a
//     spec tag if it has none; a failed tag of spec.repository does not.
//     The history is never touched, so the tag keeps its previous image.
//   - Images imported with no target tag are only reported.
//
// is must be normalized; its generation is not changed here (the update
// that stores it bumps it, see Strategy.PrepareForInternalUpdate).
func ApplyImportResults(is *image.ImageStream, isi *image.ImageStreamImport, now time.Time) []*image.Image {
	a := importApplier{is: is, now: image.NewTime(now), next: is.Generation + 1, seen: map[string]bool{}}
	if r := isi.Spec.Repository; r != nil && isi.Status.Repository != nil {
		repo, _ := reference.Parse(r.From.Name)
		for i := range isi.Status.Repository.Images {
			st := &isi.Status.Repository.Images[i]
			if st.Image == nil || st.Status.Status != image.StatusSuccess {
				tag := st.Tag
				if tag == "" && st.Image != nil {
					if ref, err := reference.Parse(st.Image.DockerImageReference); err == nil {
						tag = ref.Tag
					}
				}
				if tag != "" {
					a.failure(tag, &st.Status)
				}
				continue
			}
			tag := st.Tag
			if tag == "" {
				if ref, err := reference.Parse(st.Image.DockerImageReference); err == nil {
					tag = ref.Tag
				}
			}
			if tag == "" {
				continue
			}
			from := repo
			from.Tag, from.ID = tag, ""
			a.success(st.Image, st.Manifests, tag, from.Exact(), r.ImportPolicy, r.ReferencePolicy)
		}
	}
	for i := range isi.Spec.Images {
		spec := &isi.Spec.Images[i]
		if spec.To == nil || i >= len(isi.Status.Images) {
			continue
		}
		st := &isi.Status.Images[i]
		tag := spec.To.Name
		if st.Image == nil || st.Status.Status != image.StatusSuccess {
			a.failure(tag, &st.Status)
			ensureSpecTag(is, tag, spec.From.Name, spec.ImportPolicy, spec.ReferencePolicy, false)
			continue
		}
		a.success(st.Image, st.Manifests, tag, spec.From.Name, spec.ImportPolicy, spec.ReferencePolicy)
	}
	return a.images
}

type importApplier struct {
	is     *image.ImageStream
	now    image.Time
	next   int64
	images []*image.Image
	seen   map[string]bool
}

func (a *importApplier) keep(img *image.Image) {
	if img != nil && !a.seen[img.Name] {
		a.seen[img.Name] = true
		a.images = append(a.images, img)
	}
}

// success is OpenShift's importSuccessful.
func (a *importApplier) success(img *image.Image, manifests []image.Image, tag, from string, ip image.TagImportPolicy, rp image.TagReferencePolicy) {
	pullSpec := img.DockerImageReference
	if ref, err := reference.Parse(img.DockerImageReference); err == nil {
		ref.ID = img.Name
		pullSpec = ref.MostSpecific().Exact()
	}
	event := image.TagEvent{Created: a.now, DockerImageReference: pullSpec, Image: img.Name, Generation: a.next}
	if tagChanged(a.is, tag, &event) {
		ensureSpecTag(a.is, tag, from, ip, rp, true)
		AddTagEvent(a.is, tag, event)
	}
	if spec := SpecTag(a.is, tag); spec != nil {
		spec.ImportPolicy = ip
	}
	if list := StatusTag(a.is, tag); list != nil {
		list.Conditions = nil
	}
	for i := range manifests {
		a.keep(&manifests[i])
	}
	a.keep(img)
}

// tagChanged is OpenShift's hasTagChanged.
func tagChanged(is *image.ImageStream, tag string, event *image.TagEvent) bool {
	latest := LatestTaggedImage(is, tag)
	if latest == nil {
		return true
	}
	spec := SpecTag(is, tag)
	if spec == nil || spec.Generation == nil {
		return true
	}
	return latest.DockerImageReference != event.DockerImageReference || latest.Image != event.Image || *spec.Generation > latest.Generation
}

// failure is OpenShift's setFailureCondition.
func (a *importApplier) failure(tag string, st *image.Status) {
	msg := st.Message
	if msg == "" {
		msg = "unknown error prevented import"
	}
	cond := image.TagEventCondition{
		Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: string(st.Reason), Message: msg,
		Generation: a.next, LastTransitionTime: a.now,
	}
	if list := StatusTag(a.is, tag); list != nil {
		for _, c := range list.Conditions {
			if c.Type == cond.Type && c.Status == cond.Status && c.Reason == cond.Reason && c.Message == cond.Message {
				return
			}
		}
	}
	list := ensureStatusTag(a.is, tag)
	list.Conditions = []image.TagEventCondition{cond}
	if spec := SpecTag(a.is, tag); spec != nil {
		spec.Generation = ptr(int64(0))
	}
}

// ensureSpecTag points spec tag `tag` at the DockerImage from, creating
// it if missing; an existing tag is left alone unless reset. A reset keeps
// the tag's annotations, reference flag and, when set, reference policy.
func ensureSpecTag(is *image.ImageStream, tag, from string, ip image.TagImportPolicy, rp image.TagReferencePolicy, reset bool) {
	spec := SpecTag(is, tag)
	if spec != nil && !reset {
		return
	}
	var t image.TagReference
	if spec != nil {
		t = *spec
	}
	t.Name = tag
	t.From = &image.ObjectReference{Kind: image.KindDockerImage, Name: from}
	t.Generation = ptr(int64(0))
	t.ImportPolicy = ip
	if t.ReferencePolicy.Type == "" {
		t.ReferencePolicy = rp
	}
	SetSpecTag(is, t)
}

package prune

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// Owner identifies the object that holds a reference, such as a Pod or a
// BuildConfig.
type Owner struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String returns "Kind/namespace/name", or "Kind/name" when cluster-scoped.
func (o Owner) String() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// Reference is one image reference held by a workload: a container's
// image, or a build's input image (PRUNE.md §1.2).
type Reference struct {
	// Owner is the object holding the reference.
	Owner Owner
	// FieldPath locates the reference in the owner, for example
	// "spec.template.spec.initContainers[0].image".
	FieldPath string
	// Kind is what Spec names: "" or image.KindDockerImage for a pull
	// spec, image.KindImageStreamTag for "name:tag", or
	// image.KindImageStreamImage for "name@digest". References of any
	// other kind are ignored, as oc ignores them.
	Kind string
	// Namespace is the namespace of an ImageStreamTag or ImageStreamImage
	// reference; empty means the owner's namespace.
	Namespace string
	// Spec is the pull spec or the stream tag or image name.
	Spec string
	// Active is false for an owner that no longer runs its images, such as
	// a pod that succeeded or failed. An inactive reference counts only if
	// its owner is younger than KeepYoungerThan, as oc treats finished pods.
	Active bool
	// Created is the owner's creation time.
	Created time.Time
}

// Referrer is a reference that kept something, as recorded in a plan.
type Referrer struct {
	Owner
	FieldPath string `json:"fieldPath,omitempty"`
}

// ErrInvalidReference is wrapped by the error of every InvalidReference.
var ErrInvalidReference = errors.New("invalid image reference")

// InvalidReference is a reference that could not be parsed (PRUNE.md §3.3).
type InvalidReference struct {
	Referrer
	Spec string `json:"spec"`
	// Error says why it is invalid.
	Error string `json:"error"`
	// Salvaged is the reference the plan used instead: Spec with white
	// space trimmed, when that parses. Empty when the reference was dropped.
	Salvaged string `json:"salvaged,omitempty"`
}

// ReferencesError is returned by Plan under Options.StrictRefs when
// references are invalid. It lists all of them; errors.Is(err,
// ErrInvalidReference) holds.
type ReferencesError struct {
	Invalid []InvalidReference
}

// Error counts the invalid references and shows the first few.
func (e *ReferencesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d invalid image reference(s)", len(e.Invalid))
	for i, r := range e.Invalid {
		if i == 3 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; %s %s: %q: %s", r.Owner, r.FieldPath, r.Spec, r.Error)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalidReference) hold.
func (e *ReferencesError) Unwrap() error { return ErrInvalidReference }

// repoKey names an image stream tag ("ns/name:tag") or an image stream
// image ("ns/name@digest"); the key of oc's usedTags and usedImages.
type repoKey struct{ namespace, name, item string }

// usage is oc's two maps of what workloads use (PRUNE.md §1.2), with the
// owners as indices into the snapshot's references.
type usage struct {
	tags    map[repoKey][]int32
	images  map[repoKey][]int32
	digests map[string][]int32 // any repository; for KeepReferencedImages
	invalid []InvalidReference
}

// analyzeReferences builds the usage maps. A reference is skipped when
// its owner is inactive and older than the threshold, when it is blank,
// or when it cannot name a stream (no registry, no namespace, or a deeper
// path), exactly as oc skips it; the registry host is ignored (§1.2).
func analyzeReferences(refs []Reference, p *policy) usage {
	u := usage{tags: map[repoKey][]int32{}, images: map[repoKey][]int32{}}
	if p.KeepReferencedImages {
		u.digests = map[string][]int32{}
	}
	for i := range refs {
		r := &refs[i]
		if !r.Active && r.Created.Before(p.threshold) {
			continue
		}
		u.add(r, int32(i), p)
	}
	return u
}

func (u *usage) add(r *Reference, idx int32, p *policy) {
	switch r.Kind {
	case "", image.KindDockerImage:
		if strings.TrimSpace(r.Spec) == "" {
			return
		}
		ref, err := reference.Parse(r.Spec)
		if err != nil {
			inv := u.invalidRef(r, err)
			if p.IgnoreInvalidRefs || p.StrictRefs {
				return
			}
			salvaged, serr := reference.Parse(strings.TrimSpace(r.Spec))
			if serr != nil {
				return
			}
			inv.Salvaged = strings.TrimSpace(r.Spec)
			ref = salvaged
		}
		if ref.Registry == "" || ref.Namespace == "" || strings.Contains(ref.Name, "/") {
			return // not a reference to an image stream (oc's comment)
		}
		if ref.ID != "" {
			u.addImage(repoKey{ref.Namespace, ref.Name, ref.ID}, idx)
			return
		}
		ref = ref.DockerClientDefaults()
		k := repoKey{ref.Namespace, ref.Name, ref.Tag}
		u.tags[k] = append(u.tags[k], idx)
	case image.KindImageStreamImage:
		name, id, ok := splitOnce(r.Spec, "@")
		if !ok {
			u.invalidRef(r, fmt.Errorf("expected exactly one @ in the isimage name %q", r.Spec))
			return
		}
		u.addImage(repoKey{r.namespace(), name, id}, idx)
	case image.KindImageStreamTag:
		if strings.Contains(r.Spec, "@") {
			u.invalidRef(r, fmt.Errorf("%q is an image stream image, not an image stream tag", r.Spec))
			return
		}
		name, tag, ok := splitOnce(r.Spec, ":")
		if !ok {
			u.invalidRef(r, fmt.Errorf("expected exactly one : delimiter in the istag %q", r.Spec))
			return
		}
		k := repoKey{r.namespace(), name, tag}
		u.tags[k] = append(u.tags[k], idx)
	}
}

func (u *usage) addImage(k repoKey, idx int32) {
	u.images[k] = append(u.images[k], idx)
	if u.digests != nil {
		u.digests[k.item] = append(u.digests[k.item], idx)
	}
}

func (u *usage) invalidRef(r *Reference, err error) *InvalidReference {
	u.invalid = append(u.invalid, InvalidReference{
		Referrer: r.referrer(),
		Spec:     r.Spec,
		Error:    fmt.Errorf("%w: %w", ErrInvalidReference, err).Error(),
	})
	return &u.invalid[len(u.invalid)-1]
}

func (r *Reference) namespace() string {
	if r.Namespace != "" {
		return r.Namespace
	}
	return r.Owner.Namespace
}

func (r *Reference) referrer() Referrer { return Referrer{Owner: r.Owner, FieldPath: r.FieldPath} }

// splitOnce splits s at its only sep, requiring both halves non-empty, as
// OpenShift's ParseImageStreamTagName and ParseImageStreamImageName do.
func splitOnce(s, sep string) (a, b string, ok bool) {
	if strings.Count(s, sep) != 1 {
		return "", "", false
	}
	a, b, _ = strings.Cut(s, sep)
	return a, b, a != "" && b != ""
}

// referrers returns up to max owners of the given reference indices.
func referrers(refs []Reference, idx []int32, max int) []Referrer {
	if len(idx) == 0 {
		return nil
	}
	out := make([]Referrer, 0, min(len(idx), max))
	for _, i := range idx[:min(len(idx), max)] {
		out = append(out, refs[i].referrer())
	}
	return out
}

package prune

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

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
	// Inactive is true for an owner that no longer runs its images, such
	// as a pod that succeeded or failed. An inactive reference counts only
	// if its owner is younger than KeepYoungerThan, as oc treats finished
	// pods. The zero value counts whatever the owner's age: a reference
	// built without the field protects what it names.
	Inactive bool
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
	// space trimmed when that parses, or else Spec's leading pull spec
	// (see Options.IgnoreInvalidRefs). Empty when the reference was
	// dropped.
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

// Kinds of reference: what a reference names in a stream.
const (
	refNone  uint8 = iota // names no image stream; ignored
	refTag                // a tag: oc's usedTags
	refImage              // a digest: oc's usedImages
	// refAnyImage is a digest in a repository no stream can be (no
	// registry, no namespace, or a deeper path): oc ignores it, and it
	// counts only for KeepReferencedImages, which keeps what a workload
	// pulls by digest from anywhere.
	refAnyImage
)

// streamNames finds streams by namespace and name. Its keys are copies
// of the names, packed in one string, so that the half a million lookups
// of a large snapshot compare against memory that stays in cache rather
// than against the streams' own strings, scattered over the snapshot.
type streamNames struct {
	byKey map[string]int32
	buf   []byte
}

// newStreamNames indexes n streams, stream i being named by at(i).
func newStreamNames(n int, at func(int) (namespace, name string)) *streamNames {
	var b strings.Builder
	ends := make([]int, n)
	var key []byte
	for i := range n {
		ns, name := at(i)
		key = streamKey(key[:0], ns, name)
		b.Write(key)
		ends[i] = b.Len()
	}
	all := b.String()
	names := &streamNames{byKey: make(map[string]int32, n)}
	start := 0
	for i, end := range ends {
		names.byKey[all[start:end]] = int32(i)
		start = end
	}
	return names
}

// streamKey appends namespace and name to b, the namespace's length
// first, so that no two pairs give the same key.
func streamKey(b []byte, namespace, name string) []byte {
	b = binary.AppendUvarint(b, uint64(len(namespace)))
	return append(append(b, namespace...), name...)
}

// find returns the index of stream namespace/name, or -1.
func (n *streamNames) find(namespace, name string) int32 {
	n.buf = streamKey(n.buf[:0], namespace, name)
	if si, ok := n.byKey[string(n.buf)]; ok {
		return si
	}
	return -1
}

// specCacheSize is a power of two near a quarter of the references,
// within [16, 1<<15].
func specCacheSize(refs int) int {
	n := 16
	for n < refs/4 && n < 1<<15 {
		n <<= 1
	}
	return n
}

// specResult is what a pull spec names.
type specResult struct {
	spec            string
	namespace, name string
	item            string
	kind            uint8
	// invalid is set when spec does not parse. salvaged is then the spec
	// salvageSpec finds in it, if any, and the rest of the result is what
	// salvaged names: a plan uses it only when it salvages (PRUNE.md
	// §3.3, §6.12).
	invalid       bool
	err, salvaged string
}

// parseSpec parses a pull spec as oc's analyzeImageReference does; an
// invalid one names what its salvaged spec names.
func parseSpec(spec string) specResult {
	res := specResult{spec: spec}
	ref, err := reference.Parse(spec)
	if err != nil {
		res.invalid = true
		res.err = fmt.Errorf("%w: %w", ErrInvalidReference, err).Error()
		var ok bool
		if res.salvaged, ref, ok = salvageSpec(spec); !ok {
			return res
		}
	}
	if ref.Registry == "" || ref.Namespace == "" || strings.Contains(ref.Name, "/") {
		// Not a reference to an image stream (oc's comment).
		if ref.ID != "" {
			res.kind, res.item = refAnyImage, ref.ID
		}
		return res
	}
	res.namespace, res.name = ref.Namespace, ref.Name
	if ref.ID != "" {
		res.kind, res.item = refImage, ref.ID
		return res
	}
	res.kind, res.item = refTag, ref.DockerClientDefaults().Tag
	return res
}

// salvageSpec returns the pull spec that the invalid spec most plausibly
// names (PRUNE.md §6.12), and whether there is one: spec with white space
// trimmed, or else its first run of pull-spec characters, so that the
// remains of quoting, of a list or of a command line around a spec, as
// in `"r.io/ns/s:t",` or "r.io/ns/s:t x", still protect what it names.
// A run that does not parse is not repaired further: a guess from a
// malformed name could keep any of a stream's images.
func salvageSpec(spec string) (string, reference.DockerImageReference, bool) {
	trimmed := strings.TrimSpace(spec)
	if ref, err := reference.Parse(trimmed); err == nil {
		return trimmed, ref, true
	}
	start := 0
	for start < len(trimmed) && !isSpecByte(trimmed[start]) {
		start++
	}
	end := start
	for end < len(trimmed) && isSpecByte(trimmed[end]) {
		end++
	}
	token := trimmed[start:end]
	if token == "" || token == trimmed {
		return "", reference.DockerImageReference{}, false
	}
	ref, err := reference.Parse(token)
	if err != nil {
		return "", reference.DockerImageReference{}, false
	}
	return token, ref, true
}

// isSpecByte reports whether c is in the alphabet of pull specs,
// [A-Za-z0-9._/:@-]. Bytes of multi-byte UTF-8 characters are not.
func isSpecByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("._/:@-", c) >= 0
}

func (r *Reference) namespace() string {
	if r.Namespace != "" {
		return r.Namespace
	}
	return r.Owner.Namespace
}

// splitOnce splits s at its only sep, requiring both halves non-empty, as
// OpenShift's ParseImageStreamTagName and ParseImageStreamImageName do.
func splitOnce(s, sep string) (a, b string, ok bool) {
	if strings.Count(s, sep) != 1 {
		return "", "", false
	}
	a, b, _ = strings.Cut(s, sep)
	return a, b, a != "" && b != ""
}

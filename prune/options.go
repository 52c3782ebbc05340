package prune

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"strings"
	"time"
)

// Defaults of `oc adm prune images` (PRUNE.md §2.1).
const (
	// DefaultKeepTagRevisions is the number of newest revisions of each tag
	// kept regardless of use.
	DefaultKeepTagRevisions = 3
	// DefaultKeepYoungerThan protects tag events, streams and images
	// created this recently: an hour gives a build or a push that is in
	// flight time to be referenced by a workload.
	DefaultKeepYoungerThan = 60 * time.Minute
	// DefaultMaxReferrers bounds the referrers listed for one decision, so
	// an image used by thousands of pods does not bloat the plan.
	DefaultMaxReferrers = 5
)

// ErrInvalidOptions is wrapped by every error Options.Validate returns.
var ErrInvalidOptions = errors.New("invalid prune options")

// Options are the policy of a prune: the flags of `oc adm prune images`
// (PRUNE.md §2.1) with the same defaults and meaning, plus overrides and
// improvements on oc's rules. The zero value with Now set behaves as
// `oc adm prune images` with no flags except for manifest lists, whose
// children and links it protects (§6.9); with OCCompatible set as well,
// it deletes exactly what oc deletes.
//
// Options are data: they are copied into the plan (Decisions.Policy), so a
// plan says which policy produced it.
type Options struct {
	// Now is the instant every age is measured from. Plan never reads the
	// clock; a zero Now is an error.
	Now time.Time

	// KeepTagRevisions keeps the newest N revisions of every tag
	// (--keep-tag-revisions). Nil means DefaultKeepTagRevisions, or no
	// limit in size mode, as in oc; it must not be negative.
	KeepTagRevisions *int
	// KeepYoungerThan keeps tag events, streams and images created less
	// than this long before Now, and makes finished pods this young count
	// as users (--keep-younger-than). Nil means DefaultKeepYoungerThan, or
	// unset in size mode; it must not be negative.
	KeepYoungerThan *time.Duration

	// PruneOverSizeLimit selects size mode (--prune-over-size-limit): tag
	// revisions whose image exceeds the size limit of the stream's
	// namespace are pruned regardless of age or revision (PRUNE.md §1.7).
	// It cannot be combined with KeepTagRevisions or KeepYoungerThan,
	// unless AgeAndSize is set.
	PruneOverSizeLimit bool
	// AgeAndSize combines the size limits with the age and revision rules
	// (PRUNE.md §6.10), which oc forbids. PruneOverSizeLimit must be set;
	// keep-tag-revisions and keep-younger-than then apply with their
	// usual defaults, and a revision whose image exceeds its namespace's
	// limit loses only the protection of keep-tag-revisions: it is still
	// kept while young, while a tag or digest reference uses it, or by a
	// never-prune override. Images are kept while young, as without size
	// mode, and overrides apply in full.
	AgeAndSize bool
	// ImageSizeLimits maps a namespace to the largest image size allowed
	// there, in bytes: the smallest `max.storage` of the namespace's
	// LimitRange items of type openshift.io/Image. A namespace not in the
	// map has no limit, so nothing in it exceeds one.
	ImageSizeLimits map[string]int64

	// OnlyManaged keeps every image that lacks the annotation
	// openshift.io/image.managed="true" (exactly "true"), as --all=false
	// does. The zero value prunes all images, oc's default.
	OnlyManaged bool
	// SkipRegistry plans no registry deletions (layer links, manifest
	// links, blobs), as --prune-registry=false does.
	SkipRegistry bool
	// Namespace limits pruning to the streams of one namespace and, as in
	// oc, deletes no Image objects or blobs. References from every
	// namespace are still consulted (PRUNE.md §6.11).
	Namespace string

	// IgnoreInvalidRefs drops references that do not parse, as
	// --ignore-invalid-refs does: they protect nothing, and are still
	// listed in Decisions.InvalidReferences. Without it an invalid
	// reference is reported and still protects what it names when white
	// space trimmed, or else its leading pull spec, parses: the first
	// run of [A-Za-z0-9._/:@-], as "r.io/ns/s:t" in `"r.io/ns/s:t",`
	// (PRUNE.md §6.12).
	IgnoreInvalidRefs bool
	// StrictRefs makes Plan fail with a *ReferencesError when any
	// reference is invalid, as oc does without --ignore-invalid-refs.
	// IgnoreInvalidRefs takes precedence.
	StrictRefs bool
	// StrictImages makes Plan fail when an image is malformed, as oc does;
	// by default a malformed image is reported and kept (PRUNE.md §6.6).
	StrictImages bool

	// Overrides change the keep rules for some namespaces, streams or tags.
	// See Override for the precedence.
	Overrides []Override

	// MaxReferrers bounds the referrers recorded per decision; ≤ 0 means
	// DefaultMaxReferrers.
	MaxReferrers int

	// KeepReferencedImages keeps any image a workload references by
	// digest, in whatever repository, from deletion in stage 2 (BZ 1880068,
	// PRUNE.md §1.4), and the children of such an image when it is a
	// list, under OCCompatible too (§6.9). oc protects only the tag event
	// in that repository. It changes oc's results, so it is opt-in. The
	// digest counts even in a pull spec that no stream can match and oc
	// ignores (§1.2): without a registry or a namespace, such as
	// "app@sha256:…", or with a deeper path.
	KeepReferencedImages bool

	// OCCompatible reproduces `oc adm prune images` exactly where this
	// package's defaults differ from it for manifest lists (PRUNE.md
	// §1.6, §6.9). By default:
	//
	//   - the children of every kept list are kept, whatever kept the list
	//     (young, unmanaged, tagged, referenced, never-prune), following
	//     nested lists; oc keeps only the children of lists a remaining
	//     tag event names, and deletes those of a young list, breaking it;
	//   - link counts of a repository include the children of its lists:
	//     a child's manifest and layer links stay while any kept list or
	//     event of the stream needs them, and go with the last list that
	//     needed them (a child the snapshot has no Image object for, by
	//     its manifest link); oc ignores children, leaving their links
	//     behind when a list leaves the repository.
	//
	// Precedence: OCCompatible changes only these defaults. Options set
	// explicitly (KeepReferencedImages, Overrides, StrictRefs,
	// StrictImages) apply on top of it, and the improvements that never
	// delete more than oc (package doc) stay on.
	OCCompatible bool
}

// Override changes the keep rules of the tags it matches. Namespace and
// Stream match exactly, Tag exactly or as a path.Match pattern when it
// contains any of "*?[", StreamLabels when the stream carries every one
// of those labels, and an empty field matches anything: an override
// that sets none of them matches every tag. Stream needs Namespace
// (Validate): stream names repeat across namespaces.
//
// Each setting (KeepTagRevisions, KeepYoungerThan) is resolved on its
// own, from the most specific matching override that sets it. An
// override's specificity is the sum of the weights of the fields it
// sets: an exact Tag 16, a Tag pattern 8, Stream 4, StreamLabels 2
// (however many labels), Namespace 1. Each weight outranks all the
// smaller ones together, so an exact tag beats a tag pattern, which
// beats a stream name, which beats a label selector, which beats a
// namespace, and a combination beats its parts ({Namespace, Tag
// pattern} beats the same pattern alone). Among equally specific
// overrides the first one listed wins; any matching override beats
// Options. Never keeps the tag whatever any other override says.
//
// A tag that Never matches keeps its events with reason never-prune,
// after the checks that leave a whole stream alone (out-of-scope,
// young-stream) and before rows 1–6 of PRUNE.md §1.3.
//
// Overrides change the rules for tag events only: images are
// cluster-scoped and always use Options.KeepYoungerThan, and so do the
// references of finished pods. In size mode only Never applies;
// KeepTagRevisions and KeepYoungerThan are ignored there, as size mode
// ignores oc's keep flags.
type Override struct {
	Namespace string `json:"namespace,omitempty"`
	Stream    string `json:"stream,omitempty"`
	Tag       string `json:"tag,omitempty"`
	// StreamLabels selects streams by their labels.
	StreamLabels map[string]string `json:"streamLabels,omitempty"`

	// KeepTagRevisions replaces Options.KeepTagRevisions.
	KeepTagRevisions *int `json:"keepTagRevisions,omitempty"`
	// KeepYoungerThan replaces Options.KeepYoungerThan for tag events.
	// Set on an override without a Tag (one that selects namespaces,
	// streams or labels, or every stream), it also decides whether the
	// whole stream is young (step 1 of §1.3), resolved among those
	// overrides as above.
	KeepYoungerThan *time.Duration `json:"keepYoungerThan,omitempty"`
	// Never keeps every revision of the matched tags.
	Never bool `json:"never,omitempty"`
}

func (o Override) isPattern() bool { return strings.ContainsAny(o.Tag, "*?[") }

// Validate reports every problem with the options at once, each wrapping
// ErrInvalidOptions. The checks are oc's (negative keep values, size mode
// combined with a keep flag) plus a zero Now and malformed overrides.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...))
	}
	if o.Now.IsZero() {
		bad("Now must be set")
	}
	if o.KeepTagRevisions != nil && *o.KeepTagRevisions < 0 {
		bad("keep-tag-revisions must be greater than or equal to 0")
	}
	if o.KeepYoungerThan != nil && *o.KeepYoungerThan < 0 {
		bad("keep-younger-than must be greater than or equal to 0")
	}
	if o.AgeAndSize && !o.PruneOverSizeLimit {
		bad("age-and-size needs prune-over-size-limit")
	}
	if o.PruneOverSizeLimit && !o.AgeAndSize && (o.KeepTagRevisions != nil || o.KeepYoungerThan != nil) {
		bad("prune-over-size-limit cannot be specified with keep-tag-revisions nor keep-younger-than")
	}
	for i, ov := range o.Overrides {
		if ov.KeepTagRevisions != nil && *ov.KeepTagRevisions < 0 {
			bad("overrides[%d].keepTagRevisions must be greater than or equal to 0", i)
		}
		if ov.KeepYoungerThan != nil && *ov.KeepYoungerThan < 0 {
			bad("overrides[%d].keepYoungerThan must be greater than or equal to 0", i)
		}
		if ov.isPattern() {
			if _, err := path.Match(ov.Tag, ""); err != nil {
				bad("overrides[%d].tag %q: %v", i, ov.Tag, err)
			}
		}
		if ov.Namespace == "" && ov.Stream != "" {
			bad("overrides[%d]: a stream override needs a namespace", i)
		}
	}
	for ns, limit := range o.ImageSizeLimits {
		if limit < 0 {
			bad("imageSizeLimits[%q] must not be negative", ns)
		}
	}
	return errors.Join(errs...)
}

// policy is Options resolved: defaults filled in, thresholds computed.
type policy struct {
	Options
	// The list rules OCCompatible turns off (§6.9).
	keepAllListChildren, listAwareLinks bool
	sizeMode                            bool // oc's size mode: limits replace the age and revision rules
	ageAndSize                          bool // limits on top of them (§6.10)
	keepRevisions                       int  // meaningless in size mode
	hasAge                              bool // a keep-younger-than is in force
	threshold                           time.Time
	maxReferrers                        int
}

func resolve(o Options) policy {
	p := policy{Options: o, sizeMode: o.PruneOverSizeLimit && !o.AgeAndSize, ageAndSize: o.AgeAndSize, maxReferrers: o.MaxReferrers,
		keepAllListChildren: !o.OCCompatible, listAwareLinks: !o.OCCompatible}
	if p.maxReferrers <= 0 {
		p.maxReferrers = DefaultMaxReferrers
	}
	if !p.sizeMode {
		p.keepRevisions = DefaultKeepTagRevisions
		if o.KeepTagRevisions != nil {
			p.keepRevisions = *o.KeepTagRevisions
		}
		kyt := DefaultKeepYoungerThan
		if o.KeepYoungerThan != nil {
			kyt = *o.KeepYoungerThan
		}
		p.hasAge = true
		p.threshold = o.Now.Add(-kyt)
	}
	// In size mode oc leaves the threshold at the zero time (PRUNE.md
	// §1.1): ages are not checked, and every finished pod counts as young.
	return p
}

// Policy is the resolved policy recorded in a plan: every default filled
// in, so a plan can be read without knowing this package's defaults.
type Policy struct {
	Now                  time.Time         `json:"now"`
	KeepTagRevisions     *int              `json:"keepTagRevisions,omitempty"`
	KeepYoungerThan      string            `json:"keepYoungerThan,omitempty"`
	PruneOverSizeLimit   bool              `json:"pruneOverSizeLimit,omitempty"`
	AgeAndSize           bool              `json:"ageAndSize,omitempty"`
	ImageSizeLimits      map[string]int64  `json:"imageSizeLimits,omitempty"`
	OnlyManaged          bool              `json:"onlyManaged,omitempty"`
	SkipRegistry         bool              `json:"skipRegistry,omitempty"`
	Namespace            string            `json:"namespace,omitempty"`
	IgnoreInvalidRefs    bool              `json:"ignoreInvalidRefs,omitempty"`
	MaxReferrers         int               `json:"maxReferrers,omitempty"`
	Overrides            []OverrideSummary `json:"overrides,omitempty"`
	KeepAllListChildren  bool              `json:"keepAllListChildren,omitempty"`
	KeepReferencedImages bool              `json:"keepReferencedImages,omitempty"`
	ListAwareLinks       bool              `json:"listAwareLinks,omitempty"`
	OCCompatible         bool              `json:"ocCompatible,omitempty"`
}

// OverrideSummary is an Override as recorded in a plan, with its duration
// written as a Go duration string.
type OverrideSummary struct {
	Namespace        string            `json:"namespace,omitempty"`
	Stream           string            `json:"stream,omitempty"`
	Tag              string            `json:"tag,omitempty"`
	StreamLabels     map[string]string `json:"streamLabels,omitempty"`
	KeepTagRevisions *int              `json:"keepTagRevisions,omitempty"`
	KeepYoungerThan  string            `json:"keepYoungerThan,omitempty"`
	Never            bool              `json:"never,omitempty"`
}

func (p *policy) summary() Policy {
	s := Policy{
		Now:                  p.Now.UTC(),
		PruneOverSizeLimit:   p.PruneOverSizeLimit,
		AgeAndSize:           p.ageAndSize,
		ImageSizeLimits:      maps.Clone(p.ImageSizeLimits),
		OnlyManaged:          p.OnlyManaged,
		SkipRegistry:         p.SkipRegistry,
		Namespace:            p.Namespace,
		IgnoreInvalidRefs:    p.IgnoreInvalidRefs,
		MaxReferrers:         p.maxReferrers,
		KeepAllListChildren:  p.keepAllListChildren,
		KeepReferencedImages: p.KeepReferencedImages,
		ListAwareLinks:       p.listAwareLinks,
		OCCompatible:         p.OCCompatible,
	}
	if !p.sizeMode {
		n := p.keepRevisions
		s.KeepTagRevisions = &n
		s.KeepYoungerThan = p.Now.Sub(p.threshold).String()
	}
	for _, o := range p.Overrides {
		// A copy: the plan must not change when the caller reuses its
		// Options.
		os := OverrideSummary{Namespace: o.Namespace, Stream: o.Stream, Tag: o.Tag, StreamLabels: maps.Clone(o.StreamLabels), Never: o.Never}
		if o.KeepTagRevisions != nil {
			n := *o.KeepTagRevisions
			os.KeepTagRevisions = &n
		}
		if o.KeepYoungerThan != nil {
			os.KeepYoungerThan = o.KeepYoungerThan.String()
		}
		s.Overrides = append(s.Overrides, os)
	}
	return s
}

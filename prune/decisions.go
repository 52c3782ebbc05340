package prune

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/imagestreams/imagestreams/image"
)

// SchemaVersion is the version of the JSON form of Decisions and Report.
// It changes only when a field changes meaning or disappears.
const SchemaVersion = "prune.imagestreams.io/v1"

// Action is what a plan does with a tag event or an image. It encodes
// as "keep" or "delete" in JSON.
type Action uint8

// Actions. The zero Action is Keep, so an undecided entry is never
// deleted.
const (
	Keep Action = iota
	Delete
)

var actionNames = [...]string{Keep: "keep", Delete: "delete"}

// String returns the action's name.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText encodes the action's name.
func (a Action) MarshalText() ([]byte, error) {
	if int(a) >= len(actionNames) {
		return nil, fmt.Errorf("prune: unknown action %d", a)
	}
	return []byte(actionNames[a]), nil
}

// UnmarshalText decodes an action's name.
func (a *Action) UnmarshalText(b []byte) error {
	i := slices.Index(actionNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("prune: unknown action %q", b)
	}
	*a = Action(i)
	return nil
}

// Reason says which rule decided. It encodes as a stable kebab-case code
// (the constant's documented name), part of the plan's JSON schema.
type Reason uint8

// Reasons for tag events, in the order oc checks them (PRUNE.md §1.3).
const (
	reasonUnknown Reason = iota
	// ReasonNeverPrune "never-prune": an Override with Never matches the
	// tag.
	ReasonNeverPrune
	// ReasonYoungStream "young-stream": the stream is younger than
	// keep-younger-than, so oc does not touch it (step 1).
	ReasonYoungStream
	// ReasonYoung "young": the event (or image) is younger than
	// keep-younger-than (row 1; for images, stage 2).
	ReasonYoung
	// ReasonTagReferenced "tag-referenced": the newest event of a tag a
	// workload uses by tag (row 2).
	ReasonTagReferenced
	// ReasonDangling "dangling": the event names an image that does not
	// exist; it is deleted with no registry operation (row 3).
	ReasonDangling
	// ReasonWithinSizeLimit "within-size-limit": size mode, the image does
	// not exceed the namespace's limit (row 4a).
	ReasonWithinSizeLimit
	// ReasonWithinRevisions "within-revisions": among the newest
	// keep-tag-revisions (row 4b).
	ReasonWithinRevisions
	// ReasonDigestReferenced "digest-referenced": a workload uses the image
	// by digest in this repository (row 5); for images, in any repository
	// (Options.KeepReferencedImages).
	ReasonDigestReferenced
	// ReasonOverSizeLimit "over-size-limit": size mode (or AgeAndSize),
	// the image exceeds the limit and nothing else keeps the event (row 6).
	ReasonOverSizeLimit
	// ReasonUnused "unused": nothing keeps the event or the image (row 6;
	// stage 2).
	ReasonUnused
	// ReasonOutOfScope "out-of-scope": namespace mode, the stream is in
	// another namespace, or the image is never deleted because stage 2
	// does not run.
	ReasonOutOfScope
)

// Reasons only for images (PRUNE.md §1.4).
const (
	// ReasonMalformed "malformed": the image cannot be analysed (its name
	// or a blob is not a digest); it is kept and listed in
	// Decisions.InvalidImages.
	ReasonMalformed Reason = iota + ReasonOutOfScope + 1
	// ReasonTagged "tagged": a remaining tag event names the image.
	ReasonTagged
	// ReasonListChild "list-child": the image is a child of a kept
	// manifest list.
	ReasonListChild
	// ReasonUnmanaged "unmanaged": OnlyManaged is set and the image lacks
	// the openshift.io/image.managed="true" annotation.
	ReasonUnmanaged
)

var reasonNames = [...]string{
	reasonUnknown: "", ReasonNeverPrune: "never-prune", ReasonYoungStream: "young-stream", ReasonYoung: "young",
	ReasonTagReferenced: "tag-referenced", ReasonDangling: "dangling", ReasonWithinSizeLimit: "within-size-limit",
	ReasonWithinRevisions: "within-revisions", ReasonDigestReferenced: "digest-referenced",
	ReasonOverSizeLimit: "over-size-limit", ReasonUnused: "unused", ReasonOutOfScope: "out-of-scope",
	ReasonMalformed: "malformed", ReasonTagged: "tagged", ReasonListChild: "list-child", ReasonUnmanaged: "unmanaged",
}

// String returns the reason's code.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText encodes the reason's code.
func (r Reason) MarshalText() ([]byte, error) {
	if r == reasonUnknown || int(r) >= len(reasonNames) {
		return nil, fmt.Errorf("prune: unknown reason %d", r)
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText decodes a reason's code.
func (r *Reason) UnmarshalText(b []byte) error {
	i := slices.Index(reasonNames[:], string(b))
	if i <= 0 {
		return fmt.Errorf("prune: unknown reason %q", b)
	}
	*r = Reason(i)
	return nil
}

// Decisions is a plan: what a prune would keep and delete, and why. Every
// tag event of every stream and every image of the snapshot appears
// exactly once. Plan produces it; Execute carries it out. Its JSON form is
// stable and byte-identical for the same snapshot and options.
type Decisions struct {
	SchemaVersion string `json:"schemaVersion"`
	// Policy is the resolved policy that produced the plan.
	Policy Policy `json:"policy"`
	// Stats counts what the plan deletes, as oc's summary does.
	Stats Stats `json:"stats"`
	// Streams are sorted by namespace and name.
	Streams []StreamDecision `json:"streams"`
	// Images are sorted by name.
	Images []ImageDecision `json:"images"`
	// Blobs are the blobs to delete from the registry, sorted by digest.
	Blobs []Blob `json:"blobs,omitempty"`
	// InvalidReferences and InvalidImages are reported, not fatal.
	InvalidReferences []InvalidReference `json:"invalidReferences,omitempty"`
	InvalidImages     []InvalidImage     `json:"invalidImages,omitempty"`
}

// StreamDecision holds the decisions for one image stream.
type StreamDecision struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// ResourceVersion is the stream's version in the snapshot; Execute
	// compares it to detect a stream that changed since planning.
	ResourceVersion string `json:"resourceVersion,omitempty"`
	// Deleted counts the events to delete; the stream is updated when it
	// is not zero.
	Deleted int `json:"deleted"`
	// Tags are sorted by name.
	Tags []TagDecision `json:"tags"`
	// LayerLinks and ManifestLinks are the digests whose links in this
	// repository the deleted events release, in the order the stream's
	// events (tags by name, newest first) first use them. Layer links
	// cover layers and configs.
	LayerLinks    []string `json:"layerLinks,omitempty"`
	ManifestLinks []string `json:"manifestLinks,omitempty"`
}

// Repository returns "namespace/name", the stream's repository path.
func (s *StreamDecision) Repository() string { return s.Namespace + "/" + s.Name }

// TagDecision holds the decisions for one tag's history.
type TagDecision struct {
	Tag string `json:"tag"`
	// Removed is true when every event is deleted, so the tag disappears
	// from the stream's status.
	Removed bool `json:"removed,omitempty"`
	// Events are in history order, newest (revision 0) first.
	Events []EventDecision `json:"events"`
}

// EventDecision is the decision for one tag event.
type EventDecision struct {
	// Revision is the event's index in the history, 0 for the newest.
	Revision int32      `json:"revision"`
	Action   Action     `json:"action"`
	Reason   Reason     `json:"reason"`
	Image    string     `json:"image"`
	Created  image.Time `json:"created"`
	// Referrers are up to Options.MaxReferrers references that kept the
	// event.
	Referrers []Referrer `json:"referrers,omitempty"`
}

// ImageDecision is the decision for one Image object.
type ImageDecision struct {
	Name   string `json:"name"`
	Action Action `json:"action"`
	Reason Reason `json:"reason"`
	// TaggedBy lists up to Options.MaxReferrers "namespace/name:tag" whose
	// remaining events name the image.
	TaggedBy []string `json:"taggedBy,omitempty"`
	// Lists are up to Options.MaxReferrers kept manifest lists the image
	// is a child of, when that kept it.
	Lists []string `json:"lists,omitempty"`
	// Referrers are the workloads that kept it (KeepReferencedImages).
	Referrers []Referrer `json:"referrers,omitempty"`
	// Blobs are, for a deleted image, every blob it uses (layers, config
	// and its manifest), whether or not the plan deletes them: Execute
	// keeps them when it has to keep the image after all.
	Blobs []string `json:"blobs,omitempty"`
	// Children are, for a manifest list that is deleted or under which
	// the plan deletes an image (a child, or a child list's child, and so
	// on), its children: Execute keeps them, and theirs, when a tag event
	// names the list by the time it runs.
	Children []string `json:"children,omitempty"`
	// Created is, for a deleted image, its creation time, which
	// ExecuteOptions.GracePeriod checks.
	Created image.Time `json:"created,omitzero"`
}

// Blob is a registry blob and its size in bytes, when an image records it
// (see Stats.BytesFreed), else 0.
type Blob struct {
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
}

// InvalidImage is an image the planner could not analyse; it is kept.
type InvalidImage struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

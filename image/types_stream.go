package image

// ImageStream is a named, namespaced set of tags, each with a history of
// the images it pointed to, newest first (SEMANTICS §1.2, §4, §5).
type ImageStream struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Spec   ImageStreamSpec   `json:"spec"`
	Status ImageStreamStatus `json:"status,omitempty"`
}

// ImageStreamSpec is what the user asks for.
type ImageStreamSpec struct {
	// LookupPolicy controls whether short names such as "mysql:8" resolve
	// to this stream in the namespace (SEMANTICS §11.2).
	LookupPolicy ImageLookupPolicy `json:"lookupPolicy,omitempty"`
	// DockerImageRepository is an optional repository to import all tags
	// from. Deprecated in OpenShift 3.7; use Tags with importPolicy.
	DockerImageRepository string `json:"dockerImageRepository,omitempty"`
	// Tags are the spec tags. On the wire they are a list; names are keys
	// (a duplicate name: the last one wins, SEMANTICS §2.3).
	Tags []TagReference `json:"tags,omitempty"`
}

// ImageLookupPolicy says whether the stream answers local short names.
type ImageLookupPolicy struct {
	Local bool `json:"local"`
}

// ImageStreamStatus is what the server observed.
type ImageStreamStatus struct {
	// DockerImageRepository is where images of this stream can be pulled
	// and pushed (the integrated registry, SEMANTICS §4.2).
	DockerImageRepository string `json:"dockerImageRepository"`
	// PublicDockerImageRepository is the same through the registry's
	// public host name, when one is configured.
	PublicDockerImageRepository string `json:"publicDockerImageRepository,omitempty"`
	// Tags are the histories of the tags, sorted by tag name.
	Tags []NamedTagEventList `json:"tags,omitempty"`
}

// TagReference is a spec tag: what a tag should point at and how to keep
// it up to date.
type TagReference struct {
	// Name is the tag name.
	Name string `json:"name"`
	// Annotations of the tag (encoded as null when nil).
	Annotations map[string]string `json:"annotations"`
	// From is what the tag points at: kind DockerImage, ImageStreamTag or
	// ImageStreamImage. A nil From means the tag is only a placeholder.
	From *ObjectReference `json:"from,omitempty"`
	// Reference true means the tag is not imported: the pull spec is used
	// as given.
	Reference bool `json:"reference,omitempty"`
	// Generation is the stream generation at which the tag last changed;
	// nil on the wire is null (SEMANTICS §4.3).
	Generation *int64 `json:"generation"`
	// ImportPolicy controls how the tag is imported.
	ImportPolicy TagImportPolicy `json:"importPolicy,omitempty"`
	// ReferencePolicy controls the pull spec handed out for the tag.
	ReferencePolicy TagReferencePolicy `json:"referencePolicy,omitempty"`
}

// TagImportPolicy controls how a tag is imported.
type TagImportPolicy struct {
	// Insecure allows an HTTP registry or one with an unverified
	// certificate, for this tag only.
	Insecure bool `json:"insecure,omitempty"`
	// Scheduled re-imports the tag periodically.
	Scheduled bool `json:"scheduled,omitempty"`
	// ImportMode says how manifest lists are imported.
	ImportMode ImportModeType `json:"importMode,omitempty"`
}

// ImportModeType says how a manifest list is imported.
type ImportModeType string

// Import modes (SEMANTICS §8.4).
const (
	// ImportModeLegacy imports one child of a manifest list.
	ImportModeLegacy ImportModeType = "Legacy"
	// ImportModePreserveOriginal imports the list and all its children.
	ImportModePreserveOriginal ImportModeType = "PreserveOriginal"
)

// TagReferencePolicy decides which pull spec a tag hands out.
type TagReferencePolicy struct {
	Type TagReferencePolicyType `json:"type"`
}

// TagReferencePolicyType is Source or Local.
type TagReferencePolicyType string

// Reference policies (SEMANTICS §11.1).
const (
	// SourceTagReferencePolicy hands out the image's source pull spec.
	SourceTagReferencePolicy TagReferencePolicyType = "Source"
	// LocalTagReferencePolicy hands out the integrated registry's pull
	// spec by digest.
	LocalTagReferencePolicy TagReferencePolicyType = "Local"
)

// NamedTagEventList is the history of one tag, newest first.
type NamedTagEventList struct {
	Tag string `json:"tag"`
	// Items is the history, newest first (encoded as null when nil).
	Items []TagEvent `json:"items"`
	// Conditions report problems such as a failed import.
	Conditions []TagEventCondition `json:"conditions,omitempty"`
}

// LatestObservedGeneration returns the newest spec-tag generation the
// history answers: the larger of its newest event's generation and that
// of its first ImportSuccess condition, 0 for a nil list (SEMANTICS
// §5.2). A spec tag whose generation is newer is still to be imported.
func (l *NamedTagEventList) LatestObservedGeneration() int64 {
	if l == nil {
		return 0
	}
	var gen int64
	if len(l.Items) > 0 {
		gen = l.Items[0].Generation
	}
	for _, c := range l.Conditions {
		if c.Type == ImportSuccess {
			gen = max(gen, c.Generation)
			break
		}
	}
	return gen
}

// TagEvent is one entry of a tag's history.
type TagEvent struct {
	// Created is when the tag started pointing at the image.
	Created Time `json:"created"`
	// DockerImageReference is the pull spec of the image.
	DockerImageReference string `json:"dockerImageReference"`
	// Image is the image name (manifest digest); empty for reference-only
	// tags.
	Image string `json:"image"`
	// Generation is the spec generation this event answers.
	Generation int64 `json:"generation"`
}

// TagEventConditionType is the type of a tag condition.
type TagEventConditionType string

// ImportSuccess is the only tag condition type: False when the last import
// of the tag failed.
const ImportSuccess TagEventConditionType = "ImportSuccess"

// TagEventCondition reports a problem with a tag.
type TagEventCondition struct {
	Type               TagEventConditionType `json:"type"`
	Status             ConditionStatus       `json:"status"`
	LastTransitionTime Time                  `json:"lastTransitionTime,omitempty"`
	Reason             string                `json:"reason,omitempty"`
	Message            string                `json:"message,omitempty"`
	Generation         int64                 `json:"generation"`
}

// ImageStreamList is a list of ImageStreams.
type ImageStreamList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []ImageStream `json:"items"`
}

package image

// ImageStreamMapping tags an image into a stream, creating the Image if it
// does not exist; the integrated registry sends one after every push by
// tag (SEMANTICS §6).
type ImageStreamMapping struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Image Image  `json:"image"`
	Tag   string `json:"tag"`
}

// ImageStreamTag is the view of one tag of a stream and its current image,
// named "<stream>:<tag>" (SEMANTICS §12.1).
type ImageStreamTag struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	// Tag is the spec tag, nil if the tag exists only in status.
	Tag *TagReference `json:"tag"`
	// Generation is the generation of the current tag event.
	Generation int64 `json:"generation"`
	// LookupPolicy is the stream's lookup policy.
	LookupPolicy ImageLookupPolicy `json:"lookupPolicy"`
	// Conditions are the tag's conditions.
	Conditions []TagEventCondition `json:"conditions,omitempty"`
	// Image is the current image.
	Image Image `json:"image"`
}

// ImageStreamTagList is a list of ImageStreamTags.
type ImageStreamTagList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []ImageStreamTag `json:"items"`
}

// ImageTag is the view of one tag with its spec, status and image, named
// "<stream>:<tag>" (SEMANTICS §12.2).
type ImageTag struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Spec   *TagReference      `json:"spec"`
	Status *NamedTagEventList `json:"status"`
	Image  *Image             `json:"image"`
}

// ImageTagList is a list of ImageTags.
type ImageTagList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []ImageTag `json:"items"`
}

// ImageStreamImage is an image as seen from a stream that has it in its
// history, named "<stream>@<id>" (SEMANTICS §13).
type ImageStreamImage struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Image Image `json:"image"`
}

// ImageStreamLayers lists the blobs of every image in a stream's history,
// for registries deciding what a stream may access (SEMANTICS §7).
type ImageStreamLayers struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	// Blobs maps a blob digest (layer, config or manifest) to its data.
	Blobs map[string]ImageLayerData `json:"blobs"`
	// Images maps an image name to the blobs it references.
	Images map[string]ImageBlobReferences `json:"images"`
}

// ImageBlobReferences are the blobs one image references.
type ImageBlobReferences struct {
	// ImageMissing is true when the stream names the image but it is not
	// known.
	ImageMissing bool `json:"imageMissing"`
	// Layers are the layer digests, base first (null when nil).
	Layers []string `json:"layers"`
	// Config is the config blob digest, if any.
	Config *string `json:"config"`
	// Manifests are the children of a manifest list.
	Manifests []string `json:"manifests,omitempty"`
}

// ImageLayerData is the size and media type of one blob.
type ImageLayerData struct {
	// LayerSize is the size, nil when unknown.
	LayerSize *int64 `json:"size"`
	MediaType string `json:"mediaType"`
}

// ImageStreamImport asks to import images or a whole repository into a
// stream and reports the result (SEMANTICS §8).
type ImageStreamImport struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Spec   ImageStreamImportSpec   `json:"spec"`
	Status ImageStreamImportStatus `json:"status"`
}

// ImageStreamImportSpec is what to import.
type ImageStreamImportSpec struct {
	// Import true applies the results to the stream; false only reports
	// them (a dry run).
	Import bool `json:"import"`
	// Repository imports the tags of a whole repository.
	Repository *RepositoryImportSpec `json:"repository,omitempty"`
	// Images are individual images to import.
	Images []ImageImportSpec `json:"images,omitempty"`
}

// ImageStreamImportStatus is the result of an import.
type ImageStreamImportStatus struct {
	// Import is the stream after the import, when Spec.Import was true.
	Import *ImageStream `json:"import,omitempty"`
	// Repository is the result of the repository import.
	Repository *RepositoryImportStatus `json:"repository,omitempty"`
	// Images has one result per Spec.Images entry, in order.
	Images []ImageImportStatus `json:"images,omitempty"`
}

// RepositoryImportSpec imports the tags of a repository.
type RepositoryImportSpec struct {
	// From is the repository, kind DockerImage, with no tag or digest.
	From            ObjectReference    `json:"from"`
	ImportPolicy    TagImportPolicy    `json:"importPolicy,omitempty"`
	ReferencePolicy TagReferencePolicy `json:"referencePolicy,omitempty"`
	IncludeManifest bool               `json:"includeManifest,omitempty"`
}

// RepositoryImportStatus is the result of a repository import.
type RepositoryImportStatus struct {
	Status Status              `json:"status,omitempty"`
	Images []ImageImportStatus `json:"images,omitempty"`
	// AdditionalTags are tags found beyond the import limit.
	AdditionalTags []string `json:"additionalTags,omitempty"`
}

// ImageImportSpec imports one image.
type ImageImportSpec struct {
	// From is the image, kind DockerImage.
	From ObjectReference `json:"from"`
	// To is the tag to import into; nil only reports the result.
	To              *LocalObjectReference `json:"to,omitempty"`
	ImportPolicy    TagImportPolicy       `json:"importPolicy,omitempty"`
	ReferencePolicy TagReferencePolicy    `json:"referencePolicy,omitempty"`
	IncludeManifest bool                  `json:"includeManifest,omitempty"`
}

// ImageImportStatus is the result of importing one image.
type ImageImportStatus struct {
	Status Status `json:"status"`
	Image  *Image `json:"image,omitempty"`
	Tag    string `json:"tag,omitempty"`
	// Manifests are the children of an imported manifest list
	// (PreserveOriginal).
	Manifests []Image `json:"manifests,omitempty"`
}

// SecretType is the type of a Secret.
type SecretType string

// Secret types the importer reads (SEMANTICS §8.7, §10.5).
const (
	SecretTypeDockercfg        SecretType = "kubernetes.io/dockercfg"
	SecretTypeDockerConfigJSON SecretType = "kubernetes.io/dockerconfigjson"
	SecretTypeOpaque           SecretType = "Opaque"
)

// Keys of the pull-secret data.
const (
	DockerConfigKey     = ".dockercfg"
	DockerConfigJSONKey = ".dockerconfigjson"
)

// Secret is the part of Kubernetes' core Secret the image API uses: pull
// secrets for imports.
type Secret struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	Immutable  *bool             `json:"immutable,omitempty"`
	Data       map[string][]byte `json:"data,omitempty"`
	StringData map[string]string `json:"stringData,omitempty"`
	Type       SecretType        `json:"type,omitempty"`
}

// SecretList is the list of pull secrets of a stream's namespace
// (imagestreams/<name>/secrets, SEMANTICS §10.5).
type SecretList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []Secret `json:"items"`
}

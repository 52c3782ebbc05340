package image

import (
	"encoding/json"
	"strings"
)

// Image is an immutable container image known to the cluster: its
// manifest digest (the name), where to pull it from, its layers and its
// config metadata (SEMANTICS §1.2, §10). Images are cluster-scoped.
type Image struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	// DockerImageReference is the pull spec of the image.
	DockerImageReference string `json:"dockerImageReference,omitempty"`
	// DockerImageMetadata is the image config in the "DockerImage" 1.0
	// shape, typed rather than raw.
	DockerImageMetadata DockerImage `json:"dockerImageMetadata,omitempty"`
	// DockerImageMetadataVersion is the version of DockerImageMetadata;
	// empty means "1.0".
	DockerImageMetadataVersion string `json:"dockerImageMetadataVersion,omitempty"`
	// DockerImageManifest is the raw manifest JSON, when kept.
	DockerImageManifest string `json:"dockerImageManifest,omitempty"`
	// DockerImageLayers lists the layers, base first. Empty for manifest
	// lists.
	DockerImageLayers []ImageLayer `json:"dockerImageLayers,omitempty"`
	// Signatures holds the image signatures.
	Signatures []ImageSignature `json:"signatures,omitempty"`
	// DockerImageSignatures holds raw schema 1 signatures.
	DockerImageSignatures [][]byte `json:"dockerImageSignatures,omitempty"`
	// DockerImageManifestMediaType is the manifest's media type.
	DockerImageManifestMediaType string `json:"dockerImageManifestMediaType,omitempty"`
	// DockerImageConfig is the raw config JSON, when kept (not for lists).
	DockerImageConfig string `json:"dockerImageConfig,omitempty"`
	// DockerImageManifests lists the children of a manifest list; set only
	// for manifest lists, which then have no layers.
	DockerImageManifests []ImageManifest `json:"dockerImageManifests,omitempty"`
}

// MarshalJSON encodes the Image with a kind and apiVersion in
// dockerImageMetadata even when the Go value leaves them empty, because
// OpenShift re-encodes the metadata on every output and so always writes
// them (SEMANTICS §1.2, §2.2). An empty kind is "DockerImage"; an empty
// apiVersion is "image.openshift.io/" + dockerImageMetadataVersion ("1.0"
// when empty, the version alone when it has a "/"). Values already set,
// such as the legacy apiVersion "1.0", are kept. img is not modified.
//
// Images nested in other kinds are covered too, by value or by pointer:
// the value receiver lets encoding/json find the method on an Image it
// cannot address (a value passed to json.Marshal, the Image of an
// ImageStreamTag passed by value, a map value), at the cost of one copy
// of the struct, small next to the encoding.
func (img Image) MarshalJSON() ([]byte, error) {
	// plain has Image's fields but not this method.
	type plain Image
	img.DockerImageMetadata.TypeMeta = metadataTypeMeta(&img)
	return json.Marshal((*plain)(&img))
}

// metadataTypeMeta returns the kind and apiVersion img's
// dockerImageMetadata carries on the wire, as Image.MarshalJSON documents.
func metadataTypeMeta(img *Image) TypeMeta {
	tm := img.DockerImageMetadata.TypeMeta
	if tm.Kind == "" {
		tm.Kind = DockerImageMetadataKind
	}
	if tm.APIVersion == "" {
		switch v := img.DockerImageMetadataVersion; {
		case v == "" || v == DockerImageMetadataVersion:
			tm.APIVersion = DockerImageMetadataAPIVersion
		case strings.Contains(v, "/"):
			tm.APIVersion = v
		default:
			tm.APIVersion = GroupName + "/" + v
		}
	}
	return tm
}

// ImageLayer is one layer of an image.
type ImageLayer struct {
	// Name is the layer's blob digest.
	Name string `json:"name"`
	// LayerSize is the layer's size in bytes.
	LayerSize int64 `json:"size"`
	// MediaType is the layer's media type.
	MediaType string `json:"mediaType"`
}

// ImageManifest is one child of a manifest list.
type ImageManifest struct {
	Digest       string `json:"digest"`
	MediaType    string `json:"mediaType"`
	ManifestSize int64  `json:"manifestSize"`
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

// ImageList is a list of Images.
type ImageList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []Image `json:"items"`
}

// ImageSignature is a signature of an image. Its name is
// "<imageName>@<signatureName>" (SEMANTICS §3.3, §10.4).
type ImageSignature struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`

	// Type is the signature's format, e.g. SignatureTypeAtomicImageV1.
	Type string `json:"type"`
	// Content is the signature blob.
	Content []byte `json:"content"`
	// Conditions describe the result of verification.
	Conditions []SignatureCondition `json:"conditions,omitempty"`
	// ImageIdentity is the identity the signature claims.
	ImageIdentity string `json:"imageIdentity,omitempty"`
	// SignedClaims are the claims of the signature.
	SignedClaims map[string]string `json:"signedClaims,omitempty"`
	// Created is when the signature was made.
	Created *Time `json:"created,omitempty"`
	// IssuedBy describes the signer.
	IssuedBy *SignatureIssuer `json:"issuedBy,omitempty"`
	// IssuedTo describes the signed subject.
	IssuedTo *SignatureSubject `json:"issuedTo,omitempty"`
}

// SignatureConditionType is the type of a signature condition.
type SignatureConditionType string

// ConditionStatus is True, False or Unknown.
type ConditionStatus string

// Condition statuses.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// SignatureCondition is one result of verifying a signature.
type SignatureCondition struct {
	Type               SignatureConditionType `json:"type"`
	Status             ConditionStatus        `json:"status"`
	LastProbeTime      Time                   `json:"lastProbeTime,omitempty"`
	LastTransitionTime Time                   `json:"lastTransitionTime,omitempty"`
	Reason             string                 `json:"reason,omitempty"`
	Message            string                 `json:"message,omitempty"`
}

// SignatureGenericEntity is the common part of a signature's issuer and
// subject.
type SignatureGenericEntity struct {
	Organization string `json:"organization,omitempty"`
	CommonName   string `json:"commonName,omitempty"`
}

// SignatureIssuer is who signed.
type SignatureIssuer struct {
	SignatureGenericEntity `json:",inline"`
}

// SignatureSubject is what was signed, with the key it was signed for.
type SignatureSubject struct {
	SignatureGenericEntity `json:",inline"`
	PublicKeyID            string `json:"publicKeyID"`
}

// DockerImage is the image config metadata in the "DockerImage" 1.0 shape
// that OpenShift stores in dockerImageMetadata (SEMANTICS §1.2). Note that
// it has no OS field. On the wire it carries kind "DockerImage" and
// apiVersion "image.openshift.io/1.0" (older objects: "1.0"); an Image
// writes them when its DockerImage leaves them empty (Image.MarshalJSON).
type DockerImage struct {
	TypeMeta        `json:",inline"`
	ID              string        `json:"Id"`
	Parent          string        `json:"Parent,omitempty"`
	Comment         string        `json:"Comment,omitempty"`
	Created         Time          `json:"Created,omitempty"`
	Container       string        `json:"Container,omitempty"`
	ContainerConfig DockerConfig  `json:"ContainerConfig,omitempty"`
	DockerVersion   string        `json:"DockerVersion,omitempty"`
	Author          string        `json:"Author,omitempty"`
	Config          *DockerConfig `json:"Config,omitempty"`
	Architecture    string        `json:"Architecture,omitempty"`
	Size            int64         `json:"Size,omitempty"`
}

// DockerConfig is the run configuration of an image in the DockerImage 1.0
// shape.
type DockerConfig struct {
	Hostname        string              `json:"Hostname,omitempty"`
	Domainname      string              `json:"Domainname,omitempty"`
	User            string              `json:"User,omitempty"`
	Memory          int64               `json:"Memory,omitempty"`
	MemorySwap      int64               `json:"MemorySwap,omitempty"`
	CPUShares       int64               `json:"CpuShares,omitempty"`
	CPUSet          string              `json:"Cpuset,omitempty"`
	AttachStdin     bool                `json:"AttachStdin,omitempty"`
	AttachStdout    bool                `json:"AttachStdout,omitempty"`
	AttachStderr    bool                `json:"AttachStderr,omitempty"`
	PortSpecs       []string            `json:"PortSpecs,omitempty"`
	ExposedPorts    map[string]struct{} `json:"ExposedPorts,omitempty"`
	Tty             bool                `json:"Tty,omitempty"`
	OpenStdin       bool                `json:"OpenStdin,omitempty"`
	StdinOnce       bool                `json:"StdinOnce,omitempty"`
	Env             []string            `json:"Env,omitempty"`
	Cmd             []string            `json:"Cmd,omitempty"`
	DNS             []string            `json:"Dns,omitempty"`
	Image           string              `json:"Image,omitempty"`
	Volumes         map[string]struct{} `json:"Volumes,omitempty"`
	VolumesFrom     string              `json:"VolumesFrom,omitempty"`
	WorkingDir      string              `json:"WorkingDir,omitempty"`
	Entrypoint      []string            `json:"Entrypoint,omitempty"`
	NetworkDisabled bool                `json:"NetworkDisabled,omitempty"`
	SecurityOpts    []string            `json:"SecurityOpts,omitempty"`
	OnBuild         []string            `json:"OnBuild,omitempty"`
	Labels          map[string]string   `json:"Labels,omitempty"`
}

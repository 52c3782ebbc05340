package image

// API group and versions.
const (
	// GroupName is the API group of every kind of this package.
	GroupName = "image.openshift.io"
	// Version is the only served version.
	Version = "v1"
	// APIVersion is the apiVersion written on encoding.
	APIVersion = GroupName + "/" + Version
	// LegacyAPIVersion is the group-less form older OpenShift releases and
	// documents use; Decode accepts it.
	LegacyAPIVersion = "v1"
)

// Well-known annotations and labels (SEMANTICS §1.3).
const (
	// ManagedByOpenShiftAnnotation is "true" on images pushed to the
	// integrated registry. Pruning with AllImages=false keeps images
	// without it.
	ManagedByOpenShiftAnnotation = "openshift.io/image.managed"
	// DockerImageRepositoryCheckAnnotation holds the RFC 3339 time of the
	// last import of the stream.
	DockerImageRepositoryCheckAnnotation = "openshift.io/image.dockerRepositoryCheck"
	// InsecureRepositoryAnnotation "true" on a stream allows insecure
	// repository imports.
	InsecureRepositoryAnnotation = "openshift.io/image.insecureRepository"
	// ExcludeImageSecretAnnotation "true" on a Secret hides it from a
	// stream's pull secrets.
	ExcludeImageSecretAnnotation = "openshift.io/image.excludeSecret"
	// DockerImageLayersOrderAnnotation says whether an Image's layers are
	// listed base first ("ascending") or top first ("descending").
	DockerImageLayersOrderAnnotation = "image.openshift.io/dockerLayersOrder"
	// ImporterPreferArchAnnotation on a spec tag picks the architecture of
	// a manifest list's child in Legacy imports.
	ImporterPreferArchAnnotation = "importer.image.openshift.io/prefer-arch"
	// ImporterPreferOSAnnotation on a spec tag picks the OS likewise.
	ImporterPreferOSAnnotation = "importer.image.openshift.io/prefer-os"
	// ImageManifestBlobStoredAnnotation "true" means the registry keeps the
	// manifest and config blobs, so the Image drops them.
	ImageManifestBlobStoredAnnotation = "image.openshift.io/manifestBlobStored"
	// ManagedSignatureAnnotation is deprecated and removed from every
	// signature on create and update.
	ManagedSignatureAnnotation = "image.openshift.io/managed-signature"
	// ImportedFromAnnotation is set client-side by `oc new-app`; the server
	// never reads it.
	ImportedFromAnnotation = "openshift.io/imported-from"
	// ResolveNamesAnnotation "*" on a pod template forces local name
	// resolution (SEMANTICS §11.2).
	ResolveNamesAnnotation = "alpha.image.policy.openshift.io/resolve-names"
	// TriggersAnnotation holds image change triggers of a workload.
	TriggersAnnotation = "image.openshift.io/triggers"
)

// Values of DockerImageLayersOrderAnnotation.
const (
	DockerImageLayersOrderAscending  = "ascending"
	DockerImageLayersOrderDescending = "descending"
)

// Defaults and limits (SEMANTICS §1.3).
const (
	// DefaultImageTag is the tag used wherever none is given.
	DefaultImageTag = "latest"
	// DefaultImportMode is the import mode OpenShift uses when none is set.
	// Callers may configure another default where the API allows.
	DefaultImportMode = ImportModeLegacy
	// DefaultReferencePolicy is the reference policy when none is set.
	DefaultReferencePolicy = SourceTagReferencePolicy
	// MaxImagesBulkImportedPerRepository is the default repository import
	// limit.
	MaxImagesBulkImportedPerRepository = 50
	// DefaultScheduledImportIntervalSeconds is how often scheduled tags are
	// re-imported (15 minutes).
	DefaultScheduledImportIntervalSeconds = 900
	// DefaultMaxScheduledImportsPerMinute caps scheduled imports.
	DefaultMaxScheduledImportsPerMinute = 60
	// DefaultImageStreamLayerCacheSize is the size of the importer's
	// layer size cache.
	DefaultImageStreamLayerCacheSize = 2048
	// NameTotalLengthMax bounds len(namespace + "/" + name) of a stream.
	NameTotalLengthMax = 255
	// DockerImageMetadataVersion is the default dockerImageMetadataVersion.
	DockerImageMetadataVersion = "1.0"
	// DockerImageMetadataAPIVersion is the apiVersion OpenShift writes in
	// dockerImageMetadata.
	DockerImageMetadataAPIVersion = GroupName + "/1.0"
	// DockerImageMetadataKind is the kind written in dockerImageMetadata.
	DockerImageMetadataKind = "DockerImage"
)

// Resource names and limit types used by quota and LimitRange.
const (
	ResourceImageStreams      = "openshift.io/imagestreams"
	ResourceImageStreamImages = "openshift.io/images"
	ResourceImageStreamTags   = "openshift.io/image-tags"
	LimitTypeImage            = "openshift.io/Image"
	LimitTypeImageStream      = "openshift.io/ImageStream"
)

// Signature condition types and the signature type (SEMANTICS §1.2).
const (
	SignatureTrusted           SignatureConditionType = "Trusted"
	SignatureForImage          SignatureConditionType = "ForImage"
	SignatureExpired           SignatureConditionType = "Expired"
	SignatureRevoked           SignatureConditionType = "Revoked"
	SignatureTypeAtomicImageV1                        = "AtomicImageV1"
)

// Kinds an ObjectReference in this API may name.
const (
	KindDockerImage      = "DockerImage"
	KindImageStreamTag   = "ImageStreamTag"
	KindImageStreamImage = "ImageStreamImage"
)

// Media types of manifests, configs and layers.
const (
	MediaTypeDockerSchema1Manifest       = "application/vnd.docker.distribution.manifest.v1+json"
	MediaTypeDockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws"
	MediaTypeDockerSchema2Manifest       = "application/vnd.docker.distribution.manifest.v2+json"
	MediaTypeDockerSchema2ManifestList   = "application/vnd.docker.distribution.manifest.list.v2+json"
	MediaTypeDockerSchema2Config         = "application/vnd.docker.container.image.v1+json"
	MediaTypeDockerSchema2Layer          = "application/vnd.docker.image.rootfs.diff.tar.gzip"
	MediaTypeDockerSchema2ForeignLayer   = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
	MediaTypeDockerSchema1Layer          = "application/vnd.docker.container.image.rootfs.diff+x-gtar"
	MediaTypeOCIManifest                 = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeOCIIndex                    = "application/vnd.oci.image.index.v1+json"
	MediaTypeOCIConfig                   = "application/vnd.oci.image.config.v1+json"
	MediaTypeOCILayer                    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

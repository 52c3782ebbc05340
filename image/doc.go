// Package image holds the types of OpenShift's image API
// (image.openshift.io/v1), their wire encoding, their validation, and the
// construction of Images from registry manifests.
//
// The package does no I/O: it has no clock, no network and no storage, so
// it is cheap to import from tests and tools.
//
// # Kinds
//
// Every kind of the API has a Go type of the same name: [Image],
// [ImageSignature], [ImageStream], [ImageStreamImage], [ImageStreamImport],
// [ImageStreamLayers], [ImageStreamMapping], [ImageStreamTag], [ImageTag]
// and [SecretList], with the lists [ImageList], [ImageStreamList],
// [ImageStreamTagList] and [ImageTagList]. Only Image and ImageStream are
// stored by OpenShift; the others are views computed from them. [List] is
// Kubernetes' generic list, which `oc get -o json` prints for a resource
// type without a name or for several resources: its items may be of any
// of these kinds, each naming its own.
//
// # Wire compatibility
//
// The JSON field names, omitempty rules and null values match what
// `oc get -o json` prints: a nil TagReference.Generation encodes as null,
// a zero [Time] as null, Status metadata as {}. [Decode] reads JSON or YAML,
// picks the Go type from apiVersion and kind (accepting the group-less
// "v1" of OpenShift 3 documents), rejects unknown fields and names the
// offending field path in a [*DecodeError], items[i]... within a List.
// [Encode] fills kind and apiVersion when they are empty, those of a
// List's items included. Decode applies no defaults, so a round trip
// keeps every value; only missing kinds and apiVersions are added, and
// the empty metadata.resourceVersion that oc prints in a List.
//
// dockerImageMetadata is the typed [DockerImage] (the "DockerImage" 1.0
// shape with capitalized keys such as Id, Config and ContainerConfig),
// not raw bytes. As in OpenShift, it always carries kind "DockerImage" and
// an apiVersion on the wire, "image.openshift.io/1.0" for the usual
// metadata version (see [Image.MarshalJSON]).
//
// # Spec tags and status tags are lists on the wire
//
// OpenShift keeps spec and status tags in maps keyed by tag name and
// writes them out sorted by name; when a list names a tag twice, the last
// entry wins (SEMANTICS §2.3). The types here keep the wire's lists.
//
// # Validation
//
// ValidateImageStream, ValidateImage and their siblings implement every
// rule of SEMANTICS §3 with OpenShift's messages and field paths, and
// return all problems at once as an [*InvalidError] whose Errs are
// [*FieldError] values (errors.Is(err, [ErrInvalid]) holds). Spec and
// status tags are addressed by name, as OpenShift does: spec.tags[latest].
// Where OpenShift walks a map and so reports in random order, errors come
// here in list order (sorted key order for maps); when a list names a tag
// twice only the last entry is validated, matching §2.3. Validation does
// not apply defaults: an empty referencePolicy.type is invalid, so call
// [SetDefaults] first on objects built by hand. A nil object is invalid
// too, not a panic: the error is an *InvalidError with a Required error
// at the root path (Field "") for each nil object, "object is nil", or
// "old object is nil" for the old object of an update.
//
// # Images from manifests
//
// [FromManifest] builds an Image the way OpenShift's importer does
// (SEMANTICS §8.6, §10.2): from an OCI image manifest, a Docker schema 2
// manifest or a Docker schema 1 manifest (signed or not) and the config
// blob. The name is the manifest digest, verified against the expected
// digest when one is given; layers are listed base first with their sizes
// and media types; dockerImageMetadata comes from the config, with Id set
// to the config digest; the size is the config's length plus every
// distinct layer once. An OCI index or Docker manifest list becomes an
// Image with [Image.DockerImageManifests] and no layers, as OpenShift
// stores lists imported with PreserveOriginal. [ParseManifest] exposes the
// parsed manifest so an importer can fetch the config between parsing and
// building; [ImageWithMetadata] fills an Image from the manifest and config
// it carries, as the API server does for pushed images.
//
// # Platforms
//
// [NormalizePlatform] applies the usual spellings (x86_64 is amd64,
// aarch64 is arm64, armhf is arm/v7, ...) and [SelectManifest] picks the
// child of a manifest list that a Legacy import uses: the preferred
// OS/architecture, else linux/amd64, else the first. Matching is exact:
// there are no "can run on" fallbacks such as arm64 running arm/v7.
package image

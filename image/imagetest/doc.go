// Package imagetest builds image API objects for tests, here and in
// downstream projects: realistic images with real manifests and digests,
// manifest lists for chosen platforms, streams with a tag history,
// mappings, import results, and seeded random snapshots of whole
// clusters.
//
// # Builders
//
//   - [Image] and [ImageContent]: an image with layers, config and
//     metadata, as OpenShift stores it and as a registry serves it
//     (OCI, or Docker schema 2 with Options.Schema2).
//   - [ListImage] and [Index]: a manifest list over chosen platforms
//     ("linux/amd64", "linux/arm64/v8", …) and its children.
//   - [Stream]: a stream with a tag history, newest first.
//   - [Mapping]: the ImageStreamMapping the registry sends after a push.
//   - [Import] and [RepositoryImport], fed with [Imported] and
//     [ImportFailed]: an ImageStreamImport as the API server answers it,
//     with successful and failed images and OpenShift's status messages
//     (SEMANTICS §8.2, §8.3, §8.12).
//   - [RandomSnapshot]: N images and M streams with a chosen history
//     depth, shared layers and manifest lists.
//
// # Determinism
//
// Everything is deterministic: the same arguments give byte-identical
// objects on every run, so fixtures can back golden files. Times derive
// from [Epoch]. Randomness is opt-in, through an explicit seed
// ([RandomSnapshot]).
//
// Fixtures are returned as fresh values that share nothing with their
// inputs; tests may change them freely. Every object validates with the
// image package's validation, which this package's own tests check;
// arguments that cannot give a valid object, such as a malformed
// platform, make the builder panic.
//
// The package imports only the image and reference packages and the OCI
// libraries, so it is cheap to depend on.
package imagetest

// Package imagetest builds image API objects for tests, here and in
// downstream projects: realistic images with real manifests and digests,
// manifest lists for chosen platforms, streams with a tag history,
// mappings, and seeded random snapshots of whole clusters.
//
// Everything is deterministic: the same arguments give byte-identical
// objects on every run, so fixtures can back golden files. Randomness is
// opt-in, through an explicit seed ([RandomSnapshot]). The package imports
// only the image package and the OCI libraries, so it is cheap to depend
// on.
//
// Fixtures are returned as fresh values; tests may change them freely.
package imagetest

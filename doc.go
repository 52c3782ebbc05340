// Package imagestreams is OpenShift's image API (group image.openshift.io/v1)
// as a Go library, with no Kubernetes API server behind it.
//
// The module tracks container images by tag with full history, imports
// them from registries, prunes what nobody uses and keeps the state in the
// store of your choice. This root package holds only documentation; the
// work is done by the packages below, each usable on its own.
//
// # Packages
//
//   - [github.com/imagestreams/imagestreams/reference]: pull specs with
//     OpenShift's semantics ("mysql" is docker.io/library/mysql:latest).
//   - [github.com/imagestreams/imagestreams/image]: the API types of every
//     kind (Image, ImageStream, ImageStreamTag, ImageStreamImport, ...),
//     wire-compatible with what `oc get -o json` prints, their validation
//     with field paths, and Images built from OCI and Docker manifests.
//   - [github.com/imagestreams/imagestreams/storage]: a small key-value
//     interface with optimistic concurrency and watch, with in-memory,
//     bbolt and etcd backends and a conformance suite for your own.
//
// # Where the behaviour comes from
//
// Every rule follows what OpenShift's API server does; doc comments and
// tests cite the numbered sections of the project's SEMANTICS.md, and
// document each place where OpenShift's behaviour is a known quirk.
//
// # A tour
//
// Decode an object as OpenShift prints it, validate it and read it:
//
//	obj, err := image.Decode(yamlOrJSON)
//	if err != nil { ... }
//	is := obj.(*image.ImageStream)
//	if err := image.ValidateImageStream(is); err != nil {
//		var inv *image.InvalidError
//		errors.As(err, &inv) // every problem, with its field path
//	}
//	ref, _ := reference.Parse(is.Status.Tags[0].Items[0].DockerImageReference)
//
// The README has a five-minute tour and the commands to run the examples
// and the tests.
package imagestreams

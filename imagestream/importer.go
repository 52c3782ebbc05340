package imagestream

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// Importer performs the registry side of an ImageStreamImport (SEMANTICS
// §8.2–§8.7): for every spec.images entry and for spec.repository it
// fetches manifests and configs and fills isi.Status with one result per
// image — the Image on success (not yet stored), or a failure Status with
// OpenShift's reason, message and code.
//
// stream is the target stream as stored (nil when it does not exist yet);
// the importer reads spec-tag annotations such as the preferred
// architecture from it and must not modify it. secrets are the pull
// secrets of the stream's namespace. Import returns an error only when it
// could not run at all; registry failures are results, not errors.
//
// The importer package implements it; the Service applies the results to
// the stream (SEMANTICS §8.8, §8.9).
type Importer interface {
	Import(ctx context.Context, isi *image.ImageStreamImport, stream *image.ImageStream, secrets []image.Secret) error
}

// SecretProvider returns the pull secrets of a namespace, all types
// included; the Service keeps those an import may use (SEMANTICS §10.5).
type SecretProvider interface {
	Secrets(ctx context.Context, namespace string) ([]image.Secret, error)
}

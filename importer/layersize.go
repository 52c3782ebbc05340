package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/opencontainers/go-digest"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
)

// fillSizes is OpenShift's calculateImageSize (SEMANTICS §8.6), run on an
// image whose size came out 0, in practice a schema 1 manifest whose
// v1Compatibility entries carry no size: it asks the registry for the
// size of each distinct layer blob, records it on the first layer with
// that digest (a repeated layer keeps 0, as OpenShift skips a digest it
// has seen before setting the size) and sets the image's size to their sum plus the config's
// length, the config counted only when no layer has its digest
// (configDigest; "" for schema 1, which has no config). A layer whose
// size cannot be found fails the import, as in OpenShift.
func (s *session) fillSizes(ctx context.Context, repo *remote.Repository, t target, img *image.Image, configDigest digest.Digest) error {
	sizes := make(map[string]int64, len(img.DockerImageLayers))
	var total int64
	for i := range img.DockerImageLayers {
		l := &img.DockerImageLayers[i]
		if _, ok := sizes[l.Name]; ok {
			continue
		}
		n, err := s.blobSize(ctx, repo, t, l.Name)
		if err != nil {
			return err
		}
		sizes[l.Name] = n
		l.LayerSize = n
		total += n
	}
	if _, isLayer := sizes[configDigest.String()]; len(img.DockerImageConfig) > 0 && !isLayer {
		total += int64(len(img.DockerImageConfig))
	}
	img.DockerImageMetadata.Size = total
	return nil
}

// blobSize returns the size of blob name of t from a HEAD request, once
// per session: images of one repository share most of their layers.
func (s *session) blobSize(ctx context.Context, repo *remote.Repository, t target, name string) (int64, error) {
	v, err := s.once(ctx, "blobsize\x00"+t.repoKey()+"\x00"+name, func(ctx context.Context) (any, error) {
		if err := s.repoLimiter(t.repoKey()).wait(ctx); err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(ctx, s.imp.opts.Timeout)
		defer cancel()
		desc, err := repo.Blobs().Resolve(ctx, name)
		if errors.Is(err, errdef.ErrNotFound) {
			// A missing layer is not a missing manifest: OpenShift
			// reports it as an internal error (SEMANTICS §8.11, §8.12).
			return nil, fmt.Errorf("layer %s: blob unknown to registry", name)
		}
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", name, err)
		}
		return desc.Size, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

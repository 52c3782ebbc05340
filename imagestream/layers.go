package imagestream

import (
	"context"
	"errors"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ImageStreamLayers returns the client for the layers view of streams in
// namespace ns (SEMANTICS §7).
func (s *Service) ImageStreamLayers(ns string) *ImageStreamLayers {
	return &ImageStreamLayers{s: s, ns: ns}
}

// ImageStreamLayers computes which blobs the images of a stream use.
type ImageStreamLayers struct {
	s  *Service
	ns string
}

// Get returns the layers of stream name: every image in any tag's history
// and every child of a manifest list, read from the Image store. OpenShift
// reads an informer cache and retries once when images are missing; a
// store read needs no retry, and an absent image is marked imageMissing
// (SEMANTICS §7).
func (c *ImageStreamLayers) Get(ctx context.Context, name string) (*image.ImageStreamLayers, error) {
	cur, err := c.s.loadStream(ctx, c.ns, name)
	if err != nil {
		return nil, err
	}
	return c.s.layersFor(ctx, cur.stream())
}

// layersFor runs the §7 algorithm over the read-only stream is.
func (s *Service) layersFor(ctx context.Context, is *image.ImageStream) (*image.ImageStreamLayers, error) {
	isl := &image.ImageStreamLayers{
		ObjectMeta: *is.ObjectMeta.DeepCopy(),
		Blobs:      map[string]image.ImageLayerData{},
		Images:     map[string]image.ImageBlobReferences{},
	}
	var add func(name string) error
	add = func(name string) error {
		if _, ok := isl.Images[name]; ok {
			return nil
		}
		img, err := s.Images().Get(ctx, name)
		if errors.Is(err, storage.ErrNotFound) {
			isl.Images[name] = image.ImageBlobReferences{ImageMissing: true}
			return nil
		}
		if err != nil {
			return err
		}
		var ref image.ImageBlobReferences
		for _, l := range img.DockerImageLayers {
			ref.Layers = append(ref.Layers, l.Name)
			if _, ok := isl.Blobs[l.Name]; !ok {
				size := l.LayerSize
				isl.Blobs[l.Name] = image.ImageLayerData{LayerSize: &size, MediaType: l.MediaType}
			}
		}
		mediaType := img.DockerImageManifestMediaType
		if mediaType == "" {
			mediaType = image.MediaTypeDockerSchema2Manifest
		}
		// Only schema2 and OCI manifests have a config blob (SEMANTICS §7).
		var configType string
		switch mediaType {
		case image.MediaTypeDockerSchema2Manifest:
			configType = image.MediaTypeDockerSchema2Config
		case image.MediaTypeOCIManifest:
			configType = image.MediaTypeOCIConfig
		}
		if configType != "" {
			id := img.DockerImageMetadata.ID
			ref.Config = &id
			if _, ok := isl.Blobs[id]; !ok {
				isl.Blobs[id] = image.ImageLayerData{MediaType: configType}
			}
		}
		for _, m := range img.DockerImageManifests {
			ref.Manifests = append(ref.Manifests, m.Digest)
		}
		if _, ok := isl.Blobs[name]; !ok {
			isl.Blobs[name] = image.ImageLayerData{MediaType: mediaType}
		}
		isl.Images[name] = ref
		for _, child := range ref.Manifests {
			if err := add(child); err != nil {
				return err
			}
		}
		return nil
	}
	for _, st := range is.Status.Tags {
		for _, item := range st.Items {
			if item.Image == "" {
				continue
			}
			if err := add(item.Image); err != nil {
				return nil, err
			}
		}
	}
	if err := image.ValidateImageStreamLayers(isl); err != nil {
		return nil, NewInvalid("ImageStreamLayers", is.Name, err)
	}
	return isl, nil
}

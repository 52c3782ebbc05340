package imagestream

import (
	"context"
	"maps"
	"slices"

	"github.com/imagestreams/imagestreams/image"
)

// ImageStreamImages returns the client for the "<stream>@<id>" views of
// namespace ns (SEMANTICS §13).
func (s *Service) ImageStreamImages(ns string) *ImageStreamImages {
	return &ImageStreamImages{s: s, ns: ns}
}

// ImageStreamImages reads images through the streams that reference them.
type ImageStreamImages struct {
	s  *Service
	ns string
}

// Get returns the image matching id ("<stream>@<id>", id a digest, its
// hex or a prefix of either) among every image in the stream's whole
// history and the children of its manifest lists (SEMANTICS §13).
//
// OpenShift keeps the last match in map order, so an ambiguous prefix
// resolves nondeterministically (QUIRK §14.10); here the last match in
// sorted name order wins, which is reproducible.
func (c *ImageStreamImages) Get(ctx context.Context, name string) (*image.ImageStreamImage, error) {
	stream, id, err := image.ParseImageStreamImageName(name)
	if err != nil {
		return nil, NewBadRequest("ImageStreamImages must be retrieved with <name>@<id>")
	}
	cur, err := c.s.loadStream(ctx, c.ns, stream)
	if err != nil {
		return nil, err
	}
	layers, err := c.s.layersFor(ctx, cur.stream())
	if err != nil {
		return nil, err
	}
	var match string
	for _, n := range slices.Sorted(maps.Keys(layers.Images)) {
		if image.DigestOrImageMatch(n, id) {
			match = n
		}
	}
	if match == "" {
		return nil, NewNotFound(ResourceImageStreamImage, name)
	}
	img, err := c.s.Images().Get(ctx, match)
	if err != nil {
		return nil, err
	}
	img.DockerImageManifest, img.DockerImageConfig = "", ""
	return &image.ImageStreamImage{
		ObjectMeta: image.ObjectMeta{
			Namespace:         c.ns,
			Name:              name,
			CreationTimestamp: img.CreationTimestamp,
			Annotations:       maps.Clone(cur.stream().Annotations),
		},
		Image: *img,
	}, nil
}

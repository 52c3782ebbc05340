package imagestream

import (
	"context"

	"github.com/imagestreams/imagestreams/image"
)

// ImageStreamTags returns the client for the "<stream>:<tag>" views of
// namespace ns (SEMANTICS §12.1).
func (s *Service) ImageStreamTags(ns string) *ImageStreamTags {
	return &ImageStreamTags{s: s, ns: ns}
}

// ImageStreamTags reads and writes single tags of streams.
type ImageStreamTags struct {
	s  *Service
	ns string
}

// Delete removes tag name ("<stream>:<tag>") from the stream's spec and
// status, as `oc tag -d` does (SEMANTICS §12.1). The images stay. Removing
// a spec tag is a spec change, so the stream's generation grows.
func (c *ImageStreamTags) Delete(ctx context.Context, name string) error {
	stream, tag, err := image.ParseImageStreamTagName(name)
	if err != nil {
		return NewBadRequest("ImageStreamTags must be retrieved with <name>:<tag>")
	}
	_, err = c.s.updateStreamWithRetry(ctx, c.ns, stream, ResourceImageStreamTags, "delete", func(is *image.ImageStream) error {
		inStatus := RemoveStatusTag(is, tag)
		inSpec := RemoveSpecTag(is, tag)
		if !inStatus && !inSpec {
			return NewNotFound(ResourceImageStreamTags, name)
		}
		return nil
	})
	return err
}

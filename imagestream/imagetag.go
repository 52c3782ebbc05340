package imagestream

import (
	"context"
	"errors"
	"slices"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ImageTags returns the client for the ImageTag views of namespace ns
// (SEMANTICS §12.2).
func (s *Service) ImageTags(ns string) *ImageTags {
	return &ImageTags{s: s, ns: ns}
}

// ImageTags reads the spec, status and image of single tags.
type ImageTags struct {
	s  *Service
	ns string
}

// Get returns the ImageTag name ("<stream>:<tag>"). It is NotFound only
// when the tag is neither in spec nor in status; an Image that cannot be
// loaded leaves the image nil rather than failing (SEMANTICS §12.2).
func (c *ImageTags) Get(ctx context.Context, name string) (*image.ImageTag, error) {
	stream, tag, err := image.ParseImageStreamTagName(name)
	if err != nil {
		return nil, NewBadRequest("ImageTags must be retrieved with <name>:<tag>")
	}
	cur, err := c.s.loadStream(ctx, c.ns, stream)
	if err != nil {
		return nil, err
	}
	it := newITag(cur.is, tag)
	if it == nil {
		return nil, NewNotFound(ResourceImageTags, name)
	}
	if event := LatestTaggedImage(cur.is, tag); event != nil && event.Image != "" {
		img, err := c.s.Images().Get(ctx, event.Image)
		switch {
		case err == nil:
			img.DockerImageManifest, img.DockerImageConfig = "", ""
			img.DockerImageReference = ResolveReferenceForTagEvent(cur.is, tag, event)
			it.Image = img
		case !errors.Is(err, storage.ErrNotFound):
			return nil, err
		}
	}
	return it, nil
}

// List returns one ImageTag per tag named in spec or status of every
// stream, sorted by stream then tag, with no images (SEMANTICS §12.2).
func (c *ImageTags) List(ctx context.Context) (*image.ImageTagList, error) {
	streams, err := c.s.ImageStreams(c.ns).List(ctx, ListOptions{})
	if err != nil {
		return nil, err
	}
	out := &image.ImageTagList{
		TypeMeta: image.TypeMeta{Kind: "ImageTagList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: streams.ResourceVersion},
		Items:    []image.ImageTag{},
	}
	slices.SortFunc(streams.Items, func(a, b image.ImageStream) int { return cmpStrictly(a.Name, b.Name) })
	for i := range streams.Items {
		is := &streams.Items[i]
		var names []string
		for _, t := range is.Spec.Tags {
			names = append(names, t.Name)
		}
		for _, t := range is.Status.Tags {
			names = append(names, t.Tag)
		}
		slices.Sort(names)
		for _, n := range slices.Compact(names) {
			if it := newITag(is, n); it != nil {
				out.Items = append(out.Items, *it)
			}
		}
	}
	return out, nil
}

// newITag builds the §12.2 view without its image, or nil when tag is in
// neither spec nor status. The stream is only read.
func newITag(is *image.ImageStream, tag string) *image.ImageTag {
	spec, status := SpecTag(is, tag), StatusTag(is, tag)
	if spec == nil && status == nil {
		return nil
	}
	it := &image.ImageTag{ObjectMeta: *is.ObjectMeta.DeepCopy()}
	it.Name = is.Name + ":" + tag
	if spec != nil {
		it.Spec = spec.DeepCopy()
	}
	if status != nil {
		it.Status = status.DeepCopy()
	}
	return it
}

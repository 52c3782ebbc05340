package imagestream

import (
	"context"
	"slices"

	"github.com/imagestreams/imagestreams/image"
)

// ImageTags returns the client for the ImageTag views of namespace ns
// (SEMANTICS §12.2).
func (s *Service) ImageTags(ns string) *ImageTags {
	return &ImageTags{s: s, ns: ns}
}

// ImageTags reads and writes the spec, status and image of single tags.
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
		return nil, itagNameError()
	}
	cur, err := c.s.loadStream(ctx, c.ns, stream)
	if err != nil {
		return nil, err
	}
	is := c.s.decorated(cur.stream())
	it, ok := newITag(is, tag)
	if !ok {
		return nil, NewNotFound(ResourceImageTags, name)
	}
	return c.s.withImage(ctx, it, is, tag)
}

// withImage sets the image of it, the view of tag of is, when it can be
// loaded (SEMANTICS §12.2): a missing Image leaves it nil.
func (s *Service) withImage(ctx context.Context, it *image.ImageTag, is *image.ImageStream, tag string) (*image.ImageTag, error) {
	event, img, err := s.tagImage(ctx, is, tag)
	switch {
	case err != nil && !isNotFound(err):
		return nil, err
	case img != nil:
		img.DockerImageReference = ResolveReferenceForTagEvent(is, tag, event)
		it.Image = img
	}
	return it, nil
}

// List returns one ImageTag per tag named in spec or status of every
// stream, sorted by stream then tag, with no images (SEMANTICS §12.2).
// opts select and page the streams: an ImageTag has its stream's labels.
// opts.FieldSelector, though, matches the views' own names
// ("<stream>:<tag>") and namespace.
func (c *ImageTags) List(ctx context.Context, opts ListOptions) (*image.ImageTagList, error) {
	fields, err := parseFieldSelector(opts.FieldSelector, metaFields)
	if err != nil {
		return nil, err
	}
	opts.FieldSelector = "" // it names the views, not the streams
	streams, err := c.s.ImageStreams(c.ns).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := &image.ImageTagList{
		TypeMeta: image.TypeMeta{Kind: "ImageTagList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: streams.ResourceVersion, Continue: streams.Continue},
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
			if it, _ := newITag(is, n); fields.matches(&it.ObjectMeta, nil) {
				out.Items = append(out.Items, *it)
			}
		}
	}
	return out, nil
}

// newITag builds the §12.2 view without its image; ok is false when tag
// is in neither spec nor status, and the view then carries only the
// stream's metadata (OpenShift's allowEmpty). The stream is only read.
func newITag(is *image.ImageStream, tag string) (it *image.ImageTag, ok bool) {
	it = &image.ImageTag{ObjectMeta: *is.ObjectMeta.DeepCopy()}
	it.Name = is.Name + ":" + tag
	if spec := SpecTag(is, tag); spec != nil {
		it.Spec = spec.DeepCopy()
	}
	if status := StatusTag(is, tag); status != nil {
		it.Status = status.DeepCopy()
	}
	return it, it.Spec != nil || it.Status != nil
}

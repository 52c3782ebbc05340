package imagestream

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
)

// Get returns the ImageStreamTag name ("<stream>:<tag>") built from the
// tag's newest event (SEMANTICS §12.1). A tag without history is NotFound
// even when the spec names it; a missing Image yields that Image's NotFound.
func (c *ImageStreamTags) Get(ctx context.Context, name string) (*image.ImageStreamTag, error) {
	stream, tag, err := image.ParseImageStreamTagName(name)
	if err != nil {
		return nil, istagNameError()
	}
	cur, err := c.s.loadStream(ctx, c.ns, stream)
	if err != nil {
		return nil, err
	}
	is := c.s.decorated(cur.stream())
	event, img, err := c.s.tagImage(ctx, is, tag)
	if event == nil || event.Image == "" {
		return nil, NewNotFound(ResourceImageStreamTags, name)
	}
	if err != nil {
		return nil, err
	}
	return newISTag(is, tag, event, img), nil
}

// newISTag builds the §12.1 representation. The stream is shared and is
// only read. img is the loaded Image, which the result takes over, with
// its manifest and config cleared; nil means not loaded, and the image
// then holds only its name. Either way its dockerImageReference follows
// the tag's reference policy.
func newISTag(is *image.ImageStream, tag string, event *image.TagEvent, img *image.Image) *image.ImageStreamTag {
	out := &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{
			Name:              is.Name + ":" + tag,
			Namespace:         is.Namespace,
			CreationTimestamp: event.Created,
			Labels:            maps.Clone(is.Labels),
			ResourceVersion:   is.ResourceVersion,
			UID:               is.UID,
		},
		Generation:   event.Generation,
		LookupPolicy: is.Spec.LookupPolicy,
	}
	loaded := img != nil
	if !loaded {
		img = &image.Image{ObjectMeta: image.ObjectMeta{Name: event.Image}}
	}
	if spec := SpecTag(is, tag); spec != nil {
		out.Tag = spec.DeepCopy()
		out.Annotations = maps.Clone(spec.Annotations)
		// Spec-tag annotations override a loaded image's own (§12.1).
		if loaded && len(spec.Annotations) > 0 {
			if img.Annotations == nil {
				img.Annotations = map[string]string{}
			}
			maps.Copy(img.Annotations, spec.Annotations)
		}
	}
	if st := StatusTag(is, tag); st != nil && len(st.Conditions) > 0 {
		out.Conditions = append([]image.TagEventCondition(nil), st.Conditions...)
	}
	img.DockerImageReference = ResolveReferenceForTagEvent(is, tag, event)
	out.Image = *img
	return out
}

// List returns one ImageStreamTag per status tag of every stream in the
// namespace, each image reduced to its name and dockerImageReference
// (SEMANTICS §12.1). A tag whose newest event names no image (a
// reference-only tag) is left out, as Get finds no view for it either.
// OpenShift leaves the order unspecified; here items are sorted by
// stream, then tag, so results are reproducible. opts
// select and page the streams, as in OpenShift: an ImageStreamTag has its
// stream's labels.
// opts.FieldSelector, though, matches the views' own names
// ("<stream>:<tag>") and namespace.
func (c *ImageStreamTags) List(ctx context.Context, opts ListOptions) (*image.ImageStreamTagList, error) {
	fields, err := parseFieldSelector(opts.FieldSelector, metaFields)
	if err != nil {
		return nil, err
	}
	opts.FieldSelector = "" // it names the views, not the streams
	streams, err := c.s.ImageStreams(c.ns).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := &image.ImageStreamTagList{
		TypeMeta: image.TypeMeta{Kind: "ImageStreamTagList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: streams.ResourceVersion, Continue: streams.Continue},
		Items:    []image.ImageStreamTag{},
	}
	for i := range streams.Items {
		is := &streams.Items[i]
		for _, st := range is.Status.Tags {
			if len(st.Items) == 0 || st.Items[0].Image == "" {
				continue
			}
			if ist := newISTag(is, st.Tag, &st.Items[0], nil); fields.matches(&ist.ObjectMeta, nil) {
				out.Items = append(out.Items, *ist)
			}
		}
	}
	slices.SortFunc(out.Items, func(a, b image.ImageStreamTag) int {
		as, at, _ := strings.Cut(a.Name, ":")
		bs, bt, _ := strings.Cut(b.Name, ":")
		if c := strings.Compare(as, bs); c != 0 {
			return c
		}
		return strings.Compare(at, bt)
	})
	return out, nil
}

package imagestream

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// AddTagEvent records that tag now points at next, the only way a tag's
// history grows (SEMANTICS §5.1). Only the newest event is compared:
//
//   - same reference, image and generation: nothing changes (and the tag's
//     conditions are kept);
//   - same reference and image: the newest event takes next's generation;
//   - same reference: the newest event takes next's image and generation;
//   - same image: the newest event takes next's reference and generation;
//   - otherwise next is put in front of the history.
//
// Any change clears the tag's conditions. The creation time of a collapsed
// event is never updated, an image deeper in the history may appear again,
// and nothing caps the history's length: only pruning removes entries.
// AddTagEvent reports whether the stream changed.
func AddTagEvent(is *image.ImageStream, tag string, next image.TagEvent) bool {
	list := ensureStatusTag(is, tag)
	if len(list.Items) == 0 {
		list.Items = []image.TagEvent{next}
		list.Conditions = nil
		return true
	}
	prev := &list.Items[0]
	sameRef := prev.DockerImageReference == next.DockerImageReference
	sameImage := prev.Image == next.Image
	sameGen := prev.Generation == next.Generation
	switch {
	case sameRef && sameImage && sameGen:
		return false
	case sameRef && sameImage:
		prev.Generation = next.Generation
	case sameRef:
		prev.Image = next.Image
		prev.Generation = next.Generation
	case sameImage:
		prev.DockerImageReference = next.DockerImageReference
		prev.Generation = next.Generation
	default:
		list.Items = slices.Insert(list.Items, 0, next)
	}
	list.Conditions = nil
	return true
}

// LatestTaggedImage returns the newest event of tag ("" means "latest"),
// or nil if the tag has no history (SEMANTICS §5.2). The pointer aliases
// the stream.
func LatestTaggedImage(is *image.ImageStream, tag string) *image.TagEvent {
	if tag == "" {
		tag = image.DefaultImageTag
	}
	if list := StatusTag(is, tag); list != nil && len(list.Items) > 0 {
		return &list.Items[0]
	}
	return nil
}

// ResolveReferenceForTagEvent returns the pull spec to hand out for event
// of tag, applying the tag's reference policy (SEMANTICS §5.2, §11.1):
// with policy Local, a status.dockerImageRepository that parses as a
// repository and an event naming its image (event.Image non-empty) it is
// "<repository>@<image>"; in every other case the event's own reference.
func ResolveReferenceForTagEvent(is *image.ImageStream, tag string, event *image.TagEvent) string {
	spec := SpecTag(is, tag)
	if spec == nil || spec.ReferencePolicy.Type != image.LocalTagReferencePolicy {
		return event.DockerImageReference
	}
	if is.Status.DockerImageRepository == "" || event.Image == "" {
		return event.DockerImageReference
	}
	ref, err := reference.Parse(is.Status.DockerImageRepository)
	if err != nil {
		return event.DockerImageReference
	}
	ref.Tag, ref.ID = "", event.Image
	return ref.Exact()
}

// ResolveLatestTaggedImage returns the pull spec of tag's newest event with
// the reference policy applied, and false if the tag has no history.
func ResolveLatestTaggedImage(is *image.ImageStream, tag string) (string, bool) {
	if tag == "" {
		tag = image.DefaultImageTag
	}
	event := LatestTaggedImage(is, tag)
	if event == nil {
		return "", false
	}
	return ResolveReferenceForTagEvent(is, tag, event), true
}

// UpdateTrackingTags copies event to every spec tag of the stream that
// tracks updatedTag (kind ImageStreamTag, same namespace, same stream) and
// returns how many tags changed (SEMANTICS §5.3). The event is copied
// verbatim, generation and creation time included. Like OpenShift, it
// follows one level: a tag tracking a tracking tag is updated only when its
// own source is reported.
func UpdateTrackingTags(is *image.ImageStream, updatedTag string, event image.TagEvent) int {
	changed := 0
	for i := range is.Spec.Tags {
		spec := &is.Spec.Tags[i]
		if !tracks(is, spec, updatedTag) {
			continue
		}
		if AddTagEvent(is, spec.Name, event) {
			changed++
		}
	}
	return changed
}

// tracks reports whether spec tag spec follows tag updatedTag of is: kind
// ImageStreamTag, same namespace, and a name that is the tag or
// "<this stream>:<tag>" (SEMANTICS §5.3).
func tracks(is *image.ImageStream, spec *image.TagReference, updatedTag string) bool {
	if spec.From == nil || spec.From.Kind != image.KindImageStreamTag {
		return false
	}
	if spec.From.Namespace != "" && spec.From.Namespace != is.Namespace {
		return false
	}
	tag := spec.From.Name
	if strings.Contains(tag, ":") {
		stream, t, ok := image.SplitImageStreamTag(tag)
		if !ok || stream != is.Name {
			return false
		}
		tag = t
	}
	return tag == updatedTag
}

// ResolveImageID finds the one image in the stream's history whose name
// starts with id (a full name, a digest or a hex prefix) and returns an
// event for it created at now (SEMANTICS §5.4). No match is a NotFound
// error; several distinct images are a Conflict listing them.
func ResolveImageID(is *image.ImageStream, id string, now time.Time) (image.TagEvent, error) {
	var (
		event   image.TagEvent
		matches []string
	)
	for _, list := range is.Status.Tags {
		for _, item := range list.Items {
			if !image.DigestOrImageMatch(item.Image, id) {
				continue
			}
			if !slices.Contains(matches, item.Image) {
				matches = append(matches, item.Image)
			}
			event = image.TagEvent{Created: image.NewTime(now), DockerImageReference: item.DockerImageReference, Image: item.Image}
		}
	}
	switch len(matches) {
	case 1:
		return event, nil
	case 0:
		return image.TagEvent{}, NewNotFound(ResourceImageStreamImage, id)
	default:
		slices.Sort(matches)
		return image.TagEvent{}, NewConflict(ResourceImageStreamImage, id,
			fmt.Errorf("multiple images match the prefix %q: %s", id, strings.Join(matches, ", ")))
	}
}

// HasTagCondition reports whether tag has a condition with the type,
// status and reason of cond (SEMANTICS §5.2).
func HasTagCondition(is *image.ImageStream, tag string, cond image.TagEventCondition) bool {
	list := StatusTag(is, tag)
	if list == nil {
		return false
	}
	for _, c := range list.Conditions {
		if c.Type == cond.Type && c.Status == cond.Status && c.Reason == cond.Reason {
			return true
		}
	}
	return false
}

// LatestObservedTagGeneration returns the newest generation the status of
// tag answers: the larger of its newest event's generation and that of its
// first ImportSuccess condition, 0 if the tag has no status (SEMANTICS §5.2).
func LatestObservedTagGeneration(is *image.ImageStream, tag string) int64 {
	return StatusTag(is, tag).LatestObservedGeneration()
}

package prune

import (
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// Snapshot is everything Plan looks at: the images and streams (read from
// storage or built by hand) and the references in use. Plan never changes
// it. Duplicate images (same name) or streams (same namespace and name)
// are allowed; the last one wins, as when oc loads them into maps.
type Snapshot struct {
	Images     []*image.Image
	Streams    []*image.ImageStream
	References []Reference
}

// imageInfo is what the planner keeps of an image: interned digests,
// edges and the few fields the rules read, no manifests or metadata
// (PRUNE.md §6.5–6).
type imageInfo struct {
	manifest int32 // digest id of the image's own name
	// blobs[blobStart:blobEnd] of the index are the layers (duplicates
	// kept) and config, as oc's getImageBlobs; one shared array keeps
	// the counting loops on contiguous memory.
	blobStart, blobEnd int32
	// manifests[manStart:manEnd] of the index are the digest ids of a
	// list's entries, present in the snapshot or not.
	manStart, manEnd int32
	children         []int32 // image indices of a list's children present in the snapshot
	bad              string  // why the image is malformed, or ""
	created          image.Time
	size             int64 // dockerImageMetadata.Size
	manifestSize     int64 // the length of dockerImageManifest, 0 when not kept
	managed          bool  // annotated openshift.io/image.managed=true
}

// streamInfo is what the planner keeps of a stream. Its strings are cut
// from a few shared blocks.
type streamInfo struct {
	namespace, name, resourceVersion string
	created                          image.Time
	labels                           map[string]string
	// tags[tagStart:tagEnd] of the index are its status tags sorted by
	// name (stable); their events are evStart to evEnd.
	tagStart, tagEnd int32
	evStart, evEnd   int32
}

// tagInfo is a status tag: its name and its events, newest first, as
// indices of the index's event arrays.
type tagInfo struct {
	// label is "namespace/name:tag", as TaggedBy lists the tag, built
	// once with the Index rather than in every plan; the tag's name is
	// its tail from tagAt.
	label          string
	tagAt          int32
	evStart, evEnd int32
}

// name returns the tag's name.
func (t *tagInfo) name() string { return t.label[t.tagAt:] }

// index is a snapshot reduced to what Plan reads, every digest interned
// once, so that the stages count with dense arrays instead of
// string-keyed maps. No Image or ImageStream object is kept, so the
// collector has few objects to mark, and the stages read compact arrays
// rather than objects spread over the heap. It is immutable once built.
type index struct {
	digests         // as the IndexBuilder left them
	imageOf []int32 // digest id → index of the image of that name, or -1

	images []imageInfo // sorted by name
	blobs  []int32     // see imageInfo
	// spans is what stage 1 reads of each image, packed small so that
	// it stays in cache for the million events.
	spans     []imageSpan
	manifests []int32 // see imageInfo
	sizes     []int64 // digest id → known blob size

	streams []streamInfo // sorted by namespace and name, de-duplicated
	tags    []tagInfo
	// Event k names digest evName[k], the image evImage[k] (-1: none in
	// the snapshot), and was created at evCreated[k].
	evName, evImage []int32
	evCreated       []stamp
}

// imageSpan is the hot part of imageInfo. list is set when the image
// has manifests, whether or not the snapshot has them as images.
type imageSpan struct {
	manifest           int32
	blobStart, blobEnd int32
	bad, list          bool
}

// blobsOf returns the digest ids of an image's layers and config.
func (x *index) blobsOf(info *imageInfo) []int32 { return x.blobs[info.blobStart:info.blobEnd] }

// validDigest reports whether the digest whose id is id is one.
func (x *index) validDigest(id int32) bool { return reference.ValidDigest(x.text.at(id)) }

// digest returns the digest whose id is id.
func (x *index) digest(id int32) string { return x.text.at(id) }

// name returns the name of image i.
func (x *index) name(i int32) string { return x.text.at(x.images[i].manifest) }

// hasConfig reports whether the image's config is a blob of its own: only
// Docker schema 2 and OCI manifests have one (PRUNE.md §1.5).
func hasConfig(img *image.Image) bool {
	switch img.DockerImageManifestMediaType {
	case image.MediaTypeDockerSchema2Manifest, image.MediaTypeOCIManifest:
		return img.DockerImageMetadata.ID != ""
	}
	return false
}

// sortedTags returns the indices of a stream's status tags in name order
// (stable for duplicates), without changing the stream; it reuses buf.
func sortedTags(is *image.ImageStream, buf []int) []int {
	idx := buf[:0]
	for i := range is.Status.Tags {
		idx = append(idx, i)
	}
	if !slices.IsSortedFunc(is.Status.Tags, func(a, b image.NamedTagEventList) int { return strings.Compare(a.Tag, b.Tag) }) {
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(is.Status.Tags[a].Tag, is.Status.Tags[b].Tag) })
	}
	return idx
}

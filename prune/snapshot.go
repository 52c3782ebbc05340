package prune

import (
	"cmp"
	"fmt"
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

// imageInfo is what the planner keeps of an image: interned digests and
// edges, no manifests or metadata (PRUNE.md §6.5–6).
type imageInfo struct {
	img      *image.Image
	manifest int32 // digest id of the image's own name
	// blobs[blobStart:blobEnd] of the index are the layers (duplicates
	// kept) and config, as oc's getImageBlobs; one shared array keeps
	// the counting loops on contiguous memory.
	blobStart, blobEnd int32
	children           []int32 // image indices of a list's children present in the snapshot
	bad                string  // why the image is malformed, or ""
}

// index interns every digest once, so that the stages count with dense
// arrays instead of string-keyed maps.
type index struct {
	images []imageInfo // sorted by name; image i's name has digest id i
	text   digestText  // digest id → digest
	blobs  []int32     // see imageInfo
	// spans is what stage 1 reads of each image, packed small so that
	// it stays in cache for the million events.
	spans []imageSpan
	imgs  []*image.Image // for addBlobs
	sizes []int64        // digest id → known blob size
	// names holds only the image names (ids below len(images)), so the
	// million lookups of tag events probe a table that stays in cache;
	// others holds the remaining digests.
	names, others *digestTable
	hasher        hasher
	badName       []bool               // image i's name is not a digest
	streams       []*image.ImageStream // sorted by namespace and name, de-duplicated
}

// imageSpan is the hot part of imageInfo.
type imageSpan struct {
	blobStart, blobEnd int32
	bad, list          bool
}

// blobsOf returns the digest ids of an image's layers and config.
func (x *index) blobsOf(info *imageInfo) []int32 { return x.blobs[info.blobStart:info.blobEnd] }

// image returns the index of the image named name.
func (x *index) image(name string) (int32, bool) {
	id := x.imageHashed(name, x.hasher.hash(name))
	return id, id >= 0
}

// imageHashed is image for a name whose hash is h; -1 when absent.
func (x *index) imageHashed(name string, h uint64) int32 {
	t := x.names
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return -1
		}
		if x.holds(v, name, h) {
			return slotID(v)
		}
	}
}

// holds reports whether v, a non-empty slot of the names table, is the
// image named name, whose hash is h. A tag event's lookup compares
// against the name's record in x.text rather than following the name's
// string to wherever the decoder put it.
func (x *index) holds(v uint64, name string, h uint64) bool {
	return v>>32 == h>>32 && x.text.is(slotID(v), name)
}

// intern returns the id of blob d, or false when d is not a digest. Only
// a digest seen for the first time is validated.
func (x *index) intern(d string, size int64) (int32, bool) {
	h := x.hasher.hash(d)
	if id, _ := x.names.find(d, h, &x.text); id >= 0 {
		x.sizes[id] = max(x.sizes[id], size)
		return id, !x.badName[id]
	}
	id, slot := x.others.find(d, h, &x.text)
	if id >= 0 {
		x.sizes[id] = max(x.sizes[id], size)
		return id, true
	}
	if !reference.ValidDigest(d) {
		return -1, false
	}
	id = x.text.add(d)
	x.sizes = append(x.sizes, size)
	x.others.add(h, slot, id)
	return id, true
}

// digest returns the digest whose id is id.
func (x *index) digest(id int32) string { return x.text.at(id) }

// sortStreams returns the snapshot's streams sorted by namespace and
// name, the last of duplicates winning.
func sortStreams(s *Snapshot) []*image.ImageStream {
	return dedupe(s.Streams, func(a, b *image.ImageStream) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
}

// buildIndex interns every digest of the snapshot.
func buildIndex(s *Snapshot, streams []*image.ImageStream) *index {
	x := indexNames(s, streams)
	x.addBlobs()
	return x
}

// indexNames starts an index with the images' names. Once it returns,
// image lookups work and may run while addBlobs adds the rest.
func indexNames(s *Snapshot, streams []*image.ImageStream) *index {
	imgs := dedupe(s.Images, func(a, b *image.Image) int { return strings.Compare(a.Name, b.Name) })
	blobs, total := 0, len(imgs)
	for _, img := range imgs {
		blobs += len(img.DockerImageLayers) + 1
		total += len(img.DockerImageManifests)
	}
	// Blobs are usually shared; the table of the others starts small, so
	// that it stays in cache, and doubles as needed.
	total += blobs
	x := &index{
		images:  make([]imageInfo, len(imgs)),
		hasher:  newHasher(),
		names:   newDigestTable(len(imgs)),
		others:  newDigestTable(blobs / 4),
		sizes:   make([]int64, len(imgs), total),
		blobs:   make([]int32, 0, blobs),
		spans:   make([]imageSpan, len(imgs)),
		streams: streams,
		imgs:    imgs,
	}
	// Image names are interned first, so an image's index is its name's
	// digest id and one map serves both lookups.
	x.text.grow(len(imgs), blobs/2)
	x.badName = make([]bool, len(imgs))
	for i, img := range imgs {
		// Duplicates were removed, so every name is new.
		h := x.hasher.hash(img.Name)
		_, slot := x.names.find(img.Name, h, &x.text)
		x.names.add(h, slot, x.text.addImage(img.Name))
		x.badName[i] = !reference.ValidDigest(img.Name)
	}
	return x
}

// addBlobs interns the images' blobs and finds the lists' children. It
// leaves alone what image lookups read (names, text's image records), so
// lookups may run meanwhile.
func (x *index) addBlobs() {
	for i, img := range x.imgs {
		info := &x.images[i]
		info.img = img
		// A malformed image is reported and kept (PRUNE.md §6.6); oc
		// aborts the whole run on one. Its valid blobs are still counted,
		// so they stay in use.
		if x.badName[i] {
			info.bad = fmt.Sprintf("image name %q is not a digest", img.Name)
		}
		info.manifest = int32(i)
		info.blobStart = int32(len(x.blobs))
		for j, l := range img.DockerImageLayers {
			if id, ok := x.intern(l.Name, l.LayerSize); ok {
				x.blobs = append(x.blobs, id)
			} else if info.bad == "" {
				info.bad = fmt.Sprintf("dockerImageLayers[%d].name %q is not a digest", j, l.Name)
			}
		}
		if hasConfig(img) {
			if id, ok := x.intern(img.DockerImageMetadata.ID, 0); ok {
				x.blobs = append(x.blobs, id)
			} else if info.bad == "" {
				info.bad = fmt.Sprintf("dockerImageMetadata.Id %q is not a digest", img.DockerImageMetadata.ID)
			}
		}
		info.blobEnd = int32(len(x.blobs))
		for _, m := range img.DockerImageManifests {
			if c, ok := x.image(m.Digest); ok {
				info.children = append(info.children, c)
				x.sizes[c] = max(x.sizes[c], m.ManifestSize)
			}
		}
		x.spans[i] = imageSpan{blobStart: info.blobStart, blobEnd: info.blobEnd, bad: info.bad != "", list: len(info.children) > 0}
	}
	x.imgs = nil
}

// dedupe sorts by compare, keeping the last of equal elements, without
// changing the input slice.
func dedupe[T any](in []*T, compare func(a, b *T) int) []*T {
	out := make([]*T, 0, len(in))
	for _, v := range in {
		if v != nil {
			out = append(out, v)
		}
	}
	if !slices.IsSortedFunc(out, compare) {
		slices.SortStableFunc(out, compare)
	}
	w := 0
	for i, v := range out {
		if i+1 < len(out) && compare(out[i+1], v) == 0 {
			continue
		}
		out[w] = v
		w++
	}
	return out[:w]
}

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
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(is.Status.Tags[a].Tag, is.Status.Tags[b].Tag) })
	}
	return idx
}

package prune

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
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
	images  []imageInfo // sorted by name; image i's name has digest id i
	digests []string    // digest id → digest
	blobs   []int32     // see imageInfo
	sizes   []int64     // digest id → known blob size
	ids     map[string]int32
	streams []*image.ImageStream // sorted by namespace and name, de-duplicated
}

// blobsOf returns the digest ids of an image's layers and config.
func (x *index) blobsOf(info *imageInfo) []int32 { return x.blobs[info.blobStart:info.blobEnd] }

// image returns the index of the image named name.
func (x *index) image(name string) (int32, bool) {
	id, ok := x.ids[name]
	return id, ok && int(id) < len(x.images)
}

func (x *index) intern(d string, size int64) int32 {
	if id, ok := x.ids[d]; ok {
		if size > x.sizes[id] {
			x.sizes[id] = size
		}
		return id
	}
	id := int32(len(x.digests))
	x.ids[d] = id
	x.digests = append(x.digests, d)
	x.sizes = append(x.sizes, size)
	return id
}

func buildIndex(s *Snapshot) *index {
	imgs := dedupe(s.Images, func(a, b *image.Image) int { return strings.Compare(a.Name, b.Name) })
	blobs := 0
	for _, img := range imgs {
		blobs += len(img.DockerImageLayers) + 1
	}
	x := &index{
		images:  make([]imageInfo, len(imgs)),
		ids:     make(map[string]int32, len(imgs)+blobs/2),
		digests: make([]string, 0, len(imgs)+blobs/2),
		blobs:   make([]int32, 0, blobs),
	}
	// Image names are interned first, so an image's index is its name's
	// digest id and one map serves both lookups.
	for _, img := range imgs {
		x.intern(img.Name, 0)
	}
	for i, img := range imgs {
		info := &x.images[i]
		info.img = img
		// A malformed image is reported and kept (PRUNE.md §6.6); oc
		// aborts the whole run on one. Its valid blobs are still counted,
		// so they stay in use.
		if !isDigest(img.Name) {
			info.bad = fmt.Sprintf("image name %q is not a digest", img.Name)
		}
		info.manifest = int32(i)
		info.blobStart = int32(len(x.blobs))
		for j, l := range img.DockerImageLayers {
			if isDigest(l.Name) {
				x.blobs = append(x.blobs, x.intern(l.Name, l.LayerSize))
			} else if info.bad == "" {
				info.bad = fmt.Sprintf("dockerImageLayers[%d].name %q is not a digest", j, l.Name)
			}
		}
		if hasConfig(img) {
			if id := img.DockerImageMetadata.ID; isDigest(id) {
				x.blobs = append(x.blobs, x.intern(id, 0))
			} else if info.bad == "" {
				info.bad = fmt.Sprintf("dockerImageMetadata.Id %q is not a digest", id)
			}
		}
		info.blobEnd = int32(len(x.blobs))
		for _, m := range img.DockerImageManifests {
			if c, ok := x.image(m.Digest); ok {
				info.children = append(info.children, c)
				x.intern(m.Digest, m.ManifestSize)
			}
		}
	}
	x.streams = dedupe(s.Streams, func(a, b *image.ImageStream) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	return x
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

// isDigest checks the common sha256 form without allocating and defers
// to go-digest for the rest.
func isDigest(s string) bool {
	if len(s) == 71 && s[:7] == "sha256:" {
		for i := 7; i < 71; i++ {
			// Unsigned wrap-around turns each range test into one compare.
			if c := s[i]; c-'0' > 9 && c-'a' > 5 {
				return false
			}
		}
		return true
	}
	_, err := digest.Parse(s)
	return err == nil
}

// sortedTags returns the indices of a stream's status tags in name order
// (stable for duplicates), without changing the stream.
func sortedTags(is *image.ImageStream) []int {
	idx := make([]int, len(is.Status.Tags))
	for i := range idx {
		idx[i] = i
	}
	if !slices.IsSortedFunc(is.Status.Tags, func(a, b image.NamedTagEventList) int { return strings.Compare(a.Tag, b.Tag) }) {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(is.Status.Tags[a].Tag, is.Status.Tags[b].Tag) })
	}
	return idx
}

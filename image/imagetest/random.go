package imagetest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
)

// SnapshotOptions size a random snapshot. Zero and negative fields take
// the defaults in brackets, except ManifestLists, where a negative value
// means none.
type SnapshotOptions struct {
	// Images is the number of single-platform images [100].
	Images int
	// Streams is the number of image streams [10].
	Streams int
	// Namespaces spreads the streams over this many namespaces [3].
	Namespaces int
	// TagsPerStream is the maximum number of tags of a stream [5]; each
	// stream gets between 1 and this many.
	TagsPerStream int
	// HistoryDepth is the maximum history length of a tag [5]. As in
	// OpenShift, no event repeats the one just before it; an image may
	// appear again further down.
	HistoryDepth int
	// LayersPerImage is the maximum number of layers of an image [4].
	LayersPerImage int
	// SharedLayers is the size of the pool layers are drawn from, so that
	// images share layers [4 × Images]. A pool layer has one size
	// wherever it appears, as a blob digest names one content.
	SharedLayers int
	// ManifestLists is the number of manifest lists, each over 2 to 4
	// distinct images (fewer if there are fewer images) [Images / 20].
	// Use a negative value for none. Entries are linux and carry their
	// child's architecture: the first list to name an image gives it one,
	// and later lists naming it reuse it.
	ManifestLists int
}

func (o SnapshotOptions) withDefaults() SnapshotOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Images, 100)
	def(&o.Streams, 10)
	def(&o.Namespaces, 3)
	def(&o.TagsPerStream, 5)
	def(&o.HistoryDepth, 5)
	def(&o.LayersPerImage, 4)
	def(&o.SharedLayers, 4*o.Images)
	if o.ManifestLists == 0 {
		o.ManifestLists = o.Images / 20
	}
	o.ManifestLists = max(o.ManifestLists, 0)
	return o
}

// Snapshot is a set of images and the streams that tag them.
type Snapshot struct {
	// Images are sorted by name. Manifest lists come with their children.
	Images []*image.Image
	// Streams are sorted by namespace and name.
	Streams []*image.ImageStream
}

// RandomSnapshot returns a snapshot drawn from seed: the same seed and
// options always give the same snapshot. Images are built directly (no
// manifests are encoded), so large snapshots are cheap: about ten
// microseconds per image on a small machine. Every stream event names an
// image of the snapshot; some images are named by no stream.
func RandomSnapshot(seed uint64, opts SnapshotOptions) *Snapshot {
	o := opts.withDefaults()
	rng := rand.New(rand.NewPCG(seed, 0x696d616765)) // "image"
	s := &Snapshot{Images: make([]*image.Image, 0, o.Images+o.ManifestLists)}
	layer := func(i int) string { return fakeDigest(seed, "layer", i) }
	// sizes[i] is pool layer i's size, drawn at its first use. A map, as
	// the pool may be far larger than the layers drawn from it.
	sizes := make(map[int]int64)
	for i := range o.Images {
		n := 1 + rng.IntN(o.LayersPerImage)
		img := &image.Image{
			ObjectMeta:                   image.ObjectMeta{Name: fakeDigest(seed, "image", i), CreationTimestamp: image.NewTime(Epoch.Add(-time.Duration(rng.IntN(90*24)) * time.Hour))},
			DockerImageManifestMediaType: image.MediaTypeOCIManifest,
			DockerImageMetadataVersion:   image.DockerImageMetadataVersion,
			DockerImageMetadata: image.DockerImage{
				TypeMeta: image.TypeMeta{Kind: image.DockerImageMetadataKind, APIVersion: image.DockerImageMetadataAPIVersion},
				ID:       fakeDigest(seed, "config", i), Architecture: "amd64",
			},
		}
		img.DockerImageReference = "registry.example.com/random/image@" + img.Name
		if rng.IntN(2) == 0 {
			img.Annotations = map[string]string{image.ManagedByOpenShiftAnnotation: "true"}
		}
		var size int64
		seen := map[string]bool{}
		for range n {
			li := rng.IntN(o.SharedLayers)
			// A size is drawn on every use, kept or not, so that a seed
			// still gives the images, streams and histories it always gave.
			if sz := int64(1+rng.IntN(64)) << 20; sizes[li] == 0 {
				sizes[li] = sz
			}
			d, sz := layer(li), sizes[li]
			img.DockerImageLayers = append(img.DockerImageLayers, image.ImageLayer{Name: d, LayerSize: sz, MediaType: image.MediaTypeOCILayer})
			if !seen[d] {
				seen[d] = true
				size += sz
			}
		}
		img.DockerImageMetadata.Size = size
		s.Images = append(s.Images, img)
	}
	singles := s.Images
	arches := []string{"amd64", "arm64", "ppc64le", "s390x"}
	// claimed[c] is set once singles[c] is a list's child: its platform is
	// then fixed, and a later list naming it gives it that platform too.
	claimed := make([]bool, len(singles))
	for i := range o.ManifestLists {
		list := &image.Image{
			ObjectMeta:                   image.ObjectMeta{Name: fakeDigest(seed, "list", i), CreationTimestamp: image.NewTime(Epoch)},
			DockerImageManifestMediaType: image.MediaTypeOCIIndex,
			DockerImageMetadataVersion:   image.DockerImageMetadataVersion,
		}
		list.DockerImageReference = "registry.example.com/random/list@" + list.Name
		list.DockerImageMetadata = image.DockerImage{TypeMeta: image.TypeMeta{Kind: image.DockerImageMetadataKind, APIVersion: image.DockerImageMetadataAPIVersion}, ID: list.Name}
		n := min(2+rng.IntN(3), len(singles))
		named := map[int]bool{}
		for k := 0; k < n; {
			c := rng.IntN(len(singles))
			if named[c] {
				continue // a list names each child once
			}
			named[c] = true
			child := singles[c]
			if !claimed[c] {
				claimed[c] = true
				child.DockerImageMetadata.Architecture = arches[k]
			}
			list.DockerImageManifests = append(list.DockerImageManifests, image.ImageManifest{
				Digest: child.Name, MediaType: image.MediaTypeOCIManifest, ManifestSize: 1024, Architecture: child.DockerImageMetadata.Architecture, OS: "linux",
			})
			k++
		}
		s.Images = append(s.Images, list)
	}
	for i := range o.Streams {
		ns := fmt.Sprintf("ns-%d", i%o.Namespaces)
		name := fmt.Sprintf("stream-%d", i)
		var tags []Tag
		for t := range 1 + rng.IntN(o.TagsPerStream) {
			tag := Tag{Name: fmt.Sprintf("v%d", t)}
			if t == 0 {
				tag.Name = "latest"
			}
			for range 1 + rng.IntN(o.HistoryDepth) {
				img := s.Images[rng.IntN(len(s.Images))]
				if n := len(tag.History); n > 0 && tag.History[n-1] == img {
					continue // OpenShift collapses an event equal to the newest (SEMANTICS §5.1)
				}
				tag.History = append(tag.History, img)
			}
			tags = append(tags, tag)
		}
		is := Stream(ns, name, tags...)
		// Events point at the integrated registry, as pushed images do.
		for ti := range is.Status.Tags {
			for ei := range is.Status.Tags[ti].Items {
				e := &is.Status.Tags[ti].Items[ei]
				e.DockerImageReference = is.Status.DockerImageRepository + "@" + e.Image
			}
		}
		s.Streams = append(s.Streams, is)
	}
	sortImages(s.Images)
	sortStreams(s.Streams)
	return s
}

// fakeDigest returns a well-formed sha256 digest derived from its inputs.
func fakeDigest(seed uint64, kind string, i int) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(i))
	return string(digest.FromBytes(append([]byte(kind), b[:]...)))
}

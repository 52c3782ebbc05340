package prune_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestIndexBuilderPages checks that an Index built from pages, in any
// order, with stale copies that later pages replace, plans exactly as
// Plan does from the snapshot, and that an Index planned with other
// options in between gives the same plan again (it is immutable).
func TestIndexBuilderPages(t *testing.T) {
	t.Parallel()
	n := 1000
	if testing.Short() {
		n /= 10
	}
	for seed := range uint64(n) {
		s, o := randomCase(seed)
		want := planJSON(t, func() (*prune.Decisions, error) { return prune.Plan(s, o) })

		rng := rand.New(rand.NewPCG(seed, 11))
		var b prune.IndexBuilder
		streams, images := s.Streams, s.Images
		for len(streams)+len(images) > 0 {
			k := 1 + rng.IntN(4)
			if len(images) == 0 || len(streams) > 0 && rng.IntN(2) == 0 {
				k = min(k, len(streams))
				b.AddStreams(stale(streams[k-1]), nil)
				b.AddStreams(streams[:k]...)
				streams = streams[k:]
				continue
			}
			k = min(k, len(images))
			b.AddImages(staleImage(images[k-1]))
			b.AddImages(images[:k]...)
			images = images[k:]
		}
		half := len(s.References) / 2
		b.AddReferences(s.References[:half]...)
		b.AddReferences(s.References[half:]...)
		ix := b.Index()

		if got := planJSON(t, func() (*prune.Decisions, error) { return ix.Plan(o) }); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: the Index's plan differs from the snapshot's:\n got %s\nwant %s", seed, got, want)
		}
		other := o
		other.Namespace, other.KeepTagRevisions = "ns-1", ptr(0)
		_ = planJSON(t, func() (*prune.Decisions, error) { return ix.Plan(other) })
		if got := planJSON(t, func() (*prune.Decisions, error) { return ix.Plan(o) }); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: planning again after other options gives another plan", seed)
		}
	}
}

// stale returns a copy of is that differs in every way a plan reads.
func stale(is *image.ImageStream) *image.ImageStream {
	c := *is
	c.ResourceVersion += "-stale"
	c.Status.Tags = []image.NamedTagEventList{{Tag: "stale", Items: []image.TagEvent{{Image: "sha256:stale"}}}}
	return &c
}

// staleImage returns a copy of img with other blobs and sizes.
func staleImage(img *image.Image) *image.Image {
	c := *img
	c.DockerImageLayers = append([]image.ImageLayer{{Name: "sha256:" + img.Name[len(img.Name)-64:], LayerSize: 1 << 40}}, img.DockerImageLayers...)
	c.DockerImageManifests = nil
	c.DockerImageMetadata.Size++
	return &c
}

func planJSON(t *testing.T, plan func() (*prune.Decisions, error)) []byte {
	t.Helper()
	d, err := plan()
	if err != nil {
		return []byte("error: " + err.Error())
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

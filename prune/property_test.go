package prune_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// propertySnapshots is the number of random snapshots TestPlanInvariants
// checks (PRUNE.md §6.4 asks for at least 10,000 per CI run).
const propertySnapshots = 10_000

// randomCase draws a small snapshot, references into it and options.
func randomCase(seed uint64) (*prune.Snapshot, prune.Options) {
	rng := rand.New(rand.NewPCG(seed, 7))
	rs := imagetest.RandomSnapshot(seed, imagetest.SnapshotOptions{
		Images: 5 + rng.IntN(20), Streams: 1 + rng.IntN(6), Namespaces: 2, TagsPerStream: 3, HistoryDepth: 5,
		LayersPerImage: 3, SharedLayers: 5 + rng.IntN(20), ManifestLists: rng.IntN(4) - 1,
	})
	s := &prune.Snapshot{Images: rs.Images, Streams: rs.Streams}
	for i := range rng.IntN(6) {
		is := rs.Streams[rng.IntN(len(rs.Streams))]
		var spec string
		switch t := is.Status.Tags[rng.IntN(len(is.Status.Tags))]; rng.IntN(5) {
		case 0:
			spec = fmt.Sprintf("r.io/%s/%s:%s", is.Namespace, is.Name, t.Tag)
		case 1, 2:
			spec = fmt.Sprintf("r.io/%s/%s@%s", is.Namespace, is.Name, t.Items[rng.IntN(len(t.Items))].Image)
		case 3: // an image run from a repository with no stream
			spec = "r.io/elsewhere/app@" + rs.Images[rng.IntN(len(rs.Images))].Name
		default:
			spec = "r.io/" + is.Namespace + "/BAD "
		}
		s.References = append(s.References, prune.Reference{
			Owner: prune.Owner{Kind: "Pod", Namespace: is.Namespace, Name: fmt.Sprint("p", i)}, Spec: spec,
			Inactive: rng.IntN(4) == 0, Created: imagetest.Epoch.Add(-time.Duration(rng.IntN(48)) * time.Hour),
		})
	}
	// Some events name images that no longer exist.
	if rng.IntN(3) == 0 && len(s.Images) > 1 {
		s.Images = s.Images[1:]
	}
	o := prune.Options{
		Now:                  imagetest.Epoch.Add(time.Duration(rng.IntN(72)) * time.Hour),
		OnlyManaged:          rng.IntN(4) == 0,
		OCCompatible:         rng.IntN(2) == 0,
		KeepReferencedImages: rng.IntN(2) == 0,
		SkipRegistry:         rng.IntN(8) == 0,
	}
	if rng.IntN(5) == 0 {
		o.PruneOverSizeLimit = true
		o.ImageSizeLimits = map[string]int64{"ns-0": int64(rng.IntN(128)) << 20}
	} else {
		o.KeepTagRevisions = ptr(rng.IntN(4))
		o.KeepYoungerThan = ptr(time.Duration(rng.IntN(30)) * time.Hour)
		if rng.IntN(4) == 0 {
			o.PruneOverSizeLimit, o.AgeAndSize = true, true
			o.ImageSizeLimits = map[string]int64{"ns-0": int64(rng.IntN(128)) << 20}
		}
	}
	if rng.IntN(4) == 0 {
		o.Overrides = []prune.Override{{Namespace: "ns-1", Tag: "v*", KeepTagRevisions: ptr(rng.IntN(3))}, {Tag: "latest", Never: rng.IntN(2) == 0}}
	}
	return s, o
}

// randomSeeds is how many random cases a test runs: n, or a tenth of n
// under -short.
func randomSeeds(n int) uint64 {
	if testing.Short() {
		return uint64(n / 10)
	}
	return uint64(n)
}

// TestPlanInvariants checks PRUNE.md §6.3–6.4 over random snapshots: every
// input is accounted for once, and nothing still in use is deleted.
func TestPlanInvariants(t *testing.T) {
	for seed := range randomSeeds(propertySnapshots) {
		s, o := randomCase(seed)
		d, err := prune.Plan(s, o)
		if err != nil {
			t.Fatalf("seed %d: Plan: %v", seed, err)
		}
		if err := checkInvariants(s, o, d); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if seed%500 == 0 {
			again, _ := prune.Plan(s, o)
			a, _ := json.Marshal(d)
			b, _ := json.Marshal(again)
			if !bytes.Equal(a, b) {
				t.Fatalf("seed %d: plan is not deterministic", seed)
			}
		}
	}
}

func checkInvariants(s *prune.Snapshot, o prune.Options, d *prune.Decisions) error {
	images := map[string]*image.Image{}
	for _, img := range s.Images {
		images[img.Name] = img
	}
	if len(d.Images) != len(images) {
		return fmt.Errorf("%d image decisions for %d images", len(d.Images), len(images))
	}
	imgAction := map[string]prune.Action{}
	for _, i := range d.Images {
		if _, dup := imgAction[i.Name]; images[i.Name] == nil || dup {
			return fmt.Errorf("image %s decided twice or unknown", i.Name)
		}
		imgAction[i.Name] = i.Action
	}
	if len(d.Streams) != len(s.Streams) {
		return fmt.Errorf("%d stream decisions for %d streams", len(d.Streams), len(s.Streams))
	}
	deletedBlobs := map[string]bool{}
	for _, b := range d.Blobs {
		deletedBlobs[b.Digest] = true
	}
	links := map[string]bool{}
	for _, sd := range d.Streams {
		for _, l := range append(append([]string{}, sd.LayerLinks...), sd.ManifestLinks...) {
			links[sd.Repository()+"@"+l] = true
		}
	}
	// needs lists the digests an image needs in a repository.
	needs := func(img *image.Image, withChildren bool) []string {
		out := []string{img.Name, img.DockerImageMetadata.ID}
		for _, l := range img.DockerImageLayers {
			out = append(out, l.Name)
		}
		if withChildren {
			for _, c := range img.DockerImageManifests {
				out = append(out, c.Digest) // its manifest link, Image object or not
				if ci := images[c.Digest]; ci != nil {
					out = append(out, ci.DockerImageMetadata.ID)
					for _, l := range ci.DockerImageLayers {
						out = append(out, l.Name)
					}
				}
			}
		}
		return out
	}
	named := map[string]bool{}
	for i, is := range s.Streams {
		sd := d.Streams[i]
		if sd.Namespace != is.Namespace || sd.Name != is.Name || len(sd.Tags) != len(is.Status.Tags) {
			return fmt.Errorf("stream %s/%s not accounted for", is.Namespace, is.Name)
		}
		for ti, tl := range is.Status.Tags {
			td := sd.Tags[ti]
			if td.Tag != tl.Tag || len(td.Events) != len(tl.Items) {
				return fmt.Errorf("tag %s/%s:%s not accounted for", is.Namespace, is.Name, tl.Tag)
			}
			for ei, e := range td.Events {
				if e.Image != tl.Items[ei].Image || int(e.Revision) != ei {
					return fmt.Errorf("event %s:%s#%d out of place", sd.Repository(), td.Tag, ei)
				}
				if e.Action == prune.Delete {
					continue
				}
				img := images[e.Image]
				if img == nil {
					if !o.OCCompatible && links[sd.Repository()+"@"+e.Image] {
						return fmt.Errorf("link %s@%s deleted but kept event %s:%s#%d names it", sd.Repository(), e.Image, sd.Repository(), td.Tag, ei)
					}
					continue
				}
				named[img.Name] = true
				for _, dgst := range needs(img, !o.OCCompatible) {
					if links[sd.Repository()+"@"+dgst] {
						return fmt.Errorf("link %s@%s deleted but kept event %s:%s#%d needs it", sd.Repository(), dgst, sd.Repository(), td.Tag, ei)
					}
				}
			}
		}
	}
	// runs holds the lists a workload runs, kept by KeepReferencedImages,
	// and the lists within them: their children are kept even under
	// OCCompatible.
	runs := map[string]bool{}
	var work []string
	for _, i := range d.Images {
		if i.Reason == prune.ReasonDigestReferenced {
			runs[i.Name] = true
			work = append(work, i.Name)
		}
	}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		for _, c := range images[name].DockerImageManifests {
			if images[c.Digest] != nil && !runs[c.Digest] {
				runs[c.Digest] = true
				work = append(work, c.Digest)
			}
		}
	}
	for name, img := range images {
		kept := imgAction[name] == prune.Keep
		if named[name] && !kept {
			return fmt.Errorf("image %s deleted but a remaining tag event names it", name)
		}
		listProtects := kept && (!o.OCCompatible || named[name] || runs[name])
		for _, c := range img.DockerImageManifests {
			if listProtects && imgAction[c.Digest] == prune.Delete {
				return fmt.Errorf("child %s of kept list %s deleted", c.Digest, name)
			}
		}
		if kept {
			for _, dgst := range needs(img, false) {
				if deletedBlobs[dgst] {
					return fmt.Errorf("blob %s deleted but kept image %s uses it", dgst, name)
				}
			}
		}
	}
	return nil
}

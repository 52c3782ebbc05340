package prune_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// TestIndexBuilderPages checks that an Index built from pages, in any
// order, with stale copies that later pages replace, plans exactly as
// Plan does from the snapshot, and that an Index planned with other
// options in between gives the same plan again (it is immutable).
func TestIndexBuilderPages(t *testing.T) {
	t.Parallel()
	for seed := range randomSeeds(1000) {
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
		// The references in one call (kept as given) or several (joined
		// by Index), some of them empty.
		refs := s.References
		for range rng.IntN(3) {
			k := rng.IntN(len(refs) + 1)
			b.AddReferences(refs[:k]...)
			refs = refs[k:]
		}
		b.AddReferences(refs...)
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

// TestIndexReferenceOptions checks that one Index serves plans under the
// options that decide which references count: the Index reduces its
// references once, and each plan applies its own age threshold (PRUNE.md
// §1.2) and salvaging (§3.3). The expected plan comes from a snapshot
// whose references the test filtered and trimmed by hand.
func TestIndexReferenceOptions(t *testing.T) {
	t.Parallel()
	for seed := range randomSeeds(300) {
		s, o := randomCase(seed)
		// A reference that parses only trimmed, to the newest tag.
		is := s.Streams[0]
		s.References = append(s.References, prune.Reference{
			Owner: prune.Owner{Kind: "Pod", Namespace: is.Namespace, Name: "padded"}, FieldPath: "spec.containers[0].image",
			Spec: "r.io/" + is.Namespace + "/" + is.Name + ":" + is.Status.Tags[0].Tag + "  ", Inactive: seed%2 != 0, Created: imagetest.Epoch,
		})
		ix := prune.NewIndex(s)
		for _, kyt := range []time.Duration{0, 24 * time.Hour, 100 * time.Hour} {
			for _, salvage := range []bool{true, false} {
				o := o
				o.IgnoreInvalidRefs = !salvage
				var threshold time.Time // size mode has none: every owner with a creation time counts
				if !o.PruneOverSizeLimit || o.AgeAndSize {
					o.KeepYoungerThan, threshold = ptr(kyt), o.Now.Add(-kyt)
				}
				want := *s
				want.References = nil
				var invalid []string
				for _, r := range s.References {
					if r.Inactive && !r.Created.After(threshold) { // as oc skips finished pods
						continue
					}
					trimmed := strings.TrimSpace(r.Spec)
					if trimmed != r.Spec || strings.Contains(r.Spec, "BAD") {
						invalid = append(invalid, r.Spec)
						if !salvage || strings.Contains(r.Spec, "BAD") {
							continue
						}
						r.Spec = trimmed
					}
					want.References = append(want.References, r)
				}
				wantPlan, err := prune.Plan(&want, o)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ix.Plan(o)
				if err != nil {
					t.Fatal(err)
				}
				var gotInvalid []string
				for _, r := range got.InvalidReferences {
					gotInvalid = append(gotInvalid, r.Spec)
					if salvaged := r.Salvaged != ""; salvaged != (salvage && !strings.Contains(r.Spec, "BAD")) {
						t.Errorf("seed %d, %v, salvage %v: %q salvaged as %q", seed, kyt, salvage, r.Spec, r.Salvaged)
					}
				}
				if diff := cmp.Diff(invalid, gotInvalid); diff != "" {
					t.Errorf("seed %d, %v, salvage %v: invalid references (-want +got):\n%s", seed, kyt, salvage, diff)
				}
				got.InvalidReferences, wantPlan.InvalidReferences = nil, nil
				if diff := cmp.Diff(wantPlan, got); diff != "" {
					t.Fatalf("seed %d, keep younger than %v, salvage %v: plan from the Index (-want +got):\n%s", seed, kyt, salvage, diff)
				}
			}
		}
	}
}

// TestIndexKeepsNothingOfItsInput: an Index copies what it keeps, so a
// caller that changes or reuses its objects after indexing (a decoder
// filling one buffer for every page, say) plans as from the objects it
// added. Stream labels decide label overrides (§6.10).
func TestIndexKeepsNothingOfItsInput(t *testing.T) {
	opts := prune.Options{Now: now, KeepTagRevisions: ptr(0), KeepYoungerThan: ptr(time.Duration(0)),
		Overrides: []prune.Override{{StreamLabels: map[string]string{"team": "a"}, Never: true}}}
	build := func() (*fx, *prune.Decisions) {
		f := newFx()
		a, b := f.image("a"), f.image("b")
		f.stream("ns", "s1", tag{name: "t", history: []*image.Image{a, b}}).Labels = map[string]string{"team": "a"}
		f.stream("ns", "s2", tag{name: "t", history: []*image.Image{b}}).Labels = map[string]string{"team": "b"}
		want, err := prune.Plan(&f.snap, opts)
		if err != nil {
			t.Fatal(err)
		}
		return f, want
	}
	t.Run("NewIndex, labels changed after", func(t *testing.T) {
		f, want := build()
		ix := prune.NewIndex(&f.snap)
		f.snap.Streams[0].Labels["team"] = "b"
		got, err := ix.Plan(opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.outcome(want), f.outcome(got)); diff != "" {
			t.Errorf("plan after the labels changed (-want +got):\n%s", diff)
		}
	})
	t.Run("IndexBuilder, one decode buffer", func(t *testing.T) {
		f, want := build()
		var b prune.IndexBuilder
		b.AddImages(f.snap.Images...)
		var page image.ImageStream
		for _, is := range f.snap.Streams {
			raw, err := json.Marshal(is)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &page); err != nil { // fills the same Labels map
				t.Fatal(err)
			}
			b.AddStreams(&page)
		}
		got, err := b.Index().Plan(opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.outcome(want), f.outcome(got)); diff != "" {
			t.Errorf("plan from the reused buffer (-want +got):\n%s", diff)
		}
	})
}

// TestPlanPolicyIsACopy: a plan records its policy by value, so reusing
// the Options after planning changes neither the plan's JSON nor its
// journal fingerprint.
func TestPlanPolicyIsACopy(t *testing.T) {
	f := newFx()
	f.image("a")
	limits := map[string]int64{"ns": 100}
	labels := map[string]string{"team": "a"}
	n := 2
	opts := prune.Options{Now: now, ImageSizeLimits: limits, PruneOverSizeLimit: true, AgeAndSize: true,
		Overrides: []prune.Override{{StreamLabels: labels, KeepTagRevisions: &n}}}
	d, err := prune.Plan(&f.snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(d.Policy)
	limits["ns"], labels["team"], n = 1, "b", 5
	after, _ := json.Marshal(d.Policy)
	if diff := cmp.Diff(string(before), string(after)); diff != "" {
		t.Errorf("the plan's policy after the Options changed (-before +after):\n%s", diff)
	}
}

// TestPlanRecordsPolicy: a plan records the policy that produced it with
// every default filled in, the bound on its referrer lists included.
func TestPlanRecordsPolicy(t *testing.T) {
	three, hour := prune.DefaultKeepTagRevisions, prune.DefaultKeepYoungerThan.String()
	tests := []struct {
		name string
		opts prune.Options
		want prune.Policy
	}{
		{
			name: "defaults",
			opts: prune.Options{Now: now},
			want: prune.Policy{Now: now.UTC(), KeepTagRevisions: &three, KeepYoungerThan: hour, MaxReferrers: prune.DefaultMaxReferrers,
				KeepAllListChildren: true, ListAwareLinks: true},
		},
		{
			name: "referrers bounded",
			opts: prune.Options{Now: now, MaxReferrers: 1, OCCompatible: true},
			want: prune.Policy{Now: now.UTC(), KeepTagRevisions: &three, KeepYoungerThan: hour, MaxReferrers: 1, OCCompatible: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := prune.Plan(&prune.Snapshot{}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, d.Policy); diff != "" {
				t.Errorf("Policy (-want +got):\n%s", diff)
			}
		})
	}
}

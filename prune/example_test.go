package prune_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/prune"
)

// A tag with three revisions and a pod that runs the oldest by digest:
// with keep-tag-revisions=1 the middle revision goes, and so does its
// image and everything only it used.
func ExamplePlan() {
	v1 := imagetest.Image("v1", imagetest.Options{})
	v2 := imagetest.Image("v2", imagetest.Options{})
	v3 := imagetest.Image("v3", imagetest.Options{})
	is := imagetest.Stream("shop", "web", imagetest.Tag{Name: "latest", History: []*image.Image{v3, v2, v1}})
	pod := prune.Workload{Kind: "Pod", Namespace: "shop", Name: "web-1", Phase: "Running",
		Spec: prune.PodSpec{Containers: []prune.Container{{Name: "web", Image: is.Status.DockerImageRepository + "@" + v1.Name}}}}

	d, err := prune.Plan(&prune.Snapshot{
		Images:     []*image.Image{v1, v2, v3},
		Streams:    []*image.ImageStream{is},
		References: pod.References(),
	}, prune.Options{Now: imagetest.Epoch.Add(48 * time.Hour), KeepTagRevisions: new(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range d.Streams[0].Tags[0].Events {
		fmt.Printf("revision %d: %s (%s)\n", e.Revision, e.Action, e.Reason)
	}
	fmt.Println(d.Stats.Summary())
	// Output:
	// revision 0: keep (within-revisions)
	// revision 1: delete (unused)
	// revision 2: keep (digest-referenced)
	// Summary: deleted 1 image object(s), deleted 1 image stream tag item(s), updated 1 image stream(s), deleted 3 layer link(s), deleted 1 manifest link(s), deleted 4 blob(s)
}

// An IndexBuilder takes a listing page by page and keeps only what
// planning needs, so the pages can be dropped as they are read; the Index
// it builds can then be planned under several policies.
func ExampleIndexBuilder() {
	v1 := imagetest.Image("v1", imagetest.Options{})
	v2 := imagetest.Image("v2", imagetest.Options{})
	v3 := imagetest.Image("v3", imagetest.Options{})
	is := imagetest.Stream("shop", "web", imagetest.Tag{Name: "latest", History: []*image.Image{v3, v2, v1}})

	var b prune.IndexBuilder
	b.AddStreams(is)    // a page of streams
	b.AddImages(v1, v2) // a page of images
	b.AddImages(v3)     // the next page
	ix := b.Index()

	for _, keep := range []int{1, 2} {
		d, err := ix.Plan(prune.Options{Now: imagetest.Epoch.Add(48 * time.Hour), KeepTagRevisions: new(keep)})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("keep %d: %d event(s) and %d image(s) deleted\n", keep, d.Stats.DeletedImageStreamTagItems, d.Stats.DeletedImages)
	}
	// Output:
	// keep 1: 2 event(s) and 2 image(s) deleted
	// keep 2: 1 event(s) and 1 image(s) deleted
}

// Under StrictRefs an invalid reference fails the plan, as oc does
// without --ignore-invalid-refs; the error lists every such reference.
func ExamplePlan_strictRefs() {
	refs := []prune.Reference{{
		Owner:     prune.Owner{Kind: "ReplicaSet", Namespace: "ci", Name: "job-7f9"},
		FieldPath: "spec.template.spec.containers[0].image",
		Spec:      "registry.ci/ci/tools:latest  ",
	}}
	_, err := prune.Plan(&prune.Snapshot{References: refs}, prune.Options{Now: imagetest.Epoch, StrictRefs: true})
	if re, ok := errors.AsType[*prune.ReferencesError](err); ok {
		r := re.Invalid[0]
		fmt.Printf("%s %s: %q\n", r.Owner, r.FieldPath, r.Spec)
	}
	// Output: ReplicaSet/ci/job-7f9 spec.template.spec.containers[0].image: "registry.ci/ci/tools:latest  "
}

func ExampleStats_Summary() {
	fmt.Println(prune.Stats{}.Summary())
	fmt.Println(prune.Stats{DeletedImageStreamTagItems: 7, UpdatedImageStreams: 2}.Summary())
	// Output:
	// Summary: deleted 0 objects
	// Summary: deleted 7 image stream tag item(s), updated 2 image stream(s)
}

// Execute carries a plan out against stores and a registry; here the
// in-memory world of this package's tests stands in for both.
func ExampleExecute() {
	old := imagetest.Image("old", imagetest.Options{})
	cur := imagetest.Image("current", imagetest.Options{})
	is := imagetest.Stream("shop", "web", imagetest.Tag{Name: "latest", History: []*image.Image{cur, old}})
	snap := &prune.Snapshot{Images: []*image.Image{old, cur}, Streams: []*image.ImageStream{is}}
	w := newWorld(snap) // implements StreamUpdater, ImageDeleter and RegistryDeleter

	d, err := prune.Plan(snap, prune.Options{Now: imagetest.Epoch.Add(48 * time.Hour), KeepTagRevisions: new(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := prune.Execute(context.Background(), d, prune.Targets{Streams: w, Images: w, Registry: w}, prune.ExecuteOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Streams[0].Outcome)
	fmt.Println(rep.Summary())
	// Output:
	// updated
	// Summary: deleted 1 image object(s), deleted 1 image stream tag item(s), updated 1 image stream(s), deleted 3 layer link(s), deleted 1 manifest link(s), deleted 4 blob(s)
}

// A journal lets a run that stopped resume where it was: here the second
// call of the first run, a layer link, fails, which keeps that layer's
// blob and the image; the run resumed with the journal sends only those
// and the link, not what the first run deleted.
func ExampleOpenJournal() {
	old := imagetest.Image("old", imagetest.Options{})
	cur := imagetest.Image("current", imagetest.Options{})
	is := imagetest.Stream("shop", "web", imagetest.Tag{Name: "latest", History: []*image.Image{cur, old}})
	snap := &prune.Snapshot{Images: []*image.Image{old, cur}, Streams: []*image.ImageStream{is}}
	w := newWorld(snap)
	w.failAt = 2 // the first link deletion, after the stream update

	d, err := prune.Plan(snap, prune.Options{Now: imagetest.Epoch.Add(48 * time.Hour), KeepTagRevisions: new(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "prune-journal")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	for run := 1; run <= 2; run++ {
		j, err := prune.OpenJournal(filepath.Join(dir, "journal"))
		if err != nil {
			fmt.Println(err)
			return
		}
		rep, err := prune.Execute(context.Background(), d, prune.Targets{Streams: w, Images: w, Registry: w}, prune.ExecuteOptions{Workers: 1, Journal: j})
		j.Close()
		fmt.Printf("run %d: %v\n", run, err)
		fmt.Println("  sent:     ", rep.Summary())
		fmt.Println("  journaled:", rep.Journaled.Summary())
	}
	// Output:
	// run 1: prune: execution incomplete: 1 operation(s) failed
	//   sent:      Summary: deleted 1 image stream tag item(s), updated 1 image stream(s), deleted 2 layer link(s), deleted 1 manifest link(s), deleted 3 blob(s)
	//   journaled: Summary: deleted 0 objects
	// run 2: <nil>
	//   sent:      Summary: deleted 1 image object(s), deleted 1 layer link(s), deleted 1 blob(s)
	//   journaled: Summary: deleted 2 layer link(s), deleted 1 manifest link(s), deleted 3 blob(s)
}

func ExampleDecodeWorkloads() {
	refs, err := prune.DecodeWorkloads([]byte(`{"kind": "Deployment",
	  "metadata": {"namespace": "shop", "name": "web"},
	  "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "image-registry.openshift-image-registry.svc:5000/shop/web:latest"}]}}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Println(r.Owner, r.FieldPath, r.Spec)
	}
	// Output: Deployment/shop/web spec.template.spec.containers[0].image image-registry.openshift-image-registry.svc:5000/shop/web:latest
}

// PlanSweep compares a registry's storage with what remains in use; here
// a repository no stream owns and a blob no image uses, while a blob being
// uploaded right now is spared by MinAge.
func ExamplePlanSweep() {
	img := imagetest.Image("current", imagetest.Options{})
	is := imagetest.Stream("shop", "web", imagetest.Tag{Name: "latest", History: []*image.Image{img}})
	snap := &prune.Snapshot{Images: []*image.Image{img}, Streams: []*image.ImageStream{is}}
	now := imagetest.Epoch.Add(48 * time.Hour)
	listing := &prune.StorageListing{
		Repositories: []prune.StoredRepository{
			{Name: "shop/web", ManifestLinks: []prune.StoredLink{{Digest: img.Name}}},
			{Name: "gone/app", ManifestLinks: []prune.StoredLink{{Digest: "sha256:" + strings.Repeat("a", 64)}}},
		},
		Blobs: []prune.StoredBlob{
			{Digest: img.Name, Size: 500},
			{Digest: "sha256:" + strings.Repeat("b", 64), Size: 1000},
			{Digest: "sha256:" + strings.Repeat("c", 64), Size: 2000, Modified: now.Add(-time.Minute)},
		},
	}
	sw, err := prune.PlanSweep(snap, listing, prune.SweepOptions{Now: now, MinAge: time.Hour})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("orphaned repositories:", sw.Repositories)
	fmt.Println("manifest links:", len(sw.ManifestLinks), "blobs:", len(sw.Blobs), "bytes:", sw.BytesFreed, "kept young:", sw.KeptYoung)
	// Output:
	// orphaned repositories: [gone/app]
	// manifest links: 1 blobs: 1 bytes: 1000 kept young: 1
}

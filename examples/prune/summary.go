package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// workloads returns the references of a few made-up workloads, chosen
// from the snapshot so that every rule that keeps something in use has
// work to do: a Deployment runs the latest tag of every third stream, and
// a running Pod runs the oldest image of every fifth stream's first tag by
// digest (PRUNE.md §1.2).
func workloads(streams []*image.ImageStream) []prune.Reference {
	var refs []prune.Reference
	for i, is := range streams {
		if len(is.Status.Tags) == 0 {
			continue
		}
		repo := is.Status.DockerImageRepository
		if i%3 == 0 {
			d := prune.Workload{Kind: "Deployment", Namespace: is.Namespace, Name: is.Name,
				Spec: prune.PodSpec{Containers: []prune.Container{{Name: "app", Image: repo + ":latest"}}}}
			refs = append(refs, d.References()...)
		}
		if i%5 == 0 {
			items := is.Status.Tags[0].Items
			p := prune.Workload{Kind: "Pod", Namespace: is.Namespace, Name: is.Name + "-pinned", Phase: "Running",
				Spec: prune.PodSpec{Containers: []prune.Container{{Name: "app", Image: repo + "@" + items[len(items)-1].Image}}}}
			refs = append(refs, p.References()...)
		}
	}
	return refs
}

// summarize prints the plan's totals and, for tag events and images, how
// many each rule kept or deleted, in the order oc applies the rules.
func summarize(w io.Writer, d *prune.Decisions) {
	events := map[prune.Action]map[prune.Reason]int{}
	count := func(m map[prune.Action]map[prune.Reason]int, a prune.Action, r prune.Reason) {
		if m[a] == nil {
			m[a] = map[prune.Reason]int{}
		}
		m[a][r]++
	}
	for _, s := range d.Streams {
		for _, t := range s.Tags {
			for _, e := range t.Events {
				count(events, e.Action, e.Reason)
			}
		}
	}
	images := map[prune.Action]map[prune.Reason]int{}
	for _, img := range d.Images {
		count(images, img.Action, img.Reason)
	}
	fmt.Fprintln(w, "tag events:")
	printCounts(w, events)
	fmt.Fprintln(w, "images:")
	printCounts(w, images)
	fmt.Fprintf(w, "blobs to delete: %d, freeing %s\n", len(d.Blobs), bytesString(d.Stats.BytesFreed))
	if n := len(d.InvalidReferences) + len(d.InvalidImages); n > 0 {
		fmt.Fprintf(w, "reported, not fatal: %d invalid reference(s), %d malformed image(s)\n", len(d.InvalidReferences), len(d.InvalidImages))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, d.Stats.Summary())
}

// printCounts prints "  keep   123  within-revisions 100, tag-referenced 23".
func printCounts(w io.Writer, m map[prune.Action]map[prune.Reason]int) {
	for _, a := range []prune.Action{prune.Keep, prune.Delete} {
		total := 0
		var parts []string
		for _, r := range slices.Sorted(maps.Keys(m[a])) {
			total += m[a][r]
			parts = append(parts, fmt.Sprintf("%s %d", r, m[a][r]))
		}
		fmt.Fprintf(w, "  %-6s %7d", a, total)
		if len(parts) > 0 {
			fmt.Fprintf(w, "  %s", strings.Join(parts, ", "))
		}
		fmt.Fprintln(w)
	}
}

// bytesString formats n in binary units, as `du -h` does.
func bytesString(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

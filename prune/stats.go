package prune

import (
	"fmt"
	"strings"
)

// Stats counts deletions with oc's PruneStats counters (PRUNE.md §2.3),
// plus the bytes the deleted blobs free. In a plan they count what would
// be deleted; in a Report what was deleted (failures are not counted).
type Stats struct {
	DeletedImages              int `json:"deletedImages"`
	DeletedImageStreamTagItems int `json:"deletedImageStreamTagItems"`
	UpdatedImageStreams        int `json:"updatedImageStreams"`
	DeletedLayerLinks          int `json:"deletedLayerLinks"`
	DeletedManifestLinks       int `json:"deletedManifestLinks"`
	DeletedBlobs               int `json:"deletedBlobs"`
	// BytesFreed sums the sizes of the deleted blobs, each counted once.
	// A config or manifest blob counts the length of the raw config or
	// manifest its Image keeps (a list's entry gives a manifest's size
	// too), or 0 when none does: Image objects record no other size of
	// theirs.
	BytesFreed int64 `json:"bytesFreed"`
}

// String formats the counters as oc's PruneStats.String does: the non-zero
// parts joined by ", ", or "deleted 0 objects".
func (s Stats) String() string {
	var parts []string
	add := func(n int, what string) {
		if n != 0 {
			parts = append(parts, fmt.Sprintf("%s %d %s", verb(what), n, what))
		}
	}
	add(s.DeletedImages, "image object(s)")
	add(s.DeletedImageStreamTagItems, "image stream tag item(s)")
	add(s.UpdatedImageStreams, "image stream(s)")
	add(s.DeletedLayerLinks, "layer link(s)")
	add(s.DeletedManifestLinks, "manifest link(s)")
	add(s.DeletedBlobs, "blob(s)")
	if len(parts) == 0 {
		return "deleted 0 objects"
	}
	return strings.Join(parts, ", ")
}

func verb(what string) string {
	if what == "image stream(s)" {
		return "updated"
	}
	return "deleted"
}

// Summary returns the line `oc adm prune images` ends with:
// "Summary: " followed by String.
func (s Stats) Summary() string { return "Summary: " + s.String() }

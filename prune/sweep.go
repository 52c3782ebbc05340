package prune

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// The registry-side sweep (PRUNE.md §6.15) is the library form of the
// hard prune (§4.3): it compares what a registry's storage holds with
// what is in use and finds orphaned repositories, manifest links, layer
// links and blobs. Unlike the hard prune it knows manifest lists, removes
// layer links (a TODO there) and keeps anything younger than a minimum
// age (the other TODO), so that pushes during a sweep are spared, but for
// one case PlanSweep describes.

// StorageListing is what a registry's storage holds, as a storage walk
// (not the HTTP API) finds it.
type StorageListing struct {
	Repositories []StoredRepository `json:"repositories"`
	Blobs        []StoredBlob       `json:"blobs"`
}

// StoredRepository is one repository and its links.
type StoredRepository struct {
	// Name is the repository path, "namespace/name" for an image stream.
	Name          string       `json:"name"`
	ManifestLinks []StoredLink `json:"manifestLinks,omitempty"`
	LayerLinks    []StoredLink `json:"layerLinks,omitempty"`
}

// StoredLink is a repository's link to a manifest or a layer.
type StoredLink struct {
	Digest string `json:"digest"`
	// Modified is when the link was written; zero means unknown (old).
	Modified time.Time `json:"modified,omitzero"`
}

// StoredBlob is a blob in the registry's storage.
type StoredBlob struct {
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
	// Modified is when the blob was written; zero means unknown (old).
	Modified time.Time `json:"modified,omitzero"`
}

// SweepOptions tune PlanSweep.
type SweepOptions struct {
	// Now is the instant ages are measured from; it must be set.
	Now time.Time
	// MinAge keeps every link and blob written less than MinAge before
	// Now, and the repositories holding such links, so a push in progress
	// (blobs uploaded, manifest or Image not yet stored) is not undone.
	MinAge time.Duration
}

// Link is a repository link a sweep removes.
type Link struct {
	Repository string `json:"repository"`
	Digest     string `json:"digest"`
}

// Sweep is the result of PlanSweep, sorted, with a stable JSON form.
type Sweep struct {
	SchemaVersion string `json:"schemaVersion"`
	// Repositories are orphans: no image stream matches them. Their
	// links are listed in ManifestLinks and LayerLinks as well, and
	// ExecuteSweep removes those through the RegistryDeleter; removing
	// what is left of a repository's directory is up to the storage.
	Repositories  []string `json:"repositories,omitempty"`
	ManifestLinks []Link   `json:"manifestLinks,omitempty"`
	LayerLinks    []Link   `json:"layerLinks,omitempty"`
	Blobs         []Blob   `json:"blobs,omitempty"`
	// KeptYoung counts the links and blobs that stay only because of
	// MinAge.
	KeptYoung int `json:"keptYoung"`
	// BytesFreed sums the sizes of Blobs.
	BytesFreed int64 `json:"bytesFreed"`
}

// ErrSweepOptions is returned by PlanSweep for invalid options.
var ErrSweepOptions = errors.New("invalid sweep options")

// PlanSweep finds what the registry's storage holds and nothing in s
// uses. s is what remains in use: read it after Execute has carried a
// plan out (ReadSnapshot), not the snapshot the plan was made from.
// What a plan keeps is no guide: Execute keeps more than its plan when a
// stream changed or a deletion failed. Then:
//
//   - a repository that is not "namespace/name" of a stream in s is
//     orphaned, and all its links go;
//   - a manifest link stays while an event of that stream names the
//     digest, or a manifest list it names has it as a child, or a child
//     list has, whether or not the snapshot has the manifest's Image;
//   - a layer link stays while such an image uses the blob as a layer or
//     config;
//   - a blob stays while an image of s uses it (manifest, config or
//     layer) or a link that stays points at it;
//
// and nothing written less than opts.MinAge ago goes, nor any layer link
// of a repository with such a manifest link: a push that finds a layer
// already linked in the repository writes no new link, so the layers of
// a manifest pushed after s was read may have only old links. A push
// that only tags a manifest the repository already links, after s was
// read, is not seen; only a registry that refuses pushes meanwhile
// closes that window. PlanSweep is pure.
//
// PlanSweep is PlanSweepContext with context.Background().
func PlanSweep(s *Snapshot, listing *StorageListing, opts SweepOptions) (*Sweep, error) {
	return PlanSweepContext(context.Background(), s, listing, opts)
}

// PlanSweepContext is PlanSweep that stops early when ctx ends (PRUNE.md
// §6.14): a registry's listing can hold millions of links and blobs. It
// checks ctx between chunks of its loops and then returns nil and
// ctx.Err(). Invalid options are reported first, whatever ctx.
func PlanSweepContext(ctx context.Context, s *Snapshot, listing *StorageListing, opts SweepOptions) (*Sweep, error) {
	if opts.Now.IsZero() || opts.MinAge < 0 {
		return nil, fmt.Errorf("%w: Now must be set and MinAge not negative", ErrSweepOptions)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s == nil {
		s = &Snapshot{}
	}
	if listing == nil {
		listing = &StorageListing{}
	}
	images := map[string]*image.Image{}
	for i, img := range s.Images {
		if stopped(ctx, i, sweepChunk) {
			return nil, ctx.Err()
		}
		if img != nil {
			images[img.Name] = img
		}
	}

	// Per repository, the manifests and blobs its events need.
	type needs struct{ manifests, blobs map[string]bool }
	repos := map[string]*needs{}
	var need func(n *needs, name string)
	need = func(n *needs, name string) {
		if n.manifests[name] {
			return // and so are its blobs and children
		}
		n.manifests[name] = true
		img := images[name]
		if img == nil {
			return
		}
		for _, b := range blobsOfImage(img)[1:] {
			n.blobs[b] = true
		}
		for _, c := range img.DockerImageManifests {
			need(n, c.Digest)
		}
	}
	for i, is := range s.Streams {
		if stopped(ctx, i, streamChunk) {
			return nil, ctx.Err()
		}
		if is == nil {
			continue
		}
		n := &needs{map[string]bool{}, map[string]bool{}}
		repos[is.Namespace+"/"+is.Name] = n
		for _, list := range is.Status.Tags {
			for _, ev := range list.Items {
				need(n, ev.Image)
			}
		}
	}

	sw := &Sweep{SchemaVersion: SchemaVersion}
	young := func(t time.Time) bool { return !t.IsZero() && opts.Now.Sub(t) < opts.MinAge }
	linked := map[string]bool{} // blobs a staying link points at
	for i, r := range listing.Repositories {
		if stopped(ctx, i, streamChunk) {
			return nil, ctx.Err()
		}
		n := repos[r.Name]
		orphan := n == nil
		pushed := slices.ContainsFunc(r.ManifestLinks, func(l StoredLink) bool { return young(l.Modified) })
		anyYoung := false
		sweepLinks := func(links []StoredLink, needed func(string) bool, recent bool, out *[]Link) {
			for _, l := range links {
				switch {
				case !orphan && needed(l.Digest):
					linked[l.Digest] = true
				case recent || young(l.Modified):
					sw.KeptYoung++
					anyYoung = true
					linked[l.Digest] = true
				default:
					*out = append(*out, Link{Repository: r.Name, Digest: l.Digest})
				}
			}
		}
		sweepLinks(r.ManifestLinks, func(dg string) bool { return n.manifests[dg] }, false, &sw.ManifestLinks)
		sweepLinks(r.LayerLinks, func(dg string) bool { return n.blobs[dg] }, pushed, &sw.LayerLinks)
		if orphan && !anyYoung {
			sw.Repositories = append(sw.Repositories, r.Name)
		}
	}
	inUse := map[string]bool{}
	for i, img := range s.Images {
		if stopped(ctx, i, sweepChunk) {
			return nil, ctx.Err()
		}
		if img != nil {
			for _, b := range blobsOfImage(img) {
				inUse[b] = true
			}
		}
	}
	for i, b := range listing.Blobs {
		if stopped(ctx, i, sweepChunk) {
			return nil, ctx.Err()
		}
		switch {
		case inUse[b.Digest] || linked[b.Digest]:
		case young(b.Modified):
			sw.KeptYoung++
		default:
			sw.Blobs = append(sw.Blobs, Blob{Digest: b.Digest, Size: b.Size})
		}
	}
	byLink := func(a, b Link) int {
		return cmp.Or(strings.Compare(a.Repository, b.Repository), strings.Compare(a.Digest, b.Digest))
	}
	slices.Sort(sw.Repositories)
	sw.Repositories = slices.Compact(sw.Repositories)
	slices.SortFunc(sw.ManifestLinks, byLink)
	sw.ManifestLinks = slices.Compact(sw.ManifestLinks)
	slices.SortFunc(sw.LayerLinks, byLink)
	sw.LayerLinks = slices.Compact(sw.LayerLinks)
	slices.SortFunc(sw.Blobs, func(a, b Blob) int { return strings.Compare(a.Digest, b.Digest) })
	sw.Blobs = slices.CompactFunc(sw.Blobs, func(a, b Blob) bool { return a.Digest == b.Digest })
	for _, b := range sw.Blobs {
		sw.BytesFreed += b.Size
	}
	return sw, nil
}

// sweepChunk is how many images or blobs PlanSweepContext handles
// between two checks of its context: a few tenths of a millisecond of
// map operations. Repositories and streams, each with many links or
// events, go by streamChunk.
const sweepChunk = 1024

// ExecuteSweep removes what a sweep found through reg: links first, then
// blobs, so that a failure leaves no link to a missing blob. Like Execute
// it is idempotent, bounded by opts.Workers, reports progress and stops
// when ctx ends; it returns ErrIncomplete when a deletion failed.
func ExecuteSweep(ctx context.Context, sw *Sweep, reg RegistryDeleter, opts ExecuteOptions) (*Report, error) {
	if sw == nil || reg == nil {
		return nil, errors.New("prune: ExecuteSweep needs a sweep and a registry")
	}
	e := &executor{opts: opts, rep: &Report{SchemaVersion: SchemaVersion}}
	if e.opts.Workers <= 0 {
		e.opts.Workers = DefaultWorkers
	}
	if err := e.beginJournal(sw); err != nil {
		return nil, err
	}
	p := &e.rep.Planned
	p.DeletedLayerLinks, p.DeletedManifestLinks, p.DeletedBlobs, p.BytesFreed = len(sw.LayerLinks), len(sw.ManifestLinks), len(sw.Blobs), sw.BytesFreed
	for _, phase := range []Phase{PhaseLayerLinks, PhaseManifestLinks} {
		links, del, n := sw.LayerLinks, reg.DeleteLayerLink, &e.rep.Deleted.DeletedLayerLinks
		if phase == PhaseManifestLinks {
			links, del, n = sw.ManifestLinks, reg.DeleteManifestLink, &e.rep.Deleted.DeletedManifestLinks
		}
		links = slices.DeleteFunc(slices.Clone(links), func(l Link) bool {
			return e.journaled(phase, l.Repository+"@"+l.Digest, 0)
		})
		err := e.run(ctx, phase, len(links), func(i int) (string, error) {
			l := links[i]
			err := del(ctx, l.Repository, l.Digest)
			if err == nil {
				e.mu.Lock()
				*n++
				e.mu.Unlock()
			}
			return l.Repository + "@" + l.Digest, err
		})
		if err != nil {
			return e.rep, err
		}
	}
	if len(e.rep.Failures) == 0 {
		// A blob whose link failed to go may still be served through it.
		blobs := slices.DeleteFunc(slices.Clone(sw.Blobs), func(b Blob) bool { return e.journaled(PhaseBlobs, b.Digest, b.Size) })
		err := e.run(ctx, PhaseBlobs, len(blobs), func(i int) (string, error) {
			b := blobs[i]
			err := reg.DeleteBlob(ctx, b.Digest)
			if err == nil {
				e.mu.Lock()
				e.rep.Deleted.DeletedBlobs++
				e.rep.Deleted.BytesFreed += b.Size
				e.mu.Unlock()
			}
			return b.Digest, err
		})
		if err != nil {
			return e.rep, err
		}
	}
	if len(e.rep.Failures) > 0 {
		return e.rep, fmt.Errorf("%w: %d operation(s) failed", ErrIncomplete, len(e.rep.Failures))
	}
	return e.rep, nil
}

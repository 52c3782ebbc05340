package prune_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
	"github.com/imagestreams/imagestreams/storage"
)

// world is an in-memory cluster and registry implementing every Execute
// target, with fault injection: the failAt-th mutating call fails.
type world struct {
	mu      sync.Mutex
	streams map[string]*image.ImageStream
	images  map[string]*image.Image
	links   map[string]bool // "repo@digest"
	blobs   map[string]bool
	rv      int

	calls  int // mutating calls so far
	failAt int // 1-based; 0 never
	// cancelAt cancels cancel at the cancelAt-th mutating call, before it
	// takes effect.
	cancelAt int
	cancel   context.CancelFunc
	// onCall, if set, runs at every mutating call, before it takes
	// effect, with the world locked: a concurrent writer's moment.
	onCall func(call int)
	kinds  []string // the kind of every mutating call, in order
	// sent counts the deletion calls by "phase target", as Execute names
	// them in Progress and a Journal, failed ones included.
	sent map[string]int
}

var errInjected = errors.New("injected fault")

// newWorld stores the snapshot and links every event's image (and its
// blobs) in the event's repository, as pushes and imports leave them.
func newWorld(s *prune.Snapshot) *world {
	w := &world{streams: map[string]*image.ImageStream{}, images: map[string]*image.Image{}, links: map[string]bool{}, blobs: map[string]bool{}}
	for _, img := range s.Images {
		w.images[img.Name] = img
		for _, b := range blobsOf(img) {
			w.blobs[b] = true
		}
	}
	for _, is := range s.Streams {
		c := is.DeepCopy()
		w.rv++
		c.ResourceVersion = strconv.Itoa(w.rv)
		is.ResourceVersion = c.ResourceVersion
		w.streams[c.Namespace+"/"+c.Name] = c
		for _, t := range c.Status.Tags {
			for _, ev := range t.Items {
				if img := w.images[ev.Image]; img != nil {
					for _, b := range blobsOf(img) {
						w.links[c.Namespace+"/"+c.Name+"@"+b] = true
					}
				}
			}
		}
	}
	return w
}

// blobsOf is every blob an image has in a registry: its manifest, config
// and layers.
func blobsOf(img *image.Image) []string {
	out := []string{img.Name}
	if img.DockerImageMetadata.ID != "" && img.DockerImageManifestMediaType != image.MediaTypeOCIIndex {
		out = append(out, img.DockerImageMetadata.ID)
	}
	for _, l := range img.DockerImageLayers {
		out = append(out, l.Name)
	}
	return out
}

// mutate counts a mutating call and reports whether it must fail.
func (w *world) mutate() error {
	w.calls++
	if w.onCall != nil {
		w.onCall(w.calls)
	}
	if w.cancelAt > 0 && w.calls == w.cancelAt {
		w.cancel()
		return context.Canceled
	}
	if w.calls == w.failAt {
		return errInjected
	}
	return nil
}

func (w *world) GetImageStream(_ context.Context, ns, name string) (*image.ImageStream, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	is := w.streams[ns+"/"+name]
	if is == nil {
		return nil, fmt.Errorf("imagestreams %q: %w", name, storage.ErrNotFound)
	}
	return is.DeepCopy(), nil
}

func (w *world) UpdateImageStreamStatus(_ context.Context, is *image.ImageStream) (*image.ImageStream, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.kinds = append(w.kinds, "stream")
	if err := w.mutate(); err != nil {
		return nil, err
	}
	key := is.Namespace + "/" + is.Name
	cur := w.streams[key]
	if cur == nil {
		return nil, fmt.Errorf("imagestreams %q: %w", is.Name, storage.ErrNotFound)
	}
	if cur.ResourceVersion != is.ResourceVersion {
		return nil, fmt.Errorf("imagestreams %q: the object has been modified: %w", is.Name, storage.ErrConflict)
	}
	c := is.DeepCopy()
	w.rv++
	c.ResourceVersion = strconv.Itoa(w.rv)
	w.streams[key] = c
	return c.DeepCopy(), nil
}

func (w *world) DeleteImage(_ context.Context, name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.kinds = append(w.kinds, "image")
	w.send(prune.PhaseImages, name)
	if err := w.mutate(); err != nil {
		return err
	}
	if w.images[name] == nil {
		return fmt.Errorf("image %s: %w", name, storage.ErrNotFound)
	}
	delete(w.images, name)
	return nil
}

// send counts a deletion call, with the world locked.
func (w *world) send(phase prune.Phase, target string) {
	if w.sent == nil {
		w.sent = map[string]int{}
	}
	w.sent[string(phase)+" "+target]++
}

func (w *world) deleteKey(kind string, phase prune.Phase, set map[string]bool, key string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.kinds = append(w.kinds, kind)
	w.send(phase, key)
	if err := w.mutate(); err != nil {
		return err
	}
	delete(set, key) // not found is success, as for a registry's 404
	return nil
}

func (w *world) DeleteLayerLink(_ context.Context, repo, dg string) error {
	return w.deleteKey("link", prune.PhaseLayerLinks, w.links, repo+"@"+dg)
}

func (w *world) DeleteManifestLink(_ context.Context, repo, dg string) error {
	return w.deleteKey("link", prune.PhaseManifestLinks, w.links, repo+"@"+dg)
}

func (w *world) DeleteBlob(_ context.Context, dg string) error {
	return w.deleteKey("blob", prune.PhaseBlobs, w.blobs, dg)
}

func (w *world) ListImageStreams(context.Context) ([]*image.ImageStream, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*image.ImageStream
	for _, key := range slices.Sorted(maps.Keys(w.streams)) {
		out = append(out, w.streams[key].DeepCopy())
	}
	return out, nil
}

func (w *world) ListImages(context.Context) ([]*image.Image, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*image.Image
	for _, name := range slices.Sorted(maps.Keys(w.images)) {
		out = append(out, w.images[name])
	}
	return out, nil
}

// push does what a registry push of img to repo:tag does, with the world
// locked: upload the blobs it lacks, link them and the manifest in the
// repository, store the Image, and add a tag event to the stream,
// creating it if needed.
func (w *world) push(repo, tagName string, img *image.Image, at time.Time) {
	w.images[img.Name] = img
	for _, b := range blobsOf(img) {
		w.blobs[b] = true
		w.links[repo+"@"+b] = true
	}
	is := w.streams[repo]
	if is == nil {
		ns, name, _ := strings.Cut(repo, "/")
		is = &image.ImageStream{ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: image.NewTime(at)}}
		w.streams[repo] = is
	}
	ev := image.TagEvent{Created: image.NewTime(at), Image: img.Name}
	i := slices.IndexFunc(is.Status.Tags, func(l image.NamedTagEventList) bool { return l.Tag == tagName })
	if i < 0 {
		is.Status.Tags = append(is.Status.Tags, image.NamedTagEventList{Tag: tagName})
		i = len(is.Status.Tags) - 1
	}
	is.Status.Tags[i].Items = append([]image.TagEvent{ev}, is.Status.Tags[i].Items...)
	w.rv++
	is.ResourceVersion = strconv.Itoa(w.rv)
}

// broken reports the first event whose image, blobs or links are gone,
// or the first child of a list an event names (at any depth) whose Image
// object or blobs are gone.
func (w *world) broken() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var children func(img *image.Image, depth int) error
	children = func(img *image.Image, depth int) error {
		for _, m := range img.DockerImageManifests {
			child := w.images[m.Digest]
			if child == nil {
				return fmt.Errorf("child %s of list %s gone", m.Digest, img.Name)
			}
			for _, b := range blobsOf(child) {
				if !w.blobs[b] {
					return fmt.Errorf("blob %s of child %s of list %s gone", b, child.Name, img.Name)
				}
			}
			if depth < 8 { // lists of lists, and no further
				if err := children(child, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, key := range slices.Sorted(maps.Keys(w.streams)) {
		for _, t := range w.streams[key].Status.Tags {
			for _, ev := range t.Items {
				img := w.images[ev.Image]
				if img == nil {
					return fmt.Errorf("%s:%s names missing image %s", key, t.Tag, ev.Image)
				}
				for _, b := range blobsOf(img) {
					if !w.blobs[b] || !w.links[key+"@"+b] {
						return fmt.Errorf("%s:%s: blob or link %s of image %s gone", key, t.Tag, b, img.Name)
					}
				}
				if err := children(img, 0); err != nil {
					return fmt.Errorf("%s:%s: %w", key, t.Tag, err)
				}
			}
		}
	}
	return nil
}

func (w *world) targets() prune.Targets { return prune.Targets{Streams: w, Images: w, Registry: w} }

// listingTargets adds the world as a Lister.
func (w *world) listingTargets() prune.Targets {
	t := w.targets()
	t.Lister = w
	return t
}

// state is a comparable picture of the world.
type state struct {
	Events []string
	Images []string
	Links  []string
	Blobs  []string
}

func (w *world) state() state {
	w.mu.Lock()
	defer w.mu.Unlock()
	var s state
	for _, key := range slices.Sorted(maps.Keys(w.streams)) {
		for _, t := range w.streams[key].Status.Tags {
			for _, ev := range t.Items {
				s.Events = append(s.Events, key+":"+t.Tag+"@"+ev.Image+"/"+ev.Created.String())
			}
		}
	}
	s.Images = slices.Sorted(maps.Keys(w.images))
	s.Links = slices.Sorted(maps.Keys(w.links))
	s.Blobs = slices.Sorted(maps.Keys(w.blobs))
	return s
}

// inUseLost reports the first thing a remaining event needs that is gone:
// its image, the image's blobs, their links in the event's repository, and
// the children of a list with their blobs. Events whose image was missing
// from the start (dangling) need nothing.
func (w *world) inUseLost(initial map[string]*image.Image) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, is := range w.streams {
		for _, t := range is.Status.Tags {
			for _, ev := range t.Items {
				img := initial[ev.Image]
				if img == nil {
					continue
				}
				if w.images[img.Name] == nil {
					return fmt.Errorf("image %s of %s:%s deleted", img.Name, key, t.Tag)
				}
				for _, b := range blobsOf(img) {
					if !w.blobs[b] {
						return fmt.Errorf("blob %s of %s:%s deleted", b, key, t.Tag)
					}
					if !w.links[key+"@"+b] {
						return fmt.Errorf("link %s@%s of %s deleted", key, b, t.Tag)
					}
				}
				for _, c := range img.DockerImageManifests {
					child := initial[c.Digest]
					if child == nil {
						continue
					}
					if w.images[child.Name] == nil {
						return fmt.Errorf("child %s of list %s deleted", child.Name, img.Name)
					}
					for _, b := range blobsOf(child) {
						if !w.blobs[b] {
							return fmt.Errorf("blob %s of child %s deleted", b, child.Name)
						}
					}
				}
			}
		}
	}
	return nil
}

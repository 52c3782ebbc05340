package prune_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// now is the Options.Now of every rule test; old is comfortably outside
// the default keep-younger-than window.
var (
	now = time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)
	old = now.Add(-48 * time.Hour)
)

// dg returns a digest named after s, so tests can speak in labels.
func dg(s string) string { return string(digest.FromString(s)) }

// fx builds small snapshots whose digests map back to labels.
type fx struct {
	snap   prune.Snapshot
	labels map[string]string
}

func newFx() *fx { return &fx{labels: map[string]string{}} }

func (f *fx) label(d string) string {
	if l, ok := f.labels[d]; ok {
		return l
	}
	return d
}

// image adds an old OCI image named label whose layers are labelled
// blobs; its config is "<label>-config".
func (f *fx) image(label string, layers ...string) *image.Image {
	img := &image.Image{
		ObjectMeta:                   image.ObjectMeta{Name: dg(label), CreationTimestamp: image.NewTime(old)},
		DockerImageManifestMediaType: image.MediaTypeOCIManifest,
		DockerImageMetadata:          image.DockerImage{ID: dg(label + "-config"), Size: 100},
	}
	f.labels[img.Name] = label
	f.labels[img.DockerImageMetadata.ID] = label + "-config"
	for _, l := range layers {
		img.DockerImageLayers = append(img.DockerImageLayers, image.ImageLayer{Name: dg(l), LayerSize: 10, MediaType: image.MediaTypeOCILayer})
		f.labels[dg(l)] = l
	}
	f.snap.Images = append(f.snap.Images, img)
	return img
}

// list adds an old OCI index over the given children.
func (f *fx) list(label string, children ...*image.Image) *image.Image {
	img := &image.Image{
		ObjectMeta:                   image.ObjectMeta{Name: dg(label), CreationTimestamp: image.NewTime(old)},
		DockerImageManifestMediaType: image.MediaTypeOCIIndex,
	}
	f.labels[img.Name] = label
	for _, c := range children {
		img.DockerImageManifests = append(img.DockerImageManifests, image.ImageManifest{Digest: c.Name, MediaType: image.MediaTypeOCIManifest, ManifestSize: 500, OS: "linux", Architecture: "amd64"})
	}
	f.snap.Images = append(f.snap.Images, img)
	return img
}

// missing returns the name of an image that is not in the snapshot.
func (f *fx) missing(label string) *image.Image {
	img := &image.Image{ObjectMeta: image.ObjectMeta{Name: dg(label)}}
	f.labels[img.Name] = label
	return img
}

// tag is one tag of a fixture stream: its history, newest first, with
// events an hour apart ending at old unless ages says otherwise.
type tag struct {
	name    string
	history []*image.Image
	created []time.Time // optional per-event creation times
}

func (f *fx) stream(ns, name string, tags ...tag) *image.ImageStream {
	is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: image.NewTime(old.Add(-24 * time.Hour)), ResourceVersion: "1"}}
	for _, t := range tags {
		l := image.NamedTagEventList{Tag: t.name}
		for i, img := range t.history {
			c := old.Add(-time.Duration(i) * time.Hour)
			if i < len(t.created) {
				c = t.created[i]
			}
			l.Items = append(l.Items, image.TagEvent{Created: image.NewTime(c), Image: img.Name, DockerImageReference: "registry/" + ns + "/" + name + "@" + img.Name})
		}
		is.Status.Tags = append(is.Status.Tags, l)
	}
	f.snap.Streams = append(f.snap.Streams, is)
	return is
}

// ref adds an active reference held by a pod in namespace "app".
func (f *fx) ref(spec string) *prune.Reference {
	f.snap.References = append(f.snap.References, prune.Reference{
		Owner:     prune.Owner{Kind: "Pod", Namespace: "app", Name: fmt.Sprintf("pod-%d", len(f.snap.References))},
		FieldPath: "spec.containers[0].image", Spec: spec, Created: old,
	})
	return &f.snap.References[len(f.snap.References)-1]
}

// outcome is a plan in labels: "ns/is:tag#rev" and "image label" map to
// "action reason"; links and blobs are listed by label.
type outcome struct {
	Events        map[string]string
	Images        map[string]string
	LayerLinks    []string
	ManifestLinks []string
	Blobs         []string
	Removed       []string
}

func (f *fx) outcome(d *prune.Decisions) outcome {
	o := outcome{Events: map[string]string{}, Images: map[string]string{}}
	for _, s := range d.Streams {
		for _, t := range s.Tags {
			if t.Removed {
				o.Removed = append(o.Removed, s.Repository()+":"+t.Tag)
			}
			for _, e := range t.Events {
				o.Events[fmt.Sprintf("%s:%s#%d", s.Repository(), t.Tag, e.Revision)] = e.Action.String() + " " + e.Reason.String()
			}
		}
		for _, l := range s.LayerLinks {
			o.LayerLinks = append(o.LayerLinks, s.Repository()+"@"+f.label(l))
		}
		for _, l := range s.ManifestLinks {
			o.ManifestLinks = append(o.ManifestLinks, s.Repository()+"@"+f.label(l))
		}
	}
	for _, i := range d.Images {
		o.Images[f.label(i.Name)] = i.Action.String() + " " + i.Reason.String()
	}
	for _, b := range d.Blobs {
		o.Blobs = append(o.Blobs, f.label(b.Digest))
	}
	slices.Sort(o.LayerLinks)
	slices.Sort(o.ManifestLinks)
	slices.Sort(o.Blobs)
	return o
}

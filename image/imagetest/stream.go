package imagetest

import (
	"slices"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// Tag describes one tag of a fixture stream.
type Tag struct {
	// Name is the tag name.
	Name string
	// From, when set, makes a spec tag pointing at this DockerImage pull
	// spec; otherwise the tag exists only in status, as a pushed tag does.
	From string
	// History are the images the tag pointed at, newest first.
	History []*image.Image
}

// Stream returns a stream in namespace ns with the given tags, as the API
// server would store it: generation 1, spec and status tags sorted by
// name, one event per history image created an hour apart (newest at
// Epoch), and status.dockerImageRepository in the integrated registry
// "image-registry.openshift-image-registry.svc:5000". A name given twice
// keeps only its last Tag, as the server keeps the last of duplicate
// entries (SEMANTICS §2.3).
func Stream(ns, name string, tags ...Tag) *image.ImageStream {
	is := &image.ImageStream{
		TypeMeta:   image.TypeMeta{Kind: "ImageStream", APIVersion: image.APIVersion},
		ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name, Generation: 1, CreationTimestamp: image.NewTime(Epoch.Add(-24 * time.Hour))},
		Status:     image.ImageStreamStatus{DockerImageRepository: "image-registry.openshift-image-registry.svc:5000/" + ns + "/" + name},
	}
	last := map[string]int{}
	for i, t := range tags {
		last[t.Name] = i
	}
	for i, t := range tags {
		if last[t.Name] != i {
			continue
		}
		if t.From != "" {
			one := int64(1)
			is.Spec.Tags = append(is.Spec.Tags, image.TagReference{
				Name:            t.Name,
				From:            &image.ObjectReference{Kind: image.KindDockerImage, Name: t.From},
				Generation:      &one,
				ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
				ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
			})
		}
		list := image.NamedTagEventList{Tag: t.Name}
		for i, img := range t.History {
			list.Items = append(list.Items, image.TagEvent{
				Created:              image.NewTime(Epoch.Add(-time.Duration(i) * time.Hour)),
				DockerImageReference: img.DockerImageReference,
				Image:                img.Name,
				Generation:           1,
			})
		}
		if len(list.Items) > 0 {
			is.Status.Tags = append(is.Status.Tags, list)
		}
	}
	sortStream(is)
	return is
}

// Mapping returns the ImageStreamMapping the integrated registry sends
// after pushing img to ns/stream:tag (SEMANTICS §6). Like the registry's,
// its image is annotated as managed by OpenShift and as having its
// manifest blob stored in the registry, so the API server keeps neither
// the manifest nor the config of the Image it creates (§10.1).
func Mapping(ns, stream, tag string, img *image.Image) *image.ImageStreamMapping {
	m := &image.ImageStreamMapping{
		TypeMeta:   image.TypeMeta{Kind: "ImageStreamMapping", APIVersion: image.APIVersion},
		ObjectMeta: image.ObjectMeta{Namespace: ns, Name: stream},
		Image:      *img.DeepCopy(),
		Tag:        tag,
	}
	m.Image.TypeMeta = image.TypeMeta{}
	if m.Image.Annotations == nil {
		m.Image.Annotations = map[string]string{}
	}
	m.Image.Annotations[image.ManagedByOpenShiftAnnotation] = "true"
	m.Image.Annotations[image.ImageManifestBlobStoredAnnotation] = "true"
	m.Image.DockerImageReference = "image-registry.openshift-image-registry.svc:5000/" + ns + "/" + stream + "@" + img.Name
	return m
}

// sortStream orders tags by name, as OpenShift stores them.
func sortStream(is *image.ImageStream) {
	slices.SortStableFunc(is.Spec.Tags, func(a, b image.TagReference) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(is.Status.Tags, func(a, b image.NamedTagEventList) int { return strings.Compare(a.Tag, b.Tag) })
}

func sortImages(images []*image.Image) {
	slices.SortFunc(images, func(a, b *image.Image) int { return strings.Compare(a.Name, b.Name) })
}

func sortStreams(streams []*image.ImageStream) {
	slices.SortFunc(streams, func(a, b *image.ImageStream) int {
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

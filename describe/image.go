package describe

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/image"
)

// ImageStreamTag writes ist to w as `oc describe istag/<stream>:<tag>`
// prints it: "Image Name:" followed by the description of the tag's
// current image, as [Image] writes it. Ages are measured at now. As in
// oc DescribeImage, the "Image Name" line is left out when the image has
// no name.
func ImageStreamTag(w io.Writer, ist *image.ImageStreamTag, now time.Time) error {
	if ist == nil {
		return ErrNilObject
	}
	p := newPrinter(now)
	if ist.Image.Name != "" {
		p.field("Image Name", clean(ist.Image.Name))
	}
	imageFields(p, &ist.Image)
	return p.finish(w)
}

// Image writes img to w as `oc describe image/<digest>` prints it, with
// ages measured at now:
//
//	Docker Image:	centos/python-35-centos7@sha256:49c1…
//	Name:		sha256:49c1…
//	Created:	2 minutes ago
//	Image Size:	251.2 MB in 3 layers (first layer 2.898 MB, last binary layer 72.26 MB)
//	Image Created:	2 weeks ago
//	Author:		<none>
//	Arch:		amd64
//	Entrypoint:	container-entrypoint
//	…
//
// followed by command, working dir, user, exposed ports, Docker labels,
// environment and volumes from the image config; as in oc
// describeDockerImage, Environment and Volumes are printed only when the
// config has some. An image without a config, other than a manifest list,
// gets the lines of an empty one ("<none>"), as in oc. Labels and
// annotations of the Image object itself are printed only when it has
// some; a "description" annotation reads as a "Description:" line, as in
// oc.
//
// Image Size is dockerImageMetadata.Size (the sum of the distinct layers
// when that is 0), the layer count, and, as the origin-era oc printed it
// (SEMANTICS §10.3), the size of the first layer when it is not empty and
// of the last non-empty layer after it. An image without layers that is
// not a manifest list gets oc's "Layer Size:" line instead, with the size
// alone ("<unknown>" when 0). A manifest list has no layers and no size
// of its own: its children are listed under "Manifests:" as
// os/arch[/variant] and digest, and the config fields, which a list does
// not have, are left out.
func Image(w io.Writer, img *image.Image, now time.Time) error {
	if img == nil {
		return ErrNilObject
	}
	p := newPrinter(now)
	imageFields(p, img)
	return p.finish(w)
}

func imageFields(p *printer, img *image.Image) {
	meta := &img.DockerImageMetadata
	p.field("Docker Image", orNone(img.DockerImageReference))
	p.field("Name", orNone(img.Name))
	if !img.CreationTimestamp.IsZero() {
		p.field("Created", ago(img.CreationTimestamp, p.now))
	}
	if len(img.Labels) > 0 {
		p.list("Labels", keyValues(img.Labels))
	}
	if len(img.Annotations) > 0 {
		p.annotations(img.Annotations)
	}
	sizeLabel := "Image Size"
	if len(img.DockerImageLayers) == 0 && len(img.DockerImageManifests) == 0 {
		// oc's legacy case: the server does not know the layers
		// (SEMANTICS §10.3).
		sizeLabel = "Layer Size"
	}
	p.field(sizeLabel, imageSize(img))
	p.field("Image Created", ago(meta.Created, p.now))
	p.field("Author", orNone(meta.Author))
	p.field("Arch", orNone(meta.Architecture))
	if len(img.DockerImageManifests) > 0 {
		rows := make([]string, len(img.DockerImageManifests))
		for i, m := range img.DockerImageManifests {
			plat := m.OS + "/" + m.Architecture
			if m.Variant != "" {
				plat += "/" + m.Variant
			}
			rows[i] = clean(plat) + "\t" + clean(m.Digest)
		}
		p.list("Manifests", rows)
	}
	switch {
	case meta.Config != nil:
		configFields(p, meta.Config)
	case len(img.DockerImageManifests) == 0:
		// oc DescribeImage describes a missing config as an empty one.
		configFields(p, &image.DockerConfig{})
	}
}

// imageSize is the value of the "Image Size" or "Layer Size" line.
func imageSize(img *image.Image) string {
	layers := img.DockerImageLayers
	size := img.DockerImageMetadata.Size
	if size == 0 && len(layers) > 0 {
		size = image.ImageSize(layers, "", 0)
	}
	if len(layers) == 0 && len(img.DockerImageManifests) > 0 {
		// A list's own size is 0 (SEMANTICS §10.3); its children have one.
		return "<none> (manifest list of " + strconv.Itoa(len(img.DockerImageManifests)) + " images)"
	}
	if len(layers) == 0 {
		if size == 0 {
			return "<unknown>"
		}
		return HumanSize(size)
	}
	var b strings.Builder
	b.WriteString(HumanSize(size))
	b.WriteString(" in ")
	b.WriteString(strconv.Itoa(len(layers)))
	// oc's wording, "1 layers" included.
	b.WriteString(" layers")
	if len(layers) == 1 {
		return b.String()
	}
	// Empty layers (size 0, as schema 1 and some builders write them)
	// say nothing about the image, so the "last binary layer" is the
	// last one with content.
	var parts []string
	if first := layers[0].LayerSize; first > 0 {
		parts = append(parts, "first layer "+HumanSize(first))
	}
	for i := len(layers) - 1; i > 0; i-- {
		if s := layers[i].LayerSize; s > 0 {
			parts = append(parts, "last binary layer "+HumanSize(s))
			break
		}
	}
	if len(parts) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(parts, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// configFields prints what the image runs, from its config.
func configFields(p *printer, c *image.DockerConfig) {
	if len(c.Entrypoint) > 0 {
		p.field("Entrypoint", clean(strings.Join(c.Entrypoint, " ")))
	}
	if len(c.Cmd) > 0 || len(c.Entrypoint) == 0 {
		p.field("Command", orNone(strings.Join(c.Cmd, " ")))
	}
	p.field("Working Dir", orNone(c.WorkingDir))
	p.field("User", orNone(c.User))
	p.field("Exposes Ports", orNone(strings.Join(sortedKeys(c.ExposedPorts), ", ")))
	p.list("Docker Labels", keyValues(c.Labels))
	if len(c.Env) > 0 {
		env := make([]string, len(c.Env))
		for i, e := range c.Env {
			env[i] = clean(e)
		}
		p.list("Environment", env)
	}
	if len(c.Volumes) > 0 {
		vols := sortedKeys(c.Volumes)
		for i, v := range vols {
			vols[i] = clean(v)
		}
		p.list("Volumes", vols)
	}
}

func sortedKeys(m map[string]struct{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

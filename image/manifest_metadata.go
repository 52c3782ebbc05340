package image

import (
	"encoding/json"
	"slices"
	"time"
)

// dockerImageConfig is the "dockerpre012" shape OpenShift decodes config
// blobs and schema 1 v1Compatibility entries with (SEMANTICS §1.2, §8.6):
// lower-case top-level keys, capitalized keys inside config and
// container_config. encoding/json matches keys case-insensitively, so
// "Size" in a v1Compatibility entry fills Size as it does in OpenShift.
type dockerImageConfig struct {
	ID              string        `json:"id"`
	Parent          string        `json:"parent,omitempty"`
	Comment         string        `json:"comment,omitempty"`
	Created         time.Time     `json:"created"`
	Container       string        `json:"container,omitempty"`
	ContainerConfig DockerConfig  `json:"container_config,omitempty"`
	DockerVersion   string        `json:"docker_version,omitempty"`
	Author          string        `json:"author,omitempty"`
	Config          *DockerConfig `json:"config,omitempty"`
	Architecture    string        `json:"architecture,omitempty"`
	Size            int64         `json:"size,omitempty"`
}

// decodeConfig decodes a config blob or a v1Compatibility entry.
func decodeConfig(b []byte) (*dockerImageConfig, error) {
	var c dockerImageConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// looseManifest is the union shape OpenShift decodes a stored
// dockerImageManifest into, whatever its format (SEMANTICS §10.2). It is
// deliberately lenient: unlike ParseManifest it checks no digests or sizes,
// because it reads what is already stored.
type looseManifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType,omitempty"`
	FSLayers      []schema1FSLayer  `json:"fsLayers"`
	History       []schema1History  `json:"history"`
	Layers        []looseDescriptor `json:"layers"`
	Config        looseDescriptor   `json:"config"`
}

type looseDescriptor struct {
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	Digest    string `json:"digest"`
}

// ImageWithMetadata derives an Image's layers, metadata, size and manifest
// media type from its dockerImageManifest and dockerImageConfig, as
// OpenShift's InternalImageWithMetadata does on every Image create and
// update (SEMANTICS §10.2):
//
//   - No manifest: nothing to do.
//   - [ReorderImageLayers] runs first.
//   - Layers present, Size > 0 and a media type set: already filled, done.
//   - Manifest list or OCI index (by the manifest's own mediaType field):
//     metadata Id = the Image name, Created = now; nothing else.
//   - Layers are filled only when empty: schema 1 from fsLayers, reversed
//     to base first, sizes from history; schema 2/OCI in manifest order.
//     Filling sets the dockerLayersOrder annotation to "ascending".
//   - Schema 1: media type becomes MediaTypeDockerSchema1Manifest (even
//     for signed manifests) and metadata comes from history[0]: Id is the
//     v1 image id, not a digest.
//   - Schema 2/OCI: a config is required; metadata comes from it and Id is
//     the config digest, while the Image name stays the manifest digest.
//   - Size is [ImageSize] of the layers: for schema 2/OCI the config's
//     length plus every distinct layer, even with no layers at all (never
//     the config's own "size" key); for schema 1, which always has a
//     layer here, every distinct layer.
//
// Kind and apiVersion of dockerImageMetadata are set when empty. On error
// img may be partly updated, as in OpenShift, which only logs the error.
func ImageWithMetadata(img *Image, now time.Time) error {
	if img.DockerImageManifest == "" {
		return nil
	}
	ReorderImageLayers(img)
	if len(img.DockerImageLayers) > 0 && img.DockerImageMetadata.Size > 0 && img.DockerImageManifestMediaType != "" {
		return nil
	}
	var m looseManifest
	if err := json.Unmarshal([]byte(img.DockerImageManifest), &m); err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "cannot decode dockerImageManifest of image %s", img.Name)
	}
	return fillMetadata(img, &m, nil, now)
}

// fillMetadata is the part of ImageWithMetadata after the manifest is
// decoded. cfg, when not nil, is img.DockerImageConfig already decoded.
func fillMetadata(img *Image, m *looseManifest, cfg *dockerImageConfig, now time.Time) error {
	meta := &img.DockerImageMetadata
	if m.MediaType == MediaTypeDockerSchema2ManifestList || m.MediaType == MediaTypeOCIIndex {
		meta.ID = img.Name
		meta.Created = NewTime(now)
		setMetadataTypeMeta(img)
		return nil
	}
	if err := fillImageLayers(img, m); err != nil {
		return err
	}
	switch m.SchemaVersion {
	case 1:
		img.DockerImageManifestMediaType = MediaTypeDockerSchema1Manifest
		if len(m.History) == 0 {
			return newManifestError(ErrInvalidManifest, "the image %s (%s) has a schema 1 manifest, but it doesn't have history", img.Name, img.DockerImageReference)
		}
		v1, err := decodeConfig([]byte(m.History[0].V1Compatibility))
		if err != nil {
			return wrapManifestError(ErrInvalidConfig, err, "cannot decode history[0].v1Compatibility of image %s", img.Name)
		}
		// Comment is not copied here: OpenShift keeps whatever the
		// importer decoded before.
		comment := meta.Comment
		applyConfig(meta, v1)
		meta.Comment = comment
		meta.Size = ImageSize(img.DockerImageLayers, "", 0)
	case 2:
		switch {
		case m.MediaType != "":
			img.DockerImageManifestMediaType = m.MediaType
		case img.DockerImageManifestMediaType == "":
			img.DockerImageManifestMediaType = MediaTypeDockerSchema2Manifest
		}
		if img.DockerImageConfig == "" {
			return newManifestError(ErrMissingConfig, "dockerImageConfig must not be empty for manifest type %q", img.DockerImageManifestMediaType)
		}
		if cfg == nil {
			var err error
			if cfg, err = decodeConfig([]byte(img.DockerImageConfig)); err != nil {
				return wrapManifestError(ErrInvalidConfig, err, "failed to parse dockerImageConfig")
			}
		}
		applyConfig(meta, cfg)
		meta.ID = m.Config.Digest
		// The config blob's own "size" key is not trusted, even when
		// there are no layers.
		meta.Size = ImageSize(img.DockerImageLayers, m.Config.Digest, int64(len(img.DockerImageConfig)))
	default:
		return unrecognizedSchema(img, m.SchemaVersion)
	}
	setMetadataTypeMeta(img)
	return nil
}

// fillImageLayers fills empty layers from the manifest (SEMANTICS §10.2).
func fillImageLayers(img *Image, m *looseManifest) error {
	if len(img.DockerImageLayers) != 0 {
		return nil
	}
	switch m.SchemaVersion {
	case 1:
		if len(m.History) != len(m.FSLayers) {
			return newManifestError(ErrInvalidManifest, "the image %s (%s) has mismatched history and fslayer cardinality (%d != %d)", img.Name, img.DockerImageReference, len(m.History), len(m.FSLayers))
		}
		layers := make([]ImageLayer, len(m.FSLayers))
		for i, h := range m.History {
			// A size that does not decode counts as 0, as in OpenShift.
			var size struct {
				Size int64 `json:"size,omitempty"`
			}
			// json.Unmarshal keeps what it decoded before a type error
			// ({"size":"x","size":5} leaves 5), so reset on any error.
			if err := json.Unmarshal([]byte(h.V1Compatibility), &size); err != nil {
				size.Size = 0
			}
			// Schema 1 lists the top layer first; Images list the base
			// first.
			layers[len(layers)-1-i] = ImageLayer{
				Name:      m.FSLayers[i].BlobSum.String(),
				LayerSize: size.Size,
				MediaType: MediaTypeDockerSchema1Layer,
			}
		}
		img.DockerImageLayers = layers
	case 2:
		layers := make([]ImageLayer, len(m.Layers))
		for i, l := range m.Layers {
			layers[i] = ImageLayer{Name: l.Digest, LayerSize: l.Size, MediaType: l.MediaType}
		}
		img.DockerImageLayers = layers
	default:
		return unrecognizedSchema(img, m.SchemaVersion)
	}
	markLayersAscending(img)
	return nil
}

func unrecognizedSchema(img *Image, v int) error {
	return newManifestError(ErrUnsupportedManifest, "unrecognized container image manifest schema %d for %q (%s)", v, img.Name, img.DockerImageReference)
}

// applyConfig copies the dockerpre012 fields into the metadata, keeping
// its TypeMeta.
func applyConfig(meta *DockerImage, c *dockerImageConfig) {
	meta.ID = c.ID
	meta.Parent = c.Parent
	meta.Comment = c.Comment
	meta.Created = NewTime(c.Created)
	meta.Container = c.Container
	meta.ContainerConfig = c.ContainerConfig
	meta.DockerVersion = c.DockerVersion
	meta.Author = c.Author
	meta.Config = c.Config
	meta.Architecture = c.Architecture
	meta.Size = c.Size
}

// setMetadataTypeMeta gives img's dockerImageMetadata the kind and
// apiVersion OpenShift writes on the wire where they are empty.
func setMetadataTypeMeta(img *Image) {
	img.DockerImageMetadata.TypeMeta = metadataTypeMeta(img)
}

// markLayersAscending records that img's layers are listed base first.
func markLayersAscending(img *Image) {
	if img.Annotations == nil {
		img.Annotations = map[string]string{}
	}
	img.Annotations[DockerImageLayersOrderAnnotation] = DockerImageLayersOrderAscending
}

// ReorderImageLayers puts an Image's layers base first and records that in
// the dockerLayersOrder annotation (SEMANTICS §10.2). The order is the
// annotation's value; without the annotation, schema 1 media types mean
// ascending and schema 2/OCI image manifests mean descending, while any
// other media type leaves the Image untouched. Descending layers are
// reversed in place; the annotation then says "ascending".
//
// QUIRK (SEMANTICS §14.18): an Image submitted with schema 2 or OCI layers
// but no annotation has them reversed, even though such manifests list the
// base layer first. OpenShift's registry always sends the annotation, so
// this is kept for compatibility.
func ReorderImageLayers(img *Image) {
	if len(img.DockerImageLayers) == 0 {
		return
	}
	order, ok := img.Annotations[DockerImageLayersOrderAnnotation]
	if !ok {
		switch img.DockerImageManifestMediaType {
		case MediaTypeDockerSchema1Manifest, MediaTypeDockerSchema1SignedManifest:
			order = DockerImageLayersOrderAscending
		case MediaTypeDockerSchema2Manifest, MediaTypeOCIManifest:
			order = DockerImageLayersOrderDescending
		default:
			return
		}
	}
	if order == DockerImageLayersOrderDescending {
		slices.Reverse(img.DockerImageLayers)
	}
	markLayersAscending(img)
}

package image

import (
	// Register the digest algorithms go-digest computes and verifies.
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"time"

	"github.com/opencontainers/go-digest"
)

// ManifestInput is what [FromManifest] builds an Image from: a manifest as
// a registry served it and, for schema 2 and OCI image manifests, the
// config blob it points at.
type ManifestInput struct {
	// Manifest is the manifest body as served.
	Manifest []byte
	// MediaType is the Content-Type it was served with; empty or unknown
	// means sniff the format (see ParseManifest).
	MediaType string
	// Config is the config blob; required for schema 2 and OCI image
	// manifests, ignored otherwise.
	Config []byte
	// Digest is the digest the manifest was requested by, if any; the
	// manifest must hash to it.
	Digest digest.Digest
	// Now is the time recorded as a manifest list's metadata Created, as
	// OpenShift records the import time there (SEMANTICS §8.4).
	Now time.Time
}

// FromManifest builds the Image OpenShift's importer creates for a
// manifest (SEMANTICS §8.4, §8.6, §10.2). It is [ParseManifest] followed by
// [Manifest.BuildImage].
func FromManifest(in ManifestInput) (*Image, error) {
	m, err := ParseManifest(in.MediaType, in.Manifest)
	if err != nil {
		return nil, err
	}
	return m.BuildImage(in.Config, in.Digest, in.Now)
}

// BuildImage builds the Image OpenShift's importer creates for m, as
// FromManifest documents. expected, when not empty, is the digest m was
// requested by: m must hash to it, else the error is a
// [*DigestMismatchError] with OpenShift's message. The result is named
// after m.Digest and has no dockerImageReference: the importer sets it.
//
// Schema 2 and OCI image manifests (schema2OrOCIToImage) need config, whose
// digest must be the manifest's config digest. The Image keeps the
// manifest and config verbatim; its layers are the manifest's, base first;
// its metadata comes from the config with Id = the config digest; its size
// is [ImageSize].
//
// Schema 1 manifests (schema1ToImage) keep the signed payload as the
// manifest; layers come from fsLayers reversed, metadata from
// history[0].v1Compatibility (Id = the v1 image id), size is the sum of
// distinct layer sizes, and the media type is
// MediaTypeDockerSchema1Manifest even for signed ones.
//
// Manifest lists and OCI indexes (manifestListToImage) become an Image with
// the list's media type, one dockerImageManifests entry per child in list
// order, metadata {Id: the list digest, Created: now}, no layers and no
// dockerImageManifest or config.
//
// Every Image gets dockerImageMetadataVersion "1.0" and metadata kind
// "DockerImage", apiVersion "image.openshift.io/1.0". Times are kept to
// the second, the precision the wire keeps. Errors wrap the sentinels of
// this package (ErrInvalidManifest, ErrMissingConfig, ...).
func (m *Manifest) BuildImage(config []byte, expected digest.Digest, now time.Time) (*Image, error) {
	switch {
	case m.Index != nil:
		return m.listImage(expected, now)
	case m.Image != nil:
		return m.schema2Image(config, expected, now)
	case m.schema1 != nil:
		return m.schema1Image(expected, now)
	}
	return nil, newManifestError(ErrInvalidManifest, "manifest was not made by ParseManifest")
}

func (m *Manifest) listImage(expected digest.Digest, now time.Time) (*Image, error) {
	img := &Image{
		ObjectMeta:                   ObjectMeta{Name: m.Digest.String()},
		DockerImageManifests:         m.ImageManifests(),
		DockerImageManifestMediaType: m.MediaType,
		DockerImageMetadata:          DockerImage{ID: m.Digest.String(), Created: NewTime(now)},
		DockerImageMetadataVersion:   DockerImageMetadataVersion,
	}
	setMetadataTypeMeta(img)
	if err := verifyDigest("list", m.MediaType, expected, m.Digest, m.Canonical); err != nil {
		return nil, err
	}
	return img, nil
}

func (m *Manifest) schema2Image(config []byte, expected digest.Digest, now time.Time) (*Image, error) {
	if len(config) == 0 {
		return nil, newManifestError(ErrMissingConfig, "dockerImageConfig must not be empty for manifest type %q", m.MediaType)
	}
	cfg, err := decodeConfig(config)
	if err != nil {
		return nil, wrapManifestError(ErrInvalidConfig, err, "failed to parse image config")
	}
	cd := m.Image.Config.Digest
	if err := verifyDigest("config", m.Image.Config.MediaType, cd, digest.FromBytes(config), config); err != nil {
		return nil, err
	}
	if err := verifyDigest("manifest", m.MediaType, expected, m.Digest, m.Canonical); err != nil {
		return nil, err
	}
	img := &Image{
		ObjectMeta:                   ObjectMeta{Name: m.Digest.String()},
		DockerImageManifest:          string(m.Payload),
		DockerImageConfig:            string(config),
		DockerImageManifestMediaType: m.MediaType,
		DockerImageMetadataVersion:   DockerImageMetadataVersion,
	}
	// The manifest is already decoded: hand fillMetadata the same view
	// json.Unmarshal of the payload into looseManifest would give.
	lm := looseManifest{
		SchemaVersion: m.SchemaVersion,
		MediaType:     m.Image.MediaType,
		Config:        looseDescriptor{MediaType: m.Image.Config.MediaType, Size: m.Image.Config.Size, Digest: cd.String()},
		Layers:        make([]looseDescriptor, len(m.Image.Layers)),
	}
	for i, l := range m.Image.Layers {
		lm.Layers[i] = looseDescriptor{MediaType: l.MediaType, Size: l.Size, Digest: l.Digest.String()}
	}
	if err := fillMetadata(img, &lm, cfg, now); err != nil {
		return nil, err
	}
	return img, nil
}

func (m *Manifest) schema1Image(expected digest.Digest, now time.Time) (*Image, error) {
	s := m.schema1
	if len(s.History) == 0 {
		return nil, newManifestError(ErrInvalidManifest, "image has no v1Compatibility history and cannot be used")
	}
	v1, err := decodeConfig([]byte(s.History[0].V1Compatibility))
	if err != nil {
		return nil, wrapManifestError(ErrInvalidConfig, err, "cannot decode history[0].v1Compatibility")
	}
	if err := verifyDigest("schema1", m.MediaType, expected, m.Digest, m.Canonical); err != nil {
		return nil, err
	}
	img := &Image{
		ObjectMeta:                   ObjectMeta{Name: m.Digest.String()},
		DockerImageManifest:          string(m.Payload),
		DockerImageManifestMediaType: m.MediaType,
		DockerImageMetadataVersion:   DockerImageMetadataVersion,
	}
	applyConfig(&img.DockerImageMetadata, v1)
	img.DockerImageMetadata.ID = m.Digest.String()
	// OpenShift derives the rest from the stored payload, signatures and
	// all, not from the canonical bytes parsed above.
	var lm looseManifest
	if err := json.Unmarshal(m.Payload, &lm); err != nil {
		return nil, wrapManifestError(ErrInvalidManifest, err, "cannot decode manifest")
	}
	if err := fillMetadata(img, &lm, nil, now); err != nil {
		return nil, err
	}
	return img, nil
}

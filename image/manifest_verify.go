package image

import (
	"encoding/json"

	"github.com/opencontainers/go-digest"
)

// ManifestMatchesImage reports whether manifest is a manifest of img: its
// canonical bytes hash to img's name (SEMANTICS §10.1). OpenShift's Image
// update keeps a changed, non-empty dockerImageManifest only when this
// holds for the stored Image.
//
// The format comes from img's dockerImageManifestMediaType: schema 2 and OCI
// image manifests hash as they are; schema 1 ones (also an empty media
// type) hash their canonical form, so a re-signed schema 1 manifest still
// matches. Other media types, manifest lists included, are an error
// wrapping [ErrUnsupportedManifest], which makes OpenShift reject the
// change. An img name that is not a digest or a manifest that does not
// parse is an error too.
func ManifestMatchesImage(img *Image, manifest []byte) (bool, error) {
	d, err := digest.Parse(img.Name)
	if err != nil {
		return false, wrapManifestError(ErrInvalidManifest, err, "image name %q is not a digest", img.Name)
	}
	var canonical []byte
	switch img.DockerImageManifestMediaType {
	case MediaTypeDockerSchema2Manifest, MediaTypeOCIManifest:
		// distribution keeps the bytes it decoded as the canonical form;
		// decoding only checks that they are a manifest at all.
		var probe struct {
			SchemaVersion int `json:"schemaVersion"`
		}
		if err := json.Unmarshal(manifest, &probe); err != nil {
			return false, wrapManifestError(ErrInvalidManifest, err, "cannot decode manifest")
		}
		canonical = manifest
	case MediaTypeDockerSchema1Manifest, MediaTypeDockerSchema1SignedManifest, "":
		m, err := ParseManifest(MediaTypeDockerSchema1SignedManifest, manifest)
		if err != nil {
			return false, err
		}
		canonical = m.Canonical
	default:
		return false, newManifestError(ErrUnsupportedManifest, "unsupported manifest mediatype: %s", img.DockerImageManifestMediaType)
	}
	return d.Algorithm().FromBytes(canonical) == d, nil
}

// ConfigMatchesImage reports whether config is the config blob img's
// manifest points at (SEMANTICS §10.1). OpenShift's Image update keeps a
// changed, non-empty dockerImageConfig only when this holds. Only schema 2
// and OCI images have a config: for other media types it reports false.
func ConfigMatchesImage(img *Image, config []byte) (bool, error) {
	switch img.DockerImageManifestMediaType {
	case MediaTypeDockerSchema2Manifest, MediaTypeOCIManifest:
	default:
		return false, nil
	}
	var m struct {
		Config struct {
			Digest digest.Digest `json:"digest"`
		} `json:"config"`
	}
	if err := json.Unmarshal([]byte(img.DockerImageManifest), &m); err != nil {
		return false, wrapManifestError(ErrInvalidManifest, err, "cannot decode dockerImageManifest")
	}
	if err := m.Config.Digest.Validate(); err != nil {
		return false, wrapManifestError(ErrInvalidManifest, err, "config digest %q", m.Config.Digest)
	}
	return m.Config.Digest.Algorithm().FromBytes(config) == m.Config.Digest, nil
}

package image

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Manifest is a parsed image manifest or manifest list, with the bytes its
// digest covers. Exactly one of Image, Index and the internal schema 1 form
// is set, according to MediaType.
type Manifest struct {
	// MediaType is the manifest's media type as the payload reports it:
	// one of the MediaTypeDockerSchema1*, MediaTypeDockerSchema2Manifest,
	// MediaTypeDockerSchema2ManifestList, MediaTypeOCIManifest and
	// MediaTypeOCIIndex constants. A signed schema 1 manifest reports
	// MediaTypeDockerSchema1SignedManifest, as distribution's Payload()
	// does; the Image built from it records the unsigned type
	// (SEMANTICS §10.2).
	MediaType string
	// SchemaVersion is 1 for Docker schema 1 and 2 for everything else.
	SchemaVersion int
	// Payload is the manifest exactly as served; it becomes
	// dockerImageManifest. It aliases the slice given to ParseManifest.
	Payload []byte
	// Canonical is the part of Payload its digest covers: Payload itself,
	// except for signed schema 1 manifests, whose JWS signatures are cut
	// out (see ParseManifest).
	Canonical []byte
	// Digest is the sha256 digest of Canonical: the manifest's digest in a
	// registry and the name of the Image built from it.
	Digest digest.Digest
	// Image is set for Docker schema 2 and OCI image manifests, which share
	// the OCI shape (Docker's extra fields are ignored).
	Image *ocispec.Manifest
	// Index is set for Docker manifest lists and OCI indexes. Docker's
	// platform "features" field is dropped.
	Index *ocispec.Index

	schema1 *schema1Manifest
}

// IsList reports whether m is a Docker manifest list or an OCI index.
func (m *Manifest) IsList() bool { return m.Index != nil }

// ImageManifests returns the entries of a manifest list in list order, as
// an Image's dockerImageManifests records them (SEMANTICS §8.4, §10.1):
// digest, media type, size and the platform's architecture, OS and variant
// exactly as written (not normalized). It returns nil for other manifests
// and for an empty list.
func (m *Manifest) ImageManifests() []ImageManifest {
	if m.Index == nil || len(m.Index.Manifests) == 0 {
		return nil
	}
	out := make([]ImageManifest, len(m.Index.Manifests))
	for i, d := range m.Index.Manifests {
		out[i] = ImageManifest{
			Digest:       d.Digest.String(),
			MediaType:    d.MediaType,
			ManifestSize: d.Size,
		}
		if p := d.Platform; p != nil {
			out[i].Architecture = p.Architecture
			out[i].OS = p.OS
			out[i].Variant = p.Variant
		}
	}
	return out
}

// ManifestMediaTypes returns the manifest media types this package builds
// Images from, most preferred first: a suitable Accept header list for a
// registry client. The slice is new on every call.
func ManifestMediaTypes() []string {
	return []string{
		MediaTypeOCIIndex,
		MediaTypeDockerSchema2ManifestList,
		MediaTypeOCIManifest,
		MediaTypeDockerSchema2Manifest,
		MediaTypeDockerSchema1SignedManifest,
		MediaTypeDockerSchema1Manifest,
	}
}

// manifestProbe holds the fields that tell manifest formats apart.
type manifestProbe struct {
	SchemaVersion int             `json:"schemaVersion"`
	MediaType     string          `json:"mediaType"`
	Manifests     json.RawMessage `json:"manifests"`
	Config        json.RawMessage `json:"config"`
	Layers        json.RawMessage `json:"layers"`
	Signatures    json.RawMessage `json:"signatures"`
}

// ParseManifest parses a manifest served with the given media type (a
// Content-Type value: parameters and case are ignored).
//
// When mediaType is empty or not a manifest media type (registries have
// served schema 1 as "application/json"), the format is sniffed from the
// payload: schemaVersion 1 is Docker schema 1 (signed when it has
// "signatures"); schemaVersion 2 uses the payload's own "mediaType", else
// an object with "manifests" is an OCI index and one with "config" or
// "layers" an OCI image manifest. A known mediaType must agree with the
// payload: its schemaVersion must match and its "mediaType" field, when
// present, must be the same.
//
// Signed schema 1 manifests are JWS documents in the "pretty" form: the
// digest covers Payload[:formatLength] + formatTail, both taken from the
// base64url-encoded protected header of the signatures, which must agree.
// Signatures are not verified, as OpenShift does not verify them on import.
// An unsigned schema 1 manifest's digest covers its raw bytes.
//
// Every descriptor must have a valid digest and a non-negative size. Errors
// wrap [ErrInvalidManifest] or [ErrUnsupportedManifest].
func ParseManifest(mediaType string, payload []byte) (*Manifest, error) {
	m := &Manifest{Payload: payload, Canonical: payload}
	var err error
	switch mt := baseMediaType(mediaType); mt {
	case MediaTypeDockerSchema2Manifest, MediaTypeOCIManifest:
		// The common case, a registry that says what it serves: decode
		// once, straight into the typed form.
		err = m.parseImage(mt)
	case MediaTypeDockerSchema2ManifestList, MediaTypeOCIIndex:
		err = m.parseIndex(mt)
	default:
		err = m.parseProbed(mt)
	}
	if err != nil {
		return nil, err
	}
	m.Digest = digest.FromBytes(m.Canonical)
	return m, nil
}

// parseProbed handles schema 1 media types and sniffing: it looks at the
// fields that tell formats apart before decoding the payload for good.
func (m *Manifest) parseProbed(served string) error {
	var probe manifestProbe
	if err := json.Unmarshal(m.Payload, &probe); err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "cannot decode manifest")
	}
	mt, err := resolveMediaType(served, &probe)
	if err != nil {
		return err
	}
	switch mt {
	case MediaTypeDockerSchema2Manifest, MediaTypeOCIManifest:
		return m.parseImage(mt)
	case MediaTypeDockerSchema2ManifestList, MediaTypeOCIIndex:
		return m.parseIndex(mt)
	}
	m.MediaType, m.SchemaVersion = mt, 1
	return m.parseSchema1(!jsonNull(probe.Signatures))
}

// baseMediaType strips parameters and folds case, so that a Content-Type
// header compares with the media type constants.
func baseMediaType(s string) string {
	s, _, _ = strings.Cut(s, ";")
	return strings.ToLower(strings.TrimSpace(s))
}

// isManifestMediaType reports whether mt is one of ManifestMediaTypes.
func isManifestMediaType(mt string) bool {
	switch mt {
	case MediaTypeOCIIndex, MediaTypeDockerSchema2ManifestList,
		MediaTypeOCIManifest, MediaTypeDockerSchema2Manifest,
		MediaTypeDockerSchema1SignedManifest, MediaTypeDockerSchema1Manifest:
		return true
	}
	return false
}

// resolveMediaType decides the format of a manifest served with a schema 1
// media type or one to sniff, as ParseManifest documents.
func resolveMediaType(served string, p *manifestProbe) (string, error) {
	if served != MediaTypeDockerSchema1Manifest && served != MediaTypeDockerSchema1SignedManifest {
		return sniffMediaType(p)
	}
	if p.SchemaVersion != 1 {
		return "", newManifestError(ErrInvalidManifest, "manifest served as %q has schemaVersion %d, want 1", served, p.SchemaVersion)
	}
	return schema1MediaType(p), nil
}

// checkServed checks that a schema 2 payload agrees with the media type it
// is parsed as.
func checkServed(served string, schemaVersion int, payloadMediaType string) error {
	if schemaVersion != 2 {
		return newManifestError(ErrInvalidManifest, "manifest served as %q has schemaVersion %d, want 2", served, schemaVersion)
	}
	if payloadMediaType != "" && payloadMediaType != served {
		return newManifestError(ErrInvalidManifest, "manifest served as %q has mediaType %q", served, payloadMediaType)
	}
	return nil
}

// sniffMediaType tells the format from the payload alone.
func sniffMediaType(p *manifestProbe) (string, error) {
	switch p.SchemaVersion {
	case 1:
		return schema1MediaType(p), nil
	case 2:
		switch {
		case p.MediaType != "":
			if isManifestMediaType(p.MediaType) && p.MediaType != MediaTypeDockerSchema1Manifest && p.MediaType != MediaTypeDockerSchema1SignedManifest {
				return p.MediaType, nil
			}
			return "", newManifestError(ErrUnsupportedManifest, "unsupported manifest media type %q", p.MediaType)
		case !jsonNull(p.Manifests):
			return MediaTypeOCIIndex, nil
		case !jsonNull(p.Config) || !jsonNull(p.Layers):
			return MediaTypeOCIManifest, nil
		}
	}
	return "", newManifestError(ErrUnsupportedManifest, "unrecognized container image manifest schema %d", p.SchemaVersion)
}

// schema1MediaType tells signed from unsigned schema 1 manifests.
func schema1MediaType(p *manifestProbe) string {
	if jsonNull(p.Signatures) {
		return MediaTypeDockerSchema1Manifest
	}
	return MediaTypeDockerSchema1SignedManifest
}

// parseImage decodes a schema 2 or OCI image manifest of media type mt.
func (m *Manifest) parseImage(mt string) error {
	var im ocispec.Manifest
	if err := json.Unmarshal(m.Payload, &im); err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "cannot decode manifest")
	}
	if err := checkServed(mt, im.SchemaVersion, im.MediaType); err != nil {
		return err
	}
	if err := checkDescriptor("config", -1, im.Config); err != nil {
		return err
	}
	for i, l := range im.Layers {
		if err := checkDescriptor("layer", i, l); err != nil {
			return err
		}
	}
	m.MediaType, m.SchemaVersion, m.Image = mt, 2, &im
	return nil
}

// parseIndex decodes a Docker manifest list or OCI index of media type mt.
func (m *Manifest) parseIndex(mt string) error {
	var ix ocispec.Index
	if err := json.Unmarshal(m.Payload, &ix); err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "cannot decode manifest list")
	}
	if err := checkServed(mt, ix.SchemaVersion, ix.MediaType); err != nil {
		return err
	}
	for i, d := range ix.Manifests {
		if err := checkDescriptor("manifest", i, d); err != nil {
			return err
		}
	}
	m.MediaType, m.SchemaVersion, m.Index = mt, 2, &ix
	return nil
}

// checkDescriptor rejects what would make a bogus layer or child: a digest
// that is not a valid digest and a negative size. i < 0 means the
// descriptor is not part of a list.
func checkDescriptor(what string, i int, d ocispec.Descriptor) error {
	err := d.Digest.Validate()
	if err == nil && d.Size >= 0 {
		return nil
	}
	if i >= 0 {
		what += "[" + strconv.Itoa(i) + "]"
	}
	if err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "%s digest %q", what, d.Digest)
	}
	return newManifestError(ErrInvalidManifest, "%s %s has negative size %d", what, d.Digest, d.Size)
}

// verifyDigest checks content against the digest it was requested by, if
// any. The comparison uses the expected digest's algorithm, so content
// requested by a sha512 digest verifies; Image names stay sha256.
func verifyDigest(content, mediaType string, expected, actual digest.Digest, data []byte) error {
	if expected == "" || expected == actual {
		return nil
	}
	if expected.Validate() == nil && expected.Algorithm() != digest.SHA256 && expected.Algorithm().FromBytes(data) == expected {
		return nil
	}
	return &DigestMismatchError{Content: content, MediaType: mediaType, Expected: expected, Actual: actual}
}

// jsonNull reports whether raw is absent or the JSON literal null.
func jsonNull(raw json.RawMessage) bool {
	return raw == nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

package image

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"

	"github.com/opencontainers/go-digest"
)

// schema1Manifest is a Docker schema 1 manifest: layers top first, with
// one v1Compatibility JSON document per layer.
type schema1Manifest struct {
	SchemaVersion int              `json:"schemaVersion"`
	Name          string           `json:"name"`
	Tag           string           `json:"tag"`
	Architecture  string           `json:"architecture"`
	FSLayers      []schema1FSLayer `json:"fsLayers"`
	History       []schema1History `json:"history"`
}

type schema1FSLayer struct {
	BlobSum digest.Digest `json:"blobSum"`
}

type schema1History struct {
	V1Compatibility string `json:"v1Compatibility"`
}

// parseSchema1 sets the canonical bytes of a schema 1 manifest and decodes
// them. Like distribution, it reads the manifest from the canonical bytes,
// not from the signed envelope.
func (m *Manifest) parseSchema1(signed bool) error {
	if signed {
		c, err := schema1Canonical(m.Payload)
		if err != nil {
			return err
		}
		m.Canonical = c
	}
	var s schema1Manifest
	if err := json.Unmarshal(m.Canonical, &s); err != nil {
		return wrapManifestError(ErrInvalidManifest, err, "cannot decode schema 1 manifest")
	}
	if s.SchemaVersion != 1 {
		return newManifestError(ErrInvalidManifest, "signed schema 1 payload has schemaVersion %d", s.SchemaVersion)
	}
	for i, l := range s.FSLayers {
		if err := l.BlobSum.Validate(); err != nil {
			return wrapManifestError(ErrInvalidManifest, err, "fsLayers[%d] blobSum %q", i, l.BlobSum)
		}
	}
	m.schema1 = &s
	return nil
}

// schema1Canonical returns the bytes a signed schema 1 manifest's digest
// covers. libtrust's "pretty" JWS form inserts the signatures before the
// closing brace of the signed JSON; every signature's protected header
// records how to undo that: formatLength, the length of the signed prefix,
// and formatTail, the base64url bytes that followed it.
func schema1Canonical(payload []byte) ([]byte, error) {
	var env struct {
		Signatures []struct {
			Protected string `json:"protected"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return nil, wrapManifestError(ErrInvalidManifest, err, "cannot decode schema 1 signatures")
	}
	if len(env.Signatures) == 0 {
		return nil, newManifestError(ErrInvalidManifest, "signed schema 1 manifest has no signatures")
	}
	length := -1
	var tail []byte
	for i, s := range env.Signatures {
		raw, err := base64URLDecode(s.Protected)
		if err != nil {
			return nil, wrapManifestError(ErrInvalidManifest, err, "signatures[%d]: protected header", i)
		}
		var h struct {
			FormatLength *float64 `json:"formatLength"`
			FormatTail   *string  `json:"formatTail"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			return nil, wrapManifestError(ErrInvalidManifest, err, "signatures[%d]: protected header", i)
		}
		if h.FormatLength == nil || h.FormatTail == nil {
			return nil, newManifestError(ErrInvalidManifest, "signatures[%d]: protected header lacks formatLength or formatTail", i)
		}
		n := *h.FormatLength
		if n < 0 || n > float64(len(payload)) || n != math.Trunc(n) {
			return nil, newManifestError(ErrInvalidManifest, "signatures[%d]: invalid formatLength %v", i, n)
		}
		t, err := base64URLDecode(*h.FormatTail)
		if err != nil {
			return nil, wrapManifestError(ErrInvalidManifest, err, "signatures[%d]: formatTail", i)
		}
		if i == 0 {
			length, tail = int(n), t
			continue
		}
		if int(n) != length || string(t) != string(tail) {
			return nil, newManifestError(ErrInvalidManifest, "signatures[%d]: formatLength or formatTail differs from signatures[0]", i)
		}
	}
	c := make([]byte, 0, length+len(tail))
	c = append(c, payload[:length]...)
	return append(c, tail...), nil
}

// base64URLDecode decodes JOSE base64url, with or without padding, ignoring
// line breaks and spaces as libtrust does.
func base64URLDecode(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\n\r ") {
		s = strings.NewReplacer("\n", "", "\r", "", " ", "").Replace(s)
	}
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

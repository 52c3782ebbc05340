package importer_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/opencontainers/go-digest"
)

// signSchema1 returns payload in the JWS "pretty" form registries serve
// signed schema 1 manifests in, with one syntactically valid (but not
// cryptographically checked) signature, and the digest of the canonical
// payload.
func signSchema1(t testing.TB, payload []byte) ([]byte, digest.Digest) {
	t.Helper()
	closing := bytes.LastIndexByte(payload, '}')
	n := bytes.LastIndexFunc(payload[:closing], func(r rune) bool { return r != ' ' && r != '\n' && r != '\t' }) + 1
	tail := payload[n:]
	protected := fmt.Sprintf(`{"formatLength":%d,"formatTail":%q,"time":"2016-03-18T18:23:00Z"}`, n, base64.RawURLEncoding.EncodeToString(tail))
	var b bytes.Buffer
	b.Write(payload[:n])
	fmt.Fprintf(&b, `,
   "signatures": [
      {
         "header": {"alg": "ES256"},
         "signature": "c2lnbmF0dXJl",
         "protected": %q
      }
   ]`, base64.RawURLEncoding.EncodeToString([]byte(protected)))
	b.Write(tail)
	return b.Bytes(), digest.FromBytes(payload)
}

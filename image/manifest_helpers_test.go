package image_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
)

// This file holds the fixtures shared by the manifest tests. Names start
// with "mf" so they cannot clash with other tests of the package.

// mfFixture returns testdata/manifests/<name>.
func mfFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "manifests", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// mfSignature is one JWS signature of a schema 1 manifest; only the
// protected header matters to the code under test.
type mfSignature struct {
	Header    map[string]string `json:"header"`
	Signature string            `json:"signature"`
	Protected string            `json:"protected"`
}

// mfProtected encodes a protected header with the given format fields.
func mfProtected(formatLength int, formatTail string) string {
	h := fmt.Sprintf(`{"formatLength":%d,"formatTail":%q,"time":"2016-03-18T18:23:00Z"}`,
		formatLength, base64.RawURLEncoding.EncodeToString([]byte(formatTail)))
	return base64.RawURLEncoding.EncodeToString([]byte(h))
}

// mfSplit finds where libtrust cuts a JSON object to sign it: the signed
// prefix ends after the last non-space byte before the closing brace.
func mfSplit(tb testing.TB, payload []byte) (int, string) {
	tb.Helper()
	notSpace := func(r rune) bool { return !unicode.IsSpace(r) }
	closing := bytes.LastIndexFunc(payload, notSpace)
	if closing < 0 || payload[closing] != '}' {
		tb.Fatalf("payload does not end with an object")
	}
	n := bytes.LastIndexFunc(payload[:closing], notSpace) + 1
	return n, string(payload[n:])
}

// mfSignWith returns payload in libtrust's "pretty" JWS form with the given
// signatures inserted before the closing brace. The signatures are not
// cryptographically valid: OpenShift does not verify them.
func mfSignWith(tb testing.TB, payload []byte, sigs []mfSignature) []byte {
	tb.Helper()
	n, tail := mfSplit(tb, payload)
	enc, err := json.MarshalIndent(sigs, "   ", "   ")
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(payload[:n])
	b.WriteString(",\n   \"signatures\": ")
	b.Write(enc)
	b.WriteString(tail)
	return b.Bytes()
}

// mfSign signs payload with count well-formed signatures.
func mfSign(tb testing.TB, payload []byte, count int) []byte {
	tb.Helper()
	n, tail := mfSplit(tb, payload)
	sigs := make([]mfSignature, count)
	for i := range sigs {
		sigs[i] = mfSignature{
			Header:    map[string]string{"alg": "ES256", "kid": fmt.Sprintf("KEY%d:ABCD:EFGH", i)},
			Signature: base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("not a real signature %d", i))),
			Protected: mfProtected(n, tail),
		}
	}
	return mfSignWith(tb, payload, sigs)
}

// mfGolden compares got, as indented JSON, with
// testdata/manifests/<name>.golden.json, rewriting the file under -update.
func mfGolden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "manifests", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// mfDigest is the sha256 digest of s.
func mfDigest(s string) digest.Digest { return digest.FromString(s) }

// mfJSON marshals v compactly or fails the test.
func mfJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// mfReplace returns b with old replaced once by new, failing if old is
// absent: fixture edits must not silently do nothing.
func mfReplace(tb testing.TB, b []byte, old, new string) []byte {
	tb.Helper()
	if !strings.Contains(string(b), old) {
		tb.Fatalf("%q not in fixture", old)
	}
	return []byte(strings.Replace(string(b), old, new, 1))
}

package continuetoken_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// position is what a successful Decode returns.
type position struct {
	RV    int64
	After string
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		rv     int64
		after  string
		prefix string
	}{
		{name: "simple", rv: 7, after: "/images/a", prefix: "/images/"},
		{name: "root prefix", rv: 1, after: "/a", prefix: "/"},
		{name: "prefix without slash", rv: 1 << 62, after: "/imagestreams/ns/name", prefix: "/imagestreams"},
		{name: "key equals prefix", rv: 3, after: "/a/b", prefix: "/a/b"},
		{name: "unicode and escapes", rv: 9, after: "/ns/\u00e9\"<>&\\", prefix: "/ns/"},
		{name: "invalid UTF-8", rv: 9, after: "/ns/\xff\xfe", prefix: "/ns/"},
		{name: "longest key", rv: 2, after: "/" + strings.Repeat("k", storage.MaxKeyLength-1), prefix: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, after, err := continuetoken.Decode(continuetoken.Encode(tt.rv, tt.prefix, tt.after), tt.prefix)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(position{tt.rv, tt.after}, position{rv, after}); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		prefix string
	}{
		{name: "empty", token: "", prefix: "/"},
		{name: "not base64", token: "!!!", prefix: "/"},
		{name: "padded base64", token: base64.URLEncoding.EncodeToString([]byte("\x02\x07\x01/a")), prefix: "/"},
		{name: "unknown format", token: b64("\x03\x07\x01/a"), prefix: "/"},
		{name: "format 1, which has no prefix", token: b64("\x01\x07/a"), prefix: "/"},
		{name: "json", token: b64(`{"rv":1,"after":"/a"}`), prefix: "/"},
		{name: "truncated revision", token: b64("\x02\x80"), prefix: "/"},
		{name: "zero revision", token: b64("\x02\x00\x01/a"), prefix: "/"},
		{name: "revision overflows int64", token: b64("\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01/a"), prefix: "/"},
		{name: "missing prefix length", token: b64("\x02\x04"), prefix: "/"},
		{name: "truncated prefix length", token: b64("\x02\x04\x80"), prefix: "/"},
		{name: "missing key", token: b64("\x02\x04\x01"), prefix: "/"},
		{name: "invalid key", token: b64("\x02\x04\x01/a/../b"), prefix: "/"},
		{name: "key with NUL", token: b64("\x02\x04\x01/a\x00"), prefix: "/"},
		{name: "prefix longer than key", token: b64("\x02\x04\x09/a"), prefix: "/a"},
		{name: "other prefix", token: continuetoken.Encode(4, "/images/", "/images/a"), prefix: "/imagestreams/"},
		{name: "nested token on wider prefix", token: continuetoken.Encode(4, "/tok/a/", "/tok/a/1"), prefix: "/tok/"},
		{name: "wide token on nested prefix", token: continuetoken.Encode(4, "/tok/", "/tok/a/1"), prefix: "/tok/a/"},
		{name: "directory token on string prefix", token: continuetoken.Encode(4, "/tok/a/", "/tok/a/1"), prefix: "/tok/a"},
		{name: "token of the root on a directory", token: continuetoken.Encode(4, "/", "/tok/a/1"), prefix: "/tok/a/"},
		{name: "too long", token: strings.Repeat("A", 5*storage.MaxKeyLength), prefix: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, after, err := continuetoken.Decode(tt.token, tt.prefix)
			if !errors.Is(err, storage.ErrInvalidToken) {
				t.Fatalf("Decode(%q) error = %v, want ErrInvalidToken", tt.token, err)
			}
			if diff := cmp.Diff(position{}, position{rv, after}); diff != "" {
				t.Errorf("Decode returned a position with its error (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzDecode checks that every token Decode accepts re-encodes to a token
// that decodes to the same position, and that a failed Decode returns the
// zero position.
func FuzzDecode(f *testing.F) {
	f.Add(continuetoken.Encode(7, "/images/", "/images/a"), "/images/")
	f.Add(continuetoken.Encode(1, "/", "/a"), "/")
	f.Add(continuetoken.Encode(9, "/ns/", "/ns/\xff"), "/ns/")
	f.Add(continuetoken.Encode(9, "/ns/", "/ns/a"), "/ns")
	f.Add(b64("\x02\x00\x01/a"), "/")
	f.Add(b64("\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01/a"), "/")
	f.Add("!!!", "/")
	f.Fuzz(func(t *testing.T, token, prefix string) {
		rv, after, err := continuetoken.Decode(token, prefix)
		if err != nil {
			if !errors.Is(err, storage.ErrInvalidToken) {
				t.Fatalf("Decode error %v does not wrap ErrInvalidToken", err)
			}
			if rv != 0 || after != "" {
				t.Fatalf("Decode returned (%d, %q) with error %v", rv, after, err)
			}
			return
		}
		if rv <= 0 || storage.ValidateKey(after) != nil || !strings.HasPrefix(after, prefix) {
			t.Fatalf("Decode accepted rv %d, key %q for prefix %q", rv, after, prefix)
		}
		rv2, after2, err := continuetoken.Decode(continuetoken.Encode(rv, prefix, after), prefix)
		if err != nil {
			t.Fatalf("re-encoded token rejected: %v", err)
		}
		if diff := cmp.Diff(position{rv, after}, position{rv2, after2}); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	token := continuetoken.Encode(123456, "/imagestreams/", "/imagestreams/namespace/some-stream-name")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := continuetoken.Decode(token, "/imagestreams/"); err != nil {
			b.Fatal(err)
		}
	}
}

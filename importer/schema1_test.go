package importer_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
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

// TestSchema1SizeFallback checks OpenShift's calculateImageSize (SEMANTICS
// §8.6): a schema 1 image whose v1Compatibility entries carry no size
// gets its layer sizes from HEAD requests for its distinct layer blobs,
// once per import, and a layer the registry cannot size fails it.
func TestSchema1SizeFallback(t *testing.T) {
	t.Parallel()
	base := []byte(strings.Repeat("b", 100))
	top := []byte(strings.Repeat("t", 30))
	bd, td := digest.FromBytes(base), digest.FromBytes(top)
	// manifest has the layers top, mid and base, mid repeating base's
	// blob; sizes adds their v1Compatibility sizes.
	manifest := func(sizes bool) []byte {
		size := func(n int) string {
			if !sizes {
				return ""
			}
			return fmt.Sprintf(`,\"Size\":%d`, n)
		}
		return []byte(fmt.Sprintf(`{
   "schemaVersion": 1,
   "name": "ns/old",
   "tag": "v1",
   "architecture": "amd64",
   "fsLayers": [{"blobSum": "%s"}, {"blobSum": "%s"}, {"blobSum": "%s"}],
   "history": [
      {"v1Compatibility": "{\"id\":\"top\",\"parent\":\"mid\",\"created\":\"2016-03-18T18:22:48Z\"%s}"},
      {"v1Compatibility": "{\"id\":\"mid\",\"parent\":\"base\",\"created\":\"2016-03-18T18:22:44Z\"%s}"},
      {"v1Compatibility": "{\"id\":\"base\",\"created\":\"2016-03-18T18:22:40Z\"%s}"}
   ]
}`, td, bd, bd, size(30), size(100), size(100)))
	}
	tests := []struct {
		name  string
		sizes bool // the v1Compatibility entries carry sizes
		// fault is injected into the registry when set.
		fault   *fakeregistry.Fault
		timeout time.Duration // per registry operation; 0 for the default
		// wantLayers are the layer sizes, base first, and wantSize the
		// image size, when the import succeeds.
		wantLayers []int64
		wantSize   int64
		heads      int    // HEAD requests per distinct layer blob
		message    string // "" for success, else part of the InternalError message
	}{
		{name: "sizes given: the registry is not asked", sizes: true, wantLayers: []int64{100, 100, 30}, wantSize: 130, heads: 0},
		// OpenShift's calculateImageSize skips a digest it has seen
		// before it sets the layer's size: a repeated layer keeps 0.
		{name: "no sizes: each distinct layer blob is asked once", wantLayers: []int64{100, 0, 30}, wantSize: 130, heads: 1},
		{name: "a missing layer blob fails the import", fault: &fakeregistry.Fault{Method: "HEAD", Path: "/blobs/" + td.String(), Status: 404},
			heads: 1, message: "layer " + td.String() + ": blob unknown to registry"},
		{name: "a layer HEAD is bounded by the operation timeout", fault: &fakeregistry.Fault{Method: "HEAD", Path: "/blobs/" + bd.String(), Delay: 5 * time.Second},
			timeout: 200 * time.Millisecond, heads: -1, message: "context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, fakeregistry.Auth{})
			f.PutBlob("ns/old", base)
			f.PutBlob("ns/old", top)
			d := f.PutManifest("ns/old", "v1", image.MediaTypeDockerSchema1Manifest, manifest(tt.sizes))
			if tt.fault != nil {
				f.Inject(*tt.fault)
			}
			// The tag and the digest are two requests of one import,
			// which share the layer sizes.
			got := run(t, f.importer(importer.Options{Timeout: tt.timeout}), nil, nil, spec(f.host+"/ns/old:v1", ""), spec(f.host+"/ns/old@"+d.String(), ""))
			for i, r := range got {
				if tt.message != "" {
					if r.Status.Reason != image.StatusReasonInternalError || !strings.Contains(r.Status.Message, tt.message) {
						t.Errorf("image %d: status = %+v, want InternalError containing %q", i, r.Status, tt.message)
					}
					continue
				}
				if r.Image == nil {
					t.Fatalf("image %d: import failed: %+v", i, r.Status)
				}
				var layers []int64
				for _, l := range r.Image.DockerImageLayers {
					layers = append(layers, l.LayerSize)
				}
				if diff := cmp.Diff(tt.wantLayers, layers); diff != "" {
					t.Errorf("image %d: layer sizes, base first (-want +got):\n%s", i, diff)
				}
				if diff := cmp.Diff(tt.wantSize, r.Image.DockerImageMetadata.Size); diff != "" {
					t.Errorf("image %d: dockerImageMetadata.size (-want +got):\n%s", i, diff)
				}
			}
			if tt.heads < 0 {
				return
			}
			for _, l := range []digest.Digest{bd, td} {
				if n := f.Count("HEAD", "/blobs/"+l.String()); n != tt.heads {
					t.Errorf("HEAD %s sent %d times, want %d", l, n, tt.heads)
				}
			}
		})
	}
}

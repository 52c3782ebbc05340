package importer_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// TestFaults drives the importer into every failure a registry can
// cause. Each must end as a status — no panic, no image — and temporary
// ones must be retried (SEMANTICS §8.11).
func TestFaults(t *testing.T) {
	t.Parallel()
	c := imagetest.ImageContent("faulty", imagetest.Options{})
	other := imagetest.ImageContent("other", imagetest.Options{})
	zero := "sha256:" + strings.Repeat("0", 64)
	huge := append([]byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"`), bytes.Repeat([]byte(" "), importer.MaxManifestBytes)...)
	huge = append(huge, '}')
	bigConfig := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[]}`, zero, importer.MaxConfigBytes+1)

	tests := []struct {
		name string
		// setup stores content in repo and injects faults; ref is what
		// to import from repo (tag or @digest).
		setup func(f *fake, repo string) (ref string)
		// timeout overrides the importer's per-operation timeout.
		timeout time.Duration
		// reason is the expected status reason, Success for none;
		// message must be contained in the status message.
		reason  image.StatusReason
		message string
		// requests is the expected number of manifest GETs, 0 to skip.
		requests int
	}{
		{
			name: "500 every time is retried twice, then InternalError",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 500})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "response status code 500", requests: 3,
		},
		{
			name: "500 once is retried",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 500, Times: 1})
				return ":v1"
			},
			reason: "", requests: 2,
		},
		{
			name: "502 and 503 are retried",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 502, Times: 1})
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 503, Times: 1})
				return ":v1"
			},
			reason: "", requests: 3,
		},
		{
			name: "429 with Retry-After is retried",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 429, Times: 2, Header: http.Header{"Retry-After": {"1"}}})
				return ":v1"
			},
			reason: "", requests: 3,
		},
		{
			name: "429 every time is InternalError",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: 429})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "response status code 429", requests: 3,
		},
		{
			name: "404 is not retried",
			setup: func(f *fake, repo string) string {
				return ":v404"
			},
			reason: image.StatusReasonNotFound, message: "not found", requests: 1,
		},
		{
			name: "slow response times out",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Delay: time.Minute})
				return ":v1"
			},
			timeout: 200 * time.Millisecond,
			reason:  image.StatusReasonInternalError, message: "context deadline exceeded",
		},
		{
			name: "slow config times out",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/blobs/" + c.ConfigDigest.String(), Delay: time.Minute})
				return ":v1"
			},
			timeout: 200 * time.Millisecond,
			reason:  image.StatusReasonInternalError, message: "context deadline exceeded",
		},
		{
			name: "truncated manifest",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Truncate: true})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "unexpected EOF",
		},
		{
			name: "truncated config",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/blobs/" + c.ConfigDigest.String(), Truncate: true})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "unexpected EOF",
		},
		{
			name: "Docker-Content-Digest does not match the manifest",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Digest: zero})
				return ":v1"
			},
			reason:  image.StatusReasonInternalError,
			message: "content integrity error: the manifest retrieved (media type: application/vnd.oci.image.manifest.v1+json) with digest " + zero,
		},
		{
			name: "manifest does not hash to the digest requested",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/" + c.ManifestDigest.String(), Body: other.Manifest})
				return "@" + c.ManifestDigest.String()
			},
			reason:  image.StatusReasonInternalError,
			message: "content integrity error: the manifest retrieved (media type: application/vnd.oci.image.manifest.v1+json) with digest " + c.ManifestDigest.String(),
		},
		{
			name: "config does not hash to its digest",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/blobs/" + c.ConfigDigest.String(), Body: bytes.Replace(c.Config, []byte("amd64"), []byte("arm64"), 1)})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "content integrity error: the image config retrieved with digest " + c.ConfigDigest.String(),
		},
		{
			name: "config blob missing",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/blobs/" + c.ConfigDigest.String(), Status: 404,
					Body: []byte(`{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}`)})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: "blob unknown to registry",
		},
		{
			name: "oversize manifest",
			setup: func(f *fake, repo string) string {
				f.PutManifest(repo, "huge", image.MediaTypeOCIManifest, huge)
				return ":huge"
			},
			reason: image.StatusReasonInternalError, message: "content exceeds the size limit",
		},
		{
			name: "oversize manifest without Content-Length",
			setup: func(f *fake, repo string) string {
				f.PutManifest(repo, "huge", image.MediaTypeOCIManifest, huge)
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/huge", Header: http.Header{"Content-Length": nil, "Transfer-Encoding": {"chunked"}}})
				return ":huge"
			},
			reason: image.StatusReasonInternalError,
		},
		{
			name: "oversize config is not fetched",
			setup: func(f *fake, repo string) string {
				f.PutManifest(repo, "bigconfig", image.MediaTypeOCIManifest, []byte(bigConfig))
				return ":bigconfig"
			},
			reason: image.StatusReasonInternalError, message: "content exceeds the size limit",
		},
		{
			name: "redirect loop",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", Status: http.StatusTemporaryRedirect,
					Header: http.Header{"Location": {"/v2/" + repo + "/manifests/v1"}}})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: fmt.Sprintf("stopped after %d redirects", importer.MaxRedirects),
		},
		{
			name: "HTML instead of a manifest",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", ContentType: "text/html", Body: []byte("<html>maintenance</html>")})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: `unsupported manifest media type "text/html"`,
		},
		{
			name: "content type disagrees with the manifest",
			setup: func(f *fake, repo string) string {
				f.Inject(fakeregistry.Fault{Path: repo + "/manifests/v1", ContentType: image.MediaTypeOCIIndex})
				return ":v1"
			},
			reason: image.StatusReasonInternalError, message: `manifest served as "application/vnd.oci.image.index.v1+json" has mediaType "application/vnd.oci.image.manifest.v1+json"`,
		},
		{
			name: "malformed JSON",
			setup: func(f *fake, repo string) string {
				f.PutManifest(repo, "bad", image.MediaTypeOCIManifest, []byte(`{"schemaVersion": 2, "layers": [`))
				return ":bad"
			},
			reason: image.StatusReasonInternalError, message: "cannot decode manifest: unexpected end of JSON input",
		},
		{
			name: "manifest list entry is a list",
			setup: func(f *fake, repo string) string {
				inner := imagetest.Index("inner", imagetest.Options{}, "linux/amd64")
				d := f.pushIndex(repo, "", inner)
				outer := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","size":%d,"platform":{"os":"linux","architecture":"amd64"}}]}`, d, len(inner.Index))
				f.PutManifest(repo, "nested", image.MediaTypeOCIIndex, []byte(outer))
				return ":nested"
			},
			reason: image.StatusReasonInternalError, message: "manifest list entry is itself a manifest list",
		},
	}
	f := newFake(t, fakeregistry.Auth{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := fmt.Sprintf("faults/case%d", i)
			f.pushImage(repo, "v1", c)
			ref := tt.setup(f, repo)
			imp := f.importer(importer.Options{Timeout: tt.timeout})
			got := run(t, imp, nil, nil, spec(f.host+"/"+repo+ref, "t"))[0]
			if tt.reason == "" {
				if got.Status.Status != image.StatusSuccess || got.Image == nil || got.Image.Name != c.ManifestDigest.String() {
					t.Fatalf("status = %+v, want success", got.Status)
				}
			} else {
				if got.Status.Status != image.StatusFailure || got.Status.Reason != tt.reason || !strings.Contains(got.Status.Message, tt.message) {
					t.Errorf("status = %s %q, want %s containing %q", got.Status.Reason, got.Status.Message, tt.reason, tt.message)
				}
				if got.Image != nil || got.Manifests != nil {
					t.Errorf("failed import returned images: %+v", got)
				}
			}
			if tt.requests > 0 {
				if n := f.Count("GET", "/"+repo+"/manifests/"+strings.TrimLeft(ref, ":@")); n != tt.requests {
					t.Errorf("manifest fetched %d times, want %d", n, tt.requests)
				}
			}
		})
	}
}

func TestRegistryDown(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	host := f.host
	f.srv.Close()
	got := run(t, f.importer(importer.Options{}), nil, nil, spec(host+"/ns/app:v1", ""))[0]
	if got.Status.Reason != image.StatusReasonInternalError || !strings.HasPrefix(got.Status.Message, "Internal error occurred: "+host+"/ns/app:v1: ") {
		t.Errorf("status = %+v", got.Status)
	}
}

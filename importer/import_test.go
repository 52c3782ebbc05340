package importer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/opencontainers/go-digest"
)

func TestImportImages(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	oci := imagetest.ImageContent("oci", imagetest.Options{})
	s2 := imagetest.ImageContent("schema2", imagetest.Options{Schema2: true, Layers: 3})
	f.pushImage("ns/oci", "v1", oci)
	f.pushImage("ns/oci", "latest", oci)
	f.pushImage("ns/s2", "1.0", s2)
	h := f.host

	tests := []struct {
		name string
		spec image.ImageImportSpec
		want image.ImageImportStatus
	}{
		{
			name: "OCI manifest by tag",
			spec: spec(h+"/ns/oci:v1", "v1"),
			want: image.ImageImportStatus{Tag: "v1", Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, oci, h+"/ns/oci@"+oci.ManifestDigest.String())},
		},
		{
			name: "no tag means latest",
			spec: spec(h+"/ns/oci", ""),
			want: image.ImageImportStatus{Tag: "latest", Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, oci, h+"/ns/oci@"+oci.ManifestDigest.String())},
		},
		{
			name: "schema 2 manifest by tag",
			spec: spec(h+"/ns/s2:1.0", "stable"),
			want: image.ImageImportStatus{Tag: "1.0", Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, s2, h+"/ns/s2@"+s2.ManifestDigest.String())},
		},
		{
			name: "by digest has no tag",
			spec: spec(h+"/ns/s2@"+s2.ManifestDigest.String(), "pinned"),
			want: image.ImageImportStatus{Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, s2, h+"/ns/s2@"+s2.ManifestDigest.String())},
		},
		{
			name: "tag and digest keep the digest",
			spec: spec(h+"/ns/s2:1.0@"+s2.ManifestDigest.String(), "both"),
			want: image.ImageImportStatus{Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, s2, h+"/ns/s2@"+s2.ManifestDigest.String())},
		},
		{
			name: "missing tag is NotFound (SEMANTICS §8.11)",
			spec: spec(h+"/ns/oci:nope", "nope"),
			want: image.ImageImportStatus{Tag: "nope", Status: image.Status{
				Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404,
				Message: fmt.Sprintf("dockerimage.image.openshift.io %q not found", h+"/ns/oci:nope"),
				Details: &image.StatusDetails{Name: h + "/ns/oci:nope", Group: image.GroupName, Kind: "dockerimage"},
			}},
		},
		{
			// OpenShift maps only MANIFEST_UNKNOWN to NotFound (SEMANTICS
			// §8.12); the registry says NAME_UNKNOWN here.
			name: "missing repository is InternalError",
			spec: spec(h+"/ns/none:v1", ""),
			want: image.ImageImportStatus{Tag: "v1", Status: internalError(h + `/ns/none:v1: GET "https://` + h +
				`/v2/ns/none/manifests/v1": response status code 404: name unknown: repository name not known to registry`)},
		},
		{
			name: "unparsable name is Invalid (SEMANTICS §8.2)",
			spec: spec("Not A Ref", "x"),
			want: image.ImageImportStatus{Status: image.Status{
				Status: image.StatusFailure, Reason: image.StatusReasonInvalid, Code: 422,
				Message: ` "" is invalid: from.name: Invalid value: "Not A Ref": invalid name: invalid reference format`,
				Details: &image.StatusDetails{Causes: []image.StatusCause{{Type: "FieldValueInvalid", Field: "from.name",
					Message: `Invalid value: "Not A Ref": invalid name: invalid reference format`}}},
			}},
		},
		{
			name: "other kinds are Invalid",
			spec: image.ImageImportSpec{From: image.ObjectReference{Kind: "ImageStreamTag", Name: "is:tag"}},
			want: image.ImageImportStatus{Status: image.Status{
				Status: image.StatusFailure, Reason: image.StatusReasonInvalid, Code: 422,
				Message: ` "" is invalid: from.kind: Invalid value: "ImageStreamTag": only DockerImage is supported`,
				Details: &image.StatusDetails{Causes: []image.StatusCause{{Type: "FieldValueInvalid", Field: "from.kind",
					Message: `Invalid value: "ImageStreamTag": only DockerImage is supported`}}},
			}},
		},
		{
			name: "unknown import mode fails",
			spec: func() image.ImageImportSpec {
				s := spec(h+"/ns/oci:v1", "v1")
				s.ImportPolicy.ImportMode = "Sideways"
				return s
			}(),
			want: image.ImageImportStatus{Tag: "v1", Status: image.Status{
				Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: 500,
				Message: `Internal error occurred: ` + h + `/ns/oci:v1: invalid import mode "Sideways": valid ImportMode values are Legacy or PreserveOriginal`,
				Details: &image.StatusDetails{Causes: []image.StatusCause{{
					Message: h + `/ns/oci:v1: invalid import mode "Sideways": valid ImportMode values are Legacy or PreserveOriginal`}}},
			}},
		},
	}
	imp := f.importer(importer.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := run(t, imp, nil, nil, tt.spec)[0]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestManifestNotFoundMapping: of the 404s answering a manifest fetch,
// only MANIFEST_UNKNOWN is NotFound; NAME_UNKNOWN, other codes and a 404
// without an error body are InternalError "<ref>: <err>", as
// formatRepositoryError maps them (SEMANTICS §8.11, §8.12, which infers
// the NAME_UNKNOWN case). The error body is read up to a bound.
func TestManifestNotFoundMapping(t *testing.T) {
	t.Parallel()
	errorBody := func(code, msg string) string {
		return fmt.Sprintf(`{"errors":[{"code":%q,"message":%q}]}`, code, msg)
	}
	tests := []struct {
		name  string
		body  string // of the 404
		cause string // of the InternalError, after "<ref>: GET <url>: response status code 404: "; "" for NotFound
	}{
		{name: "MANIFEST_UNKNOWN is NotFound", body: errorBody("MANIFEST_UNKNOWN", "manifest unknown")},
		{name: "MANIFEST_UNKNOWN among other codes is NotFound", body: `{"errors":[{"code":"NAME_UNKNOWN","message":"n"},{"code":"MANIFEST_UNKNOWN","message":"m"}]}`},
		{name: "NAME_UNKNOWN is InternalError", body: errorBody("NAME_UNKNOWN", "repository name not known to registry"), cause: "name unknown: repository name not known to registry"},
		{name: "another code is InternalError", body: errorBody("UNSUPPORTED", "no"), cause: "unsupported: no"},
		{name: "no error body is InternalError", body: "", cause: "Not Found"},
		{name: "an HTML page is InternalError", body: "<html>gone</html>", cause: "Not Found"},
		{name: "MANIFEST_UNKNOWN past the read bound is InternalError", body: errorBody("MANIFEST_UNKNOWN", strings.Repeat("x", 64<<10)), cause: "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, host := v2Server(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, tt.body)
			})
			imp := importer.New(importer.Options{Transport: srv.Client().Transport, RateLimits: importer.Unlimited()})
			ref := host + "/ns/missing:v1"
			got := run(t, imp, nil, nil, spec(ref, "v1"))[0].Status
			want := image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404,
				Message: fmt.Sprintf("dockerimage.image.openshift.io %q not found", ref),
				Details: &image.StatusDetails{Name: ref, Group: image.GroupName, Kind: "dockerimage"}}
			if tt.cause != "" {
				want = internalError(ref + `: GET "https://` + host + `/v2/ns/missing/manifests/v1": response status code 404: ` + tt.cause)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportInvalidRepositoryName: a repository name distribution's
// WithName refuses is Invalid as formatPingError reports it, with the
// tag, and nothing is sent (SEMANTICS §8.11, §8.12).
func TestImportInvalidRepositoryName(t *testing.T) {
	t.Parallel()
	invalid := func(tag, name string) image.ImageImportStatus {
		detail := fmt.Sprintf("Invalid value: %q: the provided repository name is not valid", name)
		return image.ImageImportStatus{Tag: tag, Status: image.Status{
			Status: image.StatusFailure, Reason: image.StatusReasonInvalid, Code: 422,
			Message: ` "" is invalid: from.name: ` + detail,
			Details: &image.StatusDetails{Causes: []image.StatusCause{{Type: "FieldValueInvalid", Field: "from.name", Message: detail}}},
		}}
	}
	var (
		mu   sync.Mutex
		sent []string
	)
	srv, host := v2Server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
	})
	imp := importer.New(importer.Options{Transport: srv.Client().Transport, RateLimits: importer.Unlimited(), Concurrency: 1})
	// "*" is the one name that parses (§8.2) and still fails WithName:
	// the parser refuses everything else WithName does.
	got := run(t, imp, nil, nil, spec("*", ""), spec(host+"/ns/app:v1", ""))
	want := []image.ImageImportStatus{
		invalid("latest", "library/*"),
		{Tag: "v1", Status: internalError(host + `/ns/app:v1: GET "https://` + host + `/v2/ns/app/manifests/v1": response status code 404: Not Found`)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"/v2/ns/app/manifests/v1"}, sent); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// internalError is the InternalError status of an import failing with
// cause, "<ref>: <err>".
func internalError(cause string) image.Status {
	return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: 500,
		Message: "Internal error occurred: " + cause, Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: cause}}}}
}

// TestImportKeepsUserSpelling checks QUIRK §14.12: references keep the
// spelling of the request, the digest replacing the tag.
// TestImportDigestAlgorithms checks that content requested by a digest
// verifies with that digest's algorithm: a sha512 request against the
// sha512 of the manifest, a sha256 one against its sha256, as the
// content integrity check of SEMANTICS §8.6 means; the Image is named by
// its sha256 digest either way.
func TestImportDigestAlgorithms(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	c := imagetest.ImageContent("algorithms", imagetest.Options{})
	other := imagetest.ImageContent("other", imagetest.Options{})
	sha512 := func(b []byte) digest.Digest { return digest.SHA512.FromBytes(b) }
	tests := []struct {
		name string
		// setup stores content in repo and returns what to import from
		// it, "@<digest>".
		setup func(repo string) string
		// message is part of the expected InternalError message; ""
		// means c is imported.
		message string
	}{
		{name: "sha256", setup: func(repo string) string {
			return "@" + f.pushImage(repo, "", c).String()
		}},
		{name: "sha512", setup: func(repo string) string {
			f.PutBlob(repo, c.Config)
			f.PutManifestAs(repo, "", c.MediaType, c.Manifest, sha512(c.Manifest))
			return "@" + sha512(c.Manifest).String()
		}},
		{name: "sha512 of other content", setup: func(repo string) string {
			f.PutBlob(repo, c.Config)
			f.PutManifestAs(repo, "", c.MediaType, c.Manifest, sha512(other.Manifest))
			return "@" + sha512(other.Manifest).String()
		}, message: fmt.Sprintf("content integrity error: the manifest retrieved (media type: %s) with digest %s does not match the digest calculated from the content %s", c.MediaType, sha512(other.Manifest), sha512(c.Manifest))},
		{name: "sha512 list child", setup: func(repo string) string {
			f.PutBlob(repo, c.Config)
			f.PutManifestAs(repo, "", c.MediaType, c.Manifest, sha512(c.Manifest))
			list := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"manifests":[{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"amd64"}}]}`,
				image.MediaTypeOCIIndex, c.MediaType, sha512(c.Manifest), len(c.Manifest))
			return "@" + f.PutManifest(repo, "", image.MediaTypeOCIIndex, []byte(list)).String()
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := fmt.Sprintf("alg/case%d", i)
			got := run(t, f.importer(importer.Options{}), nil, nil, spec(f.host+"/"+repo+tt.setup(repo), ""))[0]
			if tt.message != "" {
				if got.Status.Reason != image.StatusReasonInternalError || !strings.Contains(got.Status.Message, tt.message) {
					t.Errorf("status = %+v, want InternalError containing %q", got.Status, tt.message)
				}
				return
			}
			want := image.ImageImportStatus{Status: image.Status{Status: image.StatusSuccess},
				Image: wantImage(t, c, f.host+"/"+repo+"@"+c.ManifestDigest.String())}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportKeepsUserSpelling(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	c := imagetest.ImageContent("deep", imagetest.Options{})
	d := f.pushImage("a/b/c", "t", c)
	got := run(t, f.importer(importer.Options{}), nil, nil, spec(f.host+"/a/b/c:t", "t"))[0]
	if want := f.host + "/a/b/c@" + d.String(); got.Image == nil || got.Image.DockerImageReference != want {
		t.Fatalf("reference = %v, want %s (status %+v)", got.Image, want, got.Status)
	}
}

func TestImportDeduplicatesRequests(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	c := imagetest.ImageContent("dup", imagetest.Options{})
	f.pushImage("ns/app", "v1", c)
	f.pushImage("ns/app", "v2", c)
	imp := f.importer(importer.Options{})
	got := run(t, imp, nil, nil,
		spec(f.host+"/ns/app:v1", "a"), spec(f.host+"/ns/app:v1", "b"), spec(f.host+"/ns/app:v2", "c"))
	for i, st := range got {
		if st.Status.Status != image.StatusSuccess || st.Image.Name != c.ManifestDigest.String() {
			t.Errorf("image %d: %+v", i, st.Status)
		}
	}
	// Same tag twice: one fetch. Two tags of one image: one config.
	if n := f.Count("GET", "/manifests/v1"); n != 1 {
		t.Errorf("manifest v1 fetched %d times, want 1", n)
	}
	if n := f.Count("GET", "/blobs/"+c.ConfigDigest.String()); n != 1 {
		t.Errorf("config fetched %d times, want 1", n)
	}
	if got[0].Image == got[1].Image {
		t.Error("results share one *Image; each must own its copy")
	}
}

func TestImportLeavesStreamAlone(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	f.pushImage("ns/app", "v1", imagetest.ImageContent("alone", imagetest.Options{}))
	f.Inject(fakeregistry.Fault{Path: "/manifests/v2", Status: 500})
	stream := imagetest.Stream("ns", "app", imagetest.Tag{Name: "v2", From: f.host + "/ns/app:v2",
		History: []*image.Image{imagetest.Image("old", imagetest.Options{})}})
	before := stream.DeepCopy()
	run(t, f.importer(importer.Options{}), stream, nil, spec(f.host+"/ns/app:v1", "v1"), spec(f.host+"/ns/app:v2", "v2"))
	if diff := cmp.Diff(before, stream); diff != "" {
		t.Errorf("Import changed the stream (-before +after):\n%s", diff)
	}
}

func TestImportCanceled(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{spec(f.host+"/ns/app:v1", "")}}}
	err := f.importer(importer.Options{}).Import(ctx, isi, nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import = %v, want context.Canceled", err)
	}
	if st := isi.Status.Images[0].Status; st.Status != image.StatusFailure {
		t.Errorf("status = %+v, want a failure", st)
	}
}

func TestImportInvalidSecret(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	bad := dockerConfigSecret("broken", `{"auths": {"quay.io": {"auth": "!!!s3cr3t-value!!!"}}}`)
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{spec(f.host+"/ns/app:v1", "")}}}
	err := f.importer(importer.Options{}).Import(context.Background(), isi, nil, []image.Secret{bad})
	if !errors.Is(err, importer.ErrInvalidSecret) {
		t.Fatalf("Import = %v, want ErrInvalidSecret", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error %q quotes the secret", err)
	}
}

package importer_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// TestBlockedRegistry checks the Forbidden status of a blocked registry
// (SEMANTICS §8.2, §8.3, §8.12) for images and repositories, and that
// nothing is requested from it.
func TestBlockedRegistry(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	c := imagetest.ImageContent("blocked", imagetest.Options{})
	f.pushImage("ns/app", "v1", c)
	imp := f.importer(importer.Options{Registries: importer.RegistryConfig{BlockedRegistries: []string{f.host, "docker.io"}}})
	forbidden := func(r string) image.Status {
		return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonForbidden, Code: http.StatusForbidden, Message: "forbidden: registry " + r + " blocked"}
	}
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
		Images: []image.ImageImportSpec{spec(f.host+"/ns/app:v1", "v1"), spec("busybox", "busybox"), spec("library/busybox:latest", "lib"),
			spec("docker.io/library/busybox@sha256:"+strings.Repeat("a", 64), "")},
		Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: f.host + "/ns/app"}},
	}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		t.Fatal(err)
	}
	var got []image.Status
	for _, st := range isi.Status.Images {
		got = append(got, st.Status)
	}
	got = append(got, isi.Status.Repository.Status)
	// The message names the registry as written: none for an implicit
	// Docker Hub (SEMANTICS §8.2).
	want := []image.Status{forbidden(f.host), forbidden(""), forbidden(""), forbidden("docker.io"), forbidden(f.host)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := len(f.Requests()); n != 0 {
		t.Errorf("%d requests reached the blocked registry", n)
	}
}

// TestClusterInsecureRegistry checks that a registry in
// InsecureRegistries is imported from over plain HTTP without
// importPolicy.insecure, and that others stay secure (SEMANTICS §8.2).
func TestClusterInsecureRegistry(t *testing.T) {
	t.Parallel()
	c := imagetest.ImageContent("cluster-insecure", imagetest.Options{})
	plain := fakeregistry.New(fakeregistry.Auth{})
	host := strings.TrimPrefix(plain.Start(t).URL, "http://")
	plain.PutBlob("ns/app", c.Config)
	plain.PutManifest("ns/app", "v1", c.MediaType, c.Manifest)
	tests := []struct {
		name     string
		insecure []string
		ok       bool
	}{
		{name: "listed", insecure: []string{"other.io", host}, ok: true},
		{name: "not listed", insecure: []string{"other.io"}},
		{name: "another port", insecure: []string{"127.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 5 * time.Second,
				Registries: importer.RegistryConfig{InsecureRegistries: tt.insecure}})
			got := run(t, imp, nil, nil, spec(host+"/ns/app:v1", "v1"))[0]
			if ok := got.Status.Status == image.StatusSuccess; ok != tt.ok {
				t.Errorf("success = %t, want %t: %+v", ok, tt.ok, got.Status)
			}
		})
	}

	// A secure repository import from it is a BadRequest naming the
	// insecure flag (formatPingError, SEMANTICS §8.11).
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 5 * time.Second})
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
		Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: host + "/ns/app"}},
	}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := image.Status{Status: image.StatusFailure, Reason: image.StatusReasonBadRequest, Code: http.StatusBadRequest,
		Message: "the repository " + host + "/ns/app is HTTP only and requires the insecure flag to import"}
	if diff := cmp.Diff(want, isi.Status.Repository.Status); diff != "" {
		t.Errorf("secure repository import from plain HTTP (-want +got):\n%s", diff)
	}
}

// TestNotV2Registry imports from a web server that is not a registry:
// an image fails with InternalError naming the v2 API, a repository with
// reason NotV2Registry (SEMANTICS §8.3, §8.11, §8.12).
func TestNotV2Registry(t *testing.T) {
	t.Parallel()
	web := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(web.Close)
	host := strings.TrimPrefix(web.URL, "https://")
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Transport: web.Client().Transport, Timeout: 5 * time.Second})
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
		Images:     []image.ImageImportSpec{spec(host+"/ns/app:v1", "v1")},
		Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: host + "/ns/app"}},
	}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		t.Fatal(err)
	}
	cause := `endpoint "https://` + host + `" does not support v2 API (got 404 Not Found)`
	want := []image.Status{
		{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: http.StatusInternalServerError,
			Message: "Internal error occurred: " + host + "/ns/app:v1: " + cause,
			Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: host + "/ns/app:v1: " + cause}}}},
		{Status: image.StatusFailure, Reason: image.StatusReasonNotV2Registry, Code: http.StatusForbidden, Message: "forbidden: " + cause},
	}
	got := []image.Status{isi.Status.Images[0].Status, isi.Status.Repository.Status}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}

	// A real registry's missing manifest (MANIFEST_UNKNOWN) stays
	// NotFound: its /v2/ answers properly.
	f := newFake(t, fakeregistry.Auth{})
	f.pushImage("ns/app", "v1", imagetest.ImageContent("v1", imagetest.Options{}))
	st := run(t, f.importer(importer.Options{}), nil, nil, spec(f.host+"/ns/app:missing", ""))[0].Status
	if st.Reason != image.StatusReasonNotFound {
		t.Errorf("missing image on a registry: %+v, want NotFound", st)
	}
}

// TestRegistryNamesMatchExactly: BlockedRegistries names registries as
// OpenShift does (SEMANTICS §8.2), by the defaulted pull spec's host, so
// blocking docker.io leaves index.docker.io and registry-1.docker.io
// open, though all three reach Docker Hub.
func TestRegistryNamesMatchExactly(t *testing.T) {
	t.Parallel()
	specs := []string{"busybox", "docker.io/library/busybox", "index.docker.io/library/busybox", "registry-1.docker.io/library/busybox"}
	tests := []struct {
		blocked []string
		want    []bool // Forbidden, per spec
	}{
		{blocked: []string{"docker.io"}, want: []bool{true, true, false, false}},
		{blocked: []string{"index.docker.io", "registry-1.docker.io"}, want: []bool{false, false, true, true}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.blocked, ","), func(t *testing.T) {
			t.Parallel()
			offline := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("offline") })
			imp := importer.New(importer.Options{Transport: offline, Retries: -1, RateLimits: importer.Unlimited(),
				Registries: importer.RegistryConfig{BlockedRegistries: tt.blocked}})
			var images []image.ImageImportSpec
			for _, s := range specs {
				images = append(images, spec(s, ""))
			}
			for i, st := range run(t, imp, nil, nil, images...) {
				if got := st.Status.Reason == image.StatusReasonForbidden; got != tt.want[i] {
					t.Errorf("%s: %s %q, want Forbidden %t", specs[i], st.Status.Reason, st.Status.Message, tt.want[i])
				}
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

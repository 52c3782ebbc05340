package importer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

func repoImport(t testing.TB, imp *importer.Importer, from string, images ...image.ImageImportSpec) *image.ImageStreamImport {
	t.Helper()
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
		Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: from}},
		Images:     images,
	}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		t.Fatal(err)
	}
	return isi
}

// TestRepositoryImport is OpenShift's "import repository with additional
// tags" case (SEMANTICS §8.3): with a limit of 5 the tags are taken in
// PrioritizeTags order and the rest reported.
func TestRepositoryImport(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	digests := map[string]string{}
	for _, tag := range []string{"v2", "3", "other", "3.1", "abc", "v1"} {
		digests[tag] = f.pushImage("ns/repo", tag, imagetest.ImageContent(tag, imagetest.Options{})).String()
	}
	var mu sync.Mutex
	var progress []importer.Progress
	imp := f.importer(importer.Options{MaxTagsPerRepository: 5, Progress: func(p importer.Progress) {
		mu.Lock()
		defer mu.Unlock()
		progress = append(progress, p)
	}})
	isi := repoImport(t, imp, f.host+"/ns/repo")
	rs := isi.Status.Repository
	var tags, refs []string
	for _, st := range rs.Images {
		if st.Image == nil {
			t.Fatalf("tag %s: %+v", st.Tag, st.Status)
		}
		tags = append(tags, st.Tag)
		refs = append(refs, st.Image.DockerImageReference)
	}
	if diff := cmp.Diff([]string{"3.1", "3", "abc", "other", "v1"}, tags); diff != "" {
		t.Errorf("imported tags (-want +got):\n%s", diff)
	}
	for i, tag := range tags {
		if want := f.host + "/ns/repo@" + digests[tag]; refs[i] != want {
			t.Errorf("tag %s reference %s, want %s", tag, refs[i], want)
		}
	}
	if diff := cmp.Diff([]string{"v2"}, rs.AdditionalTags); diff != "" {
		t.Errorf("additionalTags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(image.Status{Status: image.StatusSuccess}, rs.Status); diff != "" {
		t.Errorf("repository status (-want +got):\n%s", diff)
	}
	if n := f.Count("GET", "/manifests/v2"); n != 0 {
		t.Errorf("additional tag v2 fetched %d times", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) != 5 || progress[4] != (importer.Progress{Repository: f.host + "/ns/repo", Total: 5, Done: 5}) {
		t.Errorf("progress = %+v", progress)
	}
}

func TestRepositoryImportFailures(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	for _, tag := range []string{"a", "b", "c"} {
		f.pushImage("ns/partial", tag, imagetest.ImageContent(tag, imagetest.Options{}))
	}
	imp := f.importer(importer.Options{MaxTagsPerRepository: -1})

	t.Run("one tag fails", func(t *testing.T) {
		f.Inject(fakeregistry.Fault{Path: "ns/partial/manifests/b", Status: 404, Times: 1,
			Body: []byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`)})
		rs := repoImport(t, imp, f.host+"/ns/partial").Status.Repository
		want := image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: "one of the images from this repository failed to import"}
		if diff := cmp.Diff(want, rs.Status); diff != "" {
			t.Errorf("repository status (-want +got):\n%s", diff)
		}
		if len(rs.Images) != 3 || rs.Images[1].Tag != "b" || rs.Images[1].Status.Reason != image.StatusReasonNotFound {
			t.Errorf("images = %+v", rs.Images)
		}
	})
	t.Run("several tags fail", func(t *testing.T) {
		f.Inject(fakeregistry.Fault{Path: "ns/partial/manifests/a", Status: 404, Times: 1})
		f.Inject(fakeregistry.Fault{Path: "ns/partial/manifests/c", Status: 404, Times: 1})
		rs := repoImport(t, imp, f.host+"/ns/partial").Status.Repository
		if rs.Status.Message != "2 of the images from this repository failed to import" {
			t.Errorf("repository status = %+v", rs.Status)
		}
	})
	t.Run("unknown repository", func(t *testing.T) {
		rs := repoImport(t, imp, f.host+"/ns/missing").Status.Repository
		want := image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404,
			Message: fmt.Sprintf("dockerimage.image.openshift.io %q not found", f.host+"/ns/missing"),
			Details: &image.StatusDetails{Name: f.host + "/ns/missing", Group: image.GroupName, Kind: "dockerimage"}}
		if diff := cmp.Diff(want, rs.Status); diff != "" {
			t.Errorf("repository status (-want +got):\n%s", diff)
		}
	})
	t.Run("invalid name", func(t *testing.T) {
		rs := repoImport(t, imp, "UPPER/Case!").Status.Repository
		if rs.Status.Reason != image.StatusReasonInvalid {
			t.Errorf("repository status = %+v", rs.Status)
		}
	})
}

// TestRepositoryAdditionalTagAlreadyImported: an additional tag that a
// spec.images entry imports anyway gets its result (SEMANTICS §8.3).
func TestRepositoryAdditionalTagAlreadyImported(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	for _, tag := range []string{"latest", "zz"} {
		f.pushImage("ns/r", tag, imagetest.ImageContent(tag, imagetest.Options{}))
	}
	isi := repoImport(t, f.importer(importer.Options{MaxTagsPerRepository: 1}), f.host+"/ns/r", spec(f.host+"/ns/r:zz", "zz"))
	rs := isi.Status.Repository
	if len(rs.Images) != 2 || rs.Images[0].Tag != "latest" || rs.Images[1].Tag != "zz" || rs.Images[1].Image == nil {
		t.Errorf("repository images = %+v", rs.Images)
	}
	if diff := cmp.Diff([]string{"zz"}, rs.AdditionalTags); diff != "" {
		t.Errorf("additionalTags (-want +got):\n%s", diff)
	}
	if n := f.Count("GET", "/manifests/zz"); n != 1 {
		t.Errorf("zz fetched %d times, want 1", n)
	}
}

// TestRepositoryTagListBounds: a tag-list page is read up to
// MaxManifestBytes and a whole listing up to MaxTagListBytes; past either
// the repository import fails with ErrTooLarge named in its status.
func TestRepositoryTagListBounds(t *testing.T) {
	t.Parallel()
	// page returns a tag-list page of page p holding about size bytes.
	page := func(p, size int) []byte {
		b := []byte(`{"name":"ns/app","tags":[`)
		for i := 0; len(b) < size-200; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `"p%d-%06d-%s"`, p, i, strings.Repeat("x", 100))
		}
		return append(b, "]}"...)
	}
	tests := []struct {
		name  string
		pages int
		size  int
		// tooLarge is the text the status must carry, "" for a listing
		// that succeeds.
		tooLarge string
	}{
		{name: "page just within the limit", pages: 1, size: importer.MaxManifestBytes},
		{name: "oversize page", pages: 1, size: importer.MaxManifestBytes + 1000, tooLarge: "tag list page is larger than"},
		{name: "pages within the limit, too many bytes in all", pages: importer.MaxTagListBytes/importer.MaxManifestBytes + 1, size: importer.MaxManifestBytes, tooLarge: "tag list is larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
				if !strings.HasSuffix(r.URL.Path, "/tags/list") {
					http.NotFound(w, r)
					return
				}
				p, _ := strconv.Atoi(r.URL.Query().Get("page"))
				if p+1 < tt.pages {
					w.Header().Set("Link", fmt.Sprintf(`</v2/ns/app/tags/list?page=%d>; rel="next"`, p+1))
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(page(p, tt.size))
			}))
			t.Cleanup(srv.Close)
			host := strings.TrimPrefix(srv.URL, "https://")
			imp := importer.New(importer.Options{Transport: srv.Client().Transport, Retries: -1, RateLimits: importer.Unlimited(), MaxTagsPerRepository: 1})
			st := repoImport(t, imp, host+"/ns/app").Status.Repository
			if tt.tooLarge == "" {
				if strings.Contains(st.Status.Message, importer.ErrTooLarge.Error()) || len(st.AdditionalTags) < 1000 {
					t.Errorf("listing failed: %s %q, %d additional tags", st.Status.Reason, st.Status.Message, len(st.AdditionalTags))
				}
				return
			}
			if st.Status.Reason != image.StatusReasonInternalError || !strings.Contains(st.Status.Message, tt.tooLarge) || !strings.Contains(st.Status.Message, importer.ErrTooLarge.Error()) {
				t.Errorf("status = %s %q, want InternalError with %q and %q", st.Status.Reason, st.Status.Message, tt.tooLarge, importer.ErrTooLarge)
			}
		})
	}
}

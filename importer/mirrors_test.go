package importer_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/registrytest"
)

// TestMirrors imports through mirrors from two real registries, a source
// and a mirror that keeps the source's repositories under another path
// (SEMANTICS §8.1 step 4, §8.5): digest mirrors serve digests only, tag
// mirrors tags only, the source is tried last unless NeverContactSource,
// and the Image always names the source as the user wrote it. Both
// registries speak plain HTTP and are reached through the cluster's
// InsecureRegistries.
func TestMirrors(t *testing.T) {
	t.Parallel()
	src := registrytest.Start(t, registrytest.Options{})
	mir := registrytest.Start(t, registrytest.Options{})
	inSource := imagetest.ImageContent("mirror-test-source", imagetest.Options{})
	inMirror := imagetest.ImageContent("mirror-test-mirror", imagetest.Options{})
	inBoth := imagetest.ImageContent("mirror-test-both", imagetest.Options{})
	missing := imagetest.ImageContent("mirror-test-missing", imagetest.Options{})
	pushContent(t, src, "ns/app", "v1", inSource)
	pushContent(t, src, "ns/app", "v3", inBoth)
	pushContent(t, mir, "copies/app", "v1", inMirror)
	pushContent(t, mir, "copies/app", "v2", inBoth)

	source := src.Host + "/ns/app"
	set := func(policy importer.MirrorSourcePolicy) []importer.MirrorSet {
		return []importer.MirrorSet{{Source: src.Host + "/ns", Mirrors: []string{mir.Host + "/copies"}, MirrorSourcePolicy: policy}}
	}
	insecure := []string{src.Host, mir.Host}
	byDigest := func(c imagetest.Content) string { return source + "@" + c.ManifestDigest.String() }
	unknown := func(tag string) image.Status {
		msg := `unknown error while importing tag "` + tag + `" from repository "` + source + `" with import mode "", please try again.`
		return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: http.StatusInternalServerError,
			Message: "Internal error occurred: " + msg, Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: msg}}}}
	}
	notFound := func(ref string) image.Status {
		return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: http.StatusNotFound,
			Message: `dockerimage.image.openshift.io "` + ref + `" not found`, Details: &image.StatusDetails{Name: ref, Kind: "dockerimage", Group: "image.openshift.io"}}
	}
	allMissing := func(c imagetest.Content) image.Status {
		// Kubernetes' aggregate of both sources' errors, mirror first.
		d := c.ManifestDigest.String()
		msg := byDigest(c) + ": [" + mir.Host + "/copies/app@" + d + ": not found, " + byDigest(c) + ": not found]"
		return image.Status{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: http.StatusInternalServerError,
			Message: "Internal error occurred: " + msg, Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: msg}}}}
	}

	tests := []struct {
		name   string
		config importer.RegistryConfig
		from   string
		want   *imagetest.Content // imported image, nil for failure
		status image.Status       // the failure
	}{
		{name: "digest served by the mirror", config: importer.RegistryConfig{DigestMirrors: set("")}, from: byDigest(inMirror), want: &inMirror},
		{name: "digest missing from the mirror comes from the source", config: importer.RegistryConfig{DigestMirrors: set("")}, from: byDigest(inSource), want: &inSource},
		{name: "digest mirrors do not serve tags", config: importer.RegistryConfig{DigestMirrors: set("")}, from: source + ":v1", want: &inSource},
		{name: "tag mirrors serve tags", config: importer.RegistryConfig{TagMirrors: set("")}, from: source + ":v1", want: &inMirror},
		{name: "tag missing from the tag mirror comes from the source", config: importer.RegistryConfig{TagMirrors: set(importer.AllowContactingSource)}, from: source + ":v3", want: &inBoth},
		{name: "tag mirrors do not serve digests", config: importer.RegistryConfig{TagMirrors: set("")}, from: byDigest(inMirror), status: notFound(byDigest(inMirror))},
		{name: "never contact the source: the mirror only", config: importer.RegistryConfig{DigestMirrors: set(importer.NeverContactSource)}, from: byDigest(inSource), status: notFound(byDigest(inSource))},
		{name: "never contact the source: a tag has nowhere to go", config: importer.RegistryConfig{DigestMirrors: set(importer.NeverContactSource)}, from: source + ":v1", status: unknown("v1")},
		{name: "every source fails", config: importer.RegistryConfig{DigestMirrors: set("")}, from: byDigest(missing), status: allMissing(missing)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.config.InsecureRegistries = insecure
			imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Registries: tt.config, Timeout: 10 * time.Second,
				Now: func() time.Time { return imagetest.Epoch }})
			got := run(t, imp, nil, nil, spec(tt.from, "t"))[0]
			if tt.want == nil {
				if diff := cmp.Diff(tt.status, got.Status); diff != "" {
					t.Errorf("status (-want +got):\n%s", diff)
				}
				return
			}
			want := wantImage(t, *tt.want, source+"@"+tt.want.ManifestDigest.String())
			if diff := cmp.Diff(want, got.Image); diff != "" {
				t.Errorf("image (-want +got):\n%s (status %+v)", diff, got.Status)
			}
		})
	}

	t.Run("repository listed from the tag mirror", func(t *testing.T) {
		imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 10 * time.Second, Now: func() time.Time { return imagetest.Epoch },
			Registries: importer.RegistryConfig{InsecureRegistries: insecure, TagMirrors: set(importer.NeverContactSource)}})
		isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
			Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: source}},
		}}
		if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, st := range isi.Status.Repository.Images {
			got = append(got, st.Tag+" "+st.Image.DockerImageReference)
		}
		want := []string{"v1 " + source + "@" + inMirror.ManifestDigest.String(), "v2 " + source + "@" + inBoth.ManifestDigest.String()}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("repository images (-want +got):\n%s", diff)
		}
	})

	t.Run("repository with nowhere to list tags", func(t *testing.T) {
		imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 10 * time.Second,
			Registries: importer.RegistryConfig{InsecureRegistries: insecure, DigestMirrors: set(importer.NeverContactSource)}})
		isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{
			Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: source}},
		}}
		if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
			t.Fatal(err)
		}
		msg := source + ": the registry is never contacted and no tag mirror serves this repository"
		want := &image.RepositoryImportStatus{Status: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: http.StatusInternalServerError,
			Message: "Internal error occurred: " + msg, Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: msg}}}}}
		if diff := cmp.Diff(want, isi.Status.Repository); diff != "" {
			t.Errorf("repository status (-want +got):\n%s", diff)
		}
	})
}

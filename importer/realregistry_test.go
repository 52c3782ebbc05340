package importer_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/registrytest"
	"github.com/opencontainers/go-digest"
)

var fivePlatforms = []string{"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/ppc64le", "linux/s390x"}

func pushContent(t testing.TB, r *registrytest.Registry, repo, tag string, c imagetest.Content) digest.Digest {
	t.Helper()
	r.PushBlob(t, repo, c.Config)
	for _, l := range c.Layers {
		r.PushBlob(t, repo, l)
	}
	return r.PushManifest(t, repo, tag, c.MediaType, c.Manifest)
}

func pushIndexContent(t testing.TB, r *registrytest.Registry, repo, tag string, ic imagetest.IndexContent) digest.Digest {
	t.Helper()
	for _, c := range ic.Children {
		pushContent(t, r, repo, "", c)
	}
	return r.PushManifest(t, repo, tag, ic.MediaType, ic.Index)
}

// TestRealRegistry imports from distribution's own registry, over TLS
// with a certificate made for the test: single OCI and schema 2 images,
// an OCI index and a Docker manifest list over five platforms in both
// import modes, and a repository with more tags than the limit.
func TestRealRegistry(t *testing.T) {
	t.Parallel()
	reg := registrytest.Start(t, registrytest.Options{TLS: true})
	oci := imagetest.ImageContent("real-oci", imagetest.Options{})
	s2 := imagetest.ImageContent("real-s2", imagetest.Options{Schema2: true})
	pushContent(t, reg, "ns/oci", "v1", oci)
	pushContent(t, reg, "ns/s2", "v1", s2)
	index := imagetest.Index("real-index", imagetest.Options{}, fivePlatforms...)
	list := imagetest.Index("real-list", imagetest.Options{Schema2: true}, fivePlatforms...)
	pushIndexContent(t, reg, "ns/index", "v1", index)
	pushIndexContent(t, reg, "ns/list", "v1", list)
	h := reg.Host
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Transport: reg.Transport, ControlPlaneOS: "linux", ControlPlaneArch: "arm64", Timeout: 10 * time.Second,
		Now: func() time.Time { return imagetest.Epoch }})

	t.Run("single images", func(t *testing.T) {
		got := run(t, imp, nil, nil, spec(h+"/ns/oci:v1", "v1"), spec(h+"/ns/s2:v1", "v1"), spec(h+"/ns/s2@"+s2.ManifestDigest.String(), "pinned"))
		for i, want := range []*image.Image{
			wantImage(t, oci, h+"/ns/oci@"+oci.ManifestDigest.String()),
			wantImage(t, s2, h+"/ns/s2@"+s2.ManifestDigest.String()),
			wantImage(t, s2, h+"/ns/s2@"+s2.ManifestDigest.String()),
		} {
			if diff := cmp.Diff(want, got[i].Image); diff != "" {
				t.Errorf("image %d (-want +got):\n%s", i, diff)
			}
		}
	})
	for _, tt := range []struct {
		name string
		repo string
		ic   imagetest.IndexContent
	}{
		{name: "OCI index", repo: "ns/index", ic: index},
		{name: "Docker manifest list", repo: "ns/list", ic: list},
	} {
		t.Run(tt.name+" Legacy picks the control-plane platform", func(t *testing.T) {
			got := run(t, imp, nil, nil, spec(h+"/"+tt.repo+":v1", "v1"))[0]
			arm := tt.ic.Children[1]
			if diff := cmp.Diff(wantImage(t, arm, h+"/"+tt.repo+"@"+arm.ManifestDigest.String()), got.Image); diff != "" {
				t.Errorf("image (-want +got):\n%s", diff)
			}
		})
		t.Run(tt.name+" PreserveOriginal imports every child", func(t *testing.T) {
			s := spec(h+"/"+tt.repo+":v1", "v1")
			s.ImportPolicy.ImportMode = image.ImportModePreserveOriginal
			got := run(t, imp, nil, nil, s)[0]
			if got.Image == nil || got.Image.Name != tt.ic.Digest.String() || got.Image.DockerImageManifestMediaType != tt.ic.MediaType {
				t.Fatalf("list = %+v", got.Status)
			}
			var platforms []string
			for _, m := range got.Image.DockerImageManifests {
				platforms = append(platforms, strings.TrimSuffix(m.OS+"/"+m.Architecture+"/"+m.Variant, "/"))
			}
			if diff := cmp.Diff(fivePlatforms, platforms); diff != "" {
				t.Errorf("dockerImageManifests (-want +got):\n%s", diff)
			}
			for i, c := range tt.ic.Children {
				if diff := cmp.Diff(*wantImage(t, c, h+"/"+tt.repo+"@"+c.ManifestDigest.String()), got.Manifests[i]); diff != "" {
					t.Errorf("child %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
	t.Run("repository with more tags than the limit", func(t *testing.T) {
		for i := range 7 {
			tag := fmt.Sprintf("1.%d", i)
			pushContent(t, reg, "ns/many", tag, imagetest.ImageContent("many-"+tag, imagetest.Options{Layers: 1}))
		}
		limited := importer.New(importer.Options{RateLimits: importer.Unlimited(), Transport: reg.Transport, MaxTagsPerRepository: 5})
		rs := repoImport(t, limited, h+"/ns/many").Status.Repository
		var got []string
		for _, st := range rs.Images {
			if st.Image == nil {
				t.Fatalf("tag %s: %+v", st.Tag, st.Status)
			}
			got = append(got, st.Tag)
		}
		if diff := cmp.Diff([]string{"1.6", "1.5", "1.4", "1.3", "1.2"}, got); diff != "" {
			t.Errorf("imported (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"1.1", "1.0"}, rs.AdditionalTags); diff != "" {
			t.Errorf("additionalTags (-want +got):\n%s", diff)
		}
	})
	t.Run("certificate not trusted", func(t *testing.T) {
		plain := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 10 * time.Second})
		got := run(t, plain, nil, nil, spec(h+"/ns/oci:v1", ""))[0]
		if got.Image != nil || !strings.Contains(got.Status.Message, "certificate") {
			t.Errorf("status = %+v, want a certificate error", got.Status)
		}
		s := spec(h+"/ns/oci:v1", "")
		s.ImportPolicy.Insecure = true
		if got := run(t, plain, nil, nil, s)[0]; got.Image == nil {
			t.Errorf("insecure import: %+v", got.Status)
		}
	})
}

// TestRealRegistryAuth imports through htpasswd basic authentication with
// pull secrets scoped by path (SEMANTICS §8.7).
func TestRealRegistryAuth(t *testing.T) {
	t.Parallel()
	reg := registrytest.Start(t, registrytest.Options{TLS: true, Auth: true})
	c := imagetest.ImageContent("real-auth", imagetest.Options{})
	pushContent(t, reg, "private/app", "v1", c)
	pushContent(t, reg, "public/app", "v1", c)
	h := reg.Host
	secrets := []image.Secret{
		dockerConfigSecret("registry-wide", fmt.Sprintf(`{"auths":{%q:%s}}`, h, authEntry(registrytest.User, "not-the-password"))),
		dockerConfigSecret("private-only", fmt.Sprintf(`{"auths":{%q:%s}}`, h+"/private", authEntry(registrytest.User, registrytest.Password))),
	}
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Transport: reg.Transport, Timeout: 10 * time.Second})
	got := run(t, imp, nil, secrets, spec(h+"/private/app:v1", ""), spec(h+"/public/app:v1", ""))
	if got[0].Image == nil {
		t.Errorf("private: %+v", got[0].Status)
	}
	want := fmt.Sprintf("you may not have access to the container image %q", h+"/public/app:v1")
	if got[1].Status.Reason != image.StatusReasonUnauthorized || got[1].Status.Message != want {
		t.Errorf("public with the wrong registry-wide password: %+v", got[1].Status)
	}
	if strings.Contains(fmt.Sprint(got), registrytest.Password) {
		t.Error("the password leaked into a status")
	}
	none := run(t, imp, nil, nil, spec(h+"/private/app:v1", ""))[0]
	if none.Status.Reason != image.StatusReasonUnauthorized {
		t.Errorf("no secret: %+v", none.Status)
	}
}

// TestRealRegistryPlainHTTP: a registry without TLS is reachable only by
// an insecure import (SEMANTICS §8.11).
func TestRealRegistryPlainHTTP(t *testing.T) {
	t.Parallel()
	reg := registrytest.Start(t, registrytest.Options{})
	c := imagetest.ImageContent("real-plain", imagetest.Options{})
	pushContent(t, reg, "ns/app", "v1", c)
	imp := importer.New(importer.Options{RateLimits: importer.Unlimited(), Timeout: 10 * time.Second})
	secure := spec(reg.Host+"/ns/app:v1", "")
	insecure := secure
	insecure.ImportPolicy.Insecure = true
	got := run(t, imp, nil, nil, secure, insecure)
	if got[0].Image != nil || got[0].Status.Reason != image.StatusReasonInternalError {
		t.Errorf("secure import of plain HTTP: %+v", got[0].Status)
	}
	if got[1].Image == nil || got[1].Image.Name != c.ManifestDigest.String() {
		t.Errorf("insecure import: %+v", got[1].Status)
	}
}

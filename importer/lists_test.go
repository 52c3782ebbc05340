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
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/opencontainers/go-digest"
)

// TestLegacyPlatformSelection covers each step of the Legacy choice of a
// manifest list's child (SEMANTICS §8.4) and platform normalization.
func TestLegacyPlatformSelection(t *testing.T) {
	t.Parallel()
	five := []string{"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/ppc64le", "linux/s390x"}
	tests := []struct {
		name      string
		platforms []string // children of the list, in order
		// annotations of the target spec tag "t"
		preferOS, preferArch string
		// the importer's control plane
		cpOS, cpArch string
		byDigest     bool
		schema2      bool
		want         int // index of the child imported
	}{
		{name: "1: prefer-arch annotation", platforms: five, preferArch: "arm64", cpOS: "linux", cpArch: "amd64", want: 1},
		{name: "1: prefer-os and prefer-arch annotations", platforms: []string{"linux/amd64", "windows/amd64"}, preferOS: "windows", preferArch: "amd64", cpOS: "linux", cpArch: "amd64", want: 1},
		{name: "1: control-plane architecture", platforms: five, cpOS: "linux", cpArch: "s390x", want: 4},
		{name: "1: control-plane architecture, Docker list", platforms: five, cpOS: "linux", cpArch: "ppc64le", schema2: true, want: 3},
		{name: "1: annotations are ignored for digest imports", platforms: five, preferArch: "arm64", cpOS: "linux", cpArch: "ppc64le", byDigest: true, want: 3},
		{name: "2: linux/amd64 when nothing matches", platforms: []string{"linux/arm64", "linux/amd64"}, cpOS: "linux", cpArch: "riscv64", want: 1},
		{name: "2: linux/amd64 when the OS does not match", platforms: []string{"linux/arm64", "linux/amd64"}, cpOS: "windows", cpArch: "arm64", want: 1},
		{name: "3: the first child", platforms: []string{"linux/arm64", "linux/ppc64le"}, cpOS: "linux", cpArch: "riscv64", want: 0},
		{name: "variant is ignored (QUIRK §14.13)", platforms: []string{"linux/arm/v6", "linux/arm/v7"}, preferArch: "arm", cpOS: "linux", cpArch: "amd64", want: 0},
		{name: "aarch64 is arm64", platforms: []string{"linux/amd64", "linux/aarch64"}, cpOS: "linux", cpArch: "arm64", want: 1},
		{name: "x86_64 is amd64", platforms: []string{"linux/arm64", "Linux/x86_64"}, cpOS: "linux", cpArch: "riscv64", want: 1},
		{name: "annotation written aarch64", platforms: five, preferArch: "aarch64", cpOS: "linux", cpArch: "amd64", want: 1},
	}
	f := newFake(t, fakeregistry.Auth{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := fmt.Sprintf("sel/case%d", i)
			ic := imagetest.Index(repo, imagetest.Options{Schema2: tt.schema2}, tt.platforms...)
			d := f.pushIndex(repo, "list", ic)
			from := f.host + "/" + repo + ":list"
			if tt.byDigest {
				from = f.host + "/" + repo + "@" + d.String()
			}
			ann := map[string]string{}
			if tt.preferOS != "" {
				ann[image.ImporterPreferOSAnnotation] = tt.preferOS
			}
			if tt.preferArch != "" {
				ann[image.ImporterPreferArchAnnotation] = tt.preferArch
			}
			stream := &image.ImageStream{Spec: image.ImageStreamSpec{Tags: []image.TagReference{{Name: "t", Annotations: ann}}}}
			imp := f.importer(importer.Options{ControlPlaneOS: tt.cpOS, ControlPlaneArch: tt.cpArch})
			got := run(t, imp, stream, nil, spec(from, "t"))[0]
			if got.Image == nil {
				t.Fatalf("import failed: %+v", got.Status)
			}
			child := ic.Children[tt.want]
			want := wantImage(t, child, f.host+"/"+repo+"@"+child.ManifestDigest.String())
			if diff := cmp.Diff(want, got.Image); diff != "" {
				t.Errorf("imported child (-want +got):\n%s", diff)
			}
			if len(got.Manifests) != 0 {
				t.Errorf("Legacy import returned %d manifests", len(got.Manifests))
			}
		})
	}
}

func TestLegacyEmptyList(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	f.PutManifest("ns/empty", "v1", image.MediaTypeOCIIndex, []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`))
	got := run(t, f.importer(importer.Options{}), nil, nil, spec(f.host+"/ns/empty:v1", ""))[0]
	want := "Internal error occurred: " + f.host + "/ns/empty:v1: no manifests in manifest list"
	if got.Status.Reason != image.StatusReasonInternalError || got.Status.Message != want {
		t.Errorf("status = %+v, want InternalError %q", got.Status, want)
	}
}

// TestPreserveOriginal imports a list and all its children (SEMANTICS §8.4).
func TestPreserveOriginal(t *testing.T) {
	t.Parallel()
	platforms := []string{"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/ppc64le", "linux/s390x"}
	for _, schema2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("schema2=%t", schema2), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, fakeregistry.Auth{})
			ic := imagetest.Index("multi", imagetest.Options{Schema2: schema2}, platforms...)
			f.pushIndex("ns/multi", "v1", ic)
			f.Tag("ns/multi", "v1-again", ic.Digest)
			po := func(s image.ImageImportSpec) image.ImageImportSpec {
				s.ImportPolicy.ImportMode = image.ImportModePreserveOriginal
				return s
			}
			got := run(t, f.importer(importer.Options{}), nil, nil,
				po(spec(f.host+"/ns/multi:v1", "v1")), po(spec(f.host+"/ns/multi:v1-again", "again")))
			list, err := image.FromManifest(image.ManifestInput{Manifest: ic.Index, MediaType: ic.MediaType, Now: imagetest.Epoch})
			if err != nil {
				t.Fatal(err)
			}
			list.DockerImageReference = f.host + "/ns/multi@" + ic.Digest.String()
			want := image.ImageImportStatus{Tag: "v1", Status: image.Status{Status: image.StatusSuccess}, Image: list}
			for _, c := range ic.Children {
				want.Manifests = append(want.Manifests, *wantImage(t, c, f.host+"/ns/multi@"+c.ManifestDigest.String()))
			}
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if got[1].Image == nil || len(got[1].Manifests) != len(platforms) {
				t.Fatalf("second tag: %+v", got[1].Status)
			}
			// Two tags of one list: each child and config fetched once.
			for _, c := range ic.Children {
				if n := f.Count("GET", "/manifests/"+c.ManifestDigest.String()); n != 1 {
					t.Errorf("child %s fetched %d times, want 1", c.ManifestDigest, n)
				}
			}
			if n := f.Count("GET", "/blobs/"+ic.Children[0].ConfigDigest.String()); n != 1 {
				t.Errorf("config fetched %d times, want 1", n)
			}
		})
	}
}

func TestPreserveOriginalChildFailureFailsTag(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	ic := imagetest.Index("broken", imagetest.Options{}, "linux/amd64", "linux/arm64")
	f.pushIndex("ns/broken", "v1", ic)
	f.Inject(fakeregistry.Fault{Path: "/manifests/" + ic.Children[1].ManifestDigest.String(), Status: 404,
		Body: []byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`)})
	s := spec(f.host+"/ns/broken:v1", "v1")
	s.ImportPolicy.ImportMode = image.ImportModePreserveOriginal
	got := run(t, f.importer(importer.Options{}), nil, nil, s)[0]
	if got.Image != nil || len(got.Manifests) != 0 || got.Status.Reason != image.StatusReasonNotFound {
		t.Errorf("result = %+v, want NotFound and no images", got)
	}
}

// TestPreserveOriginalSharedChild imports two lists sharing a child
// while one of them has a missing child: that failure cancels the first
// list's other fetches, the shared one included, and the second list
// must not inherit it. SEMANTICS §8.4: "any child failure fails the
// whole tag/digest" — its own, not another that shares a child.
func TestPreserveOriginalSharedChild(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	shared := imagetest.ImageContent("shared", imagetest.Options{})
	other := imagetest.ImageContent("other", imagetest.Options{Platform: imagetest.ParsePlatform("linux/arm64")})
	missing := imagetest.ImageContent("missing", imagetest.Options{Platform: imagetest.ParsePlatform("linux/s390x")})
	f.pushImage("ns/app", "", shared)
	f.pushImage("ns/app", "", other)
	list := func(cs ...imagetest.Content) []byte {
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"amd64"}}`, c.MediaType, c.ManifestDigest, len(c.Manifest)))
		}
		return []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` + strings.Join(parts, ",") + `]}`)
	}
	f.PutManifest("ns/app", "a", image.MediaTypeOCIIndex, list(shared, missing))
	f.PutManifest("ns/app", "b", image.MediaTypeOCIIndex, list(shared, other))
	// The shared child is slow and the missing one fails at once, so
	// list a gives up on the shared child while list b, served later,
	// is waiting for it.
	f.Inject(fakeregistry.Fault{Path: "/manifests/" + shared.ManifestDigest.String(), Delay: 300 * time.Millisecond})
	f.Inject(fakeregistry.Fault{Path: "/ns/app/manifests/b", Delay: 150 * time.Millisecond})
	po := func(s image.ImageImportSpec) image.ImageImportSpec {
		s.ImportPolicy.ImportMode = image.ImportModePreserveOriginal
		return s
	}
	got := run(t, f.importer(importer.Options{}), nil, nil, po(spec(f.host+"/ns/app:a", "a")), po(spec(f.host+"/ns/app:b", "b")))
	if got[0].Status.Reason != image.StatusReasonNotFound || got[0].Image != nil {
		t.Errorf("list a, with a missing child: %+v, want NotFound", got[0].Status)
	}
	if diff := cmp.Diff(image.Status{Status: image.StatusSuccess}, got[1].Status); diff != "" {
		t.Errorf("list b, whose children all exist (-want +got):\n%s", diff)
	}
	var children []string
	for _, m := range got[1].Manifests {
		children = append(children, m.Name)
	}
	if diff := cmp.Diff([]string{shared.ManifestDigest.String(), other.ManifestDigest.String()}, children); diff != "" {
		t.Errorf("list b children (-want +got):\n%s", diff)
	}
}

// TestSchema1 imports Docker schema 1 manifests, signed and unsigned; a
// signed manifest's digest covers its payload without the signatures.
func TestSchema1(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeregistry.Auth{})
	unsigned := []byte(`{
   "schemaVersion": 1,
   "name": "ns/old",
   "tag": "v1",
   "architecture": "amd64",
   "fsLayers": [
      {"blobSum": "sha256:2222222222222222222222222222222222222222222222222222222222222222"},
      {"blobSum": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}
   ],
   "history": [
      {"v1Compatibility": "{\"id\":\"top\",\"parent\":\"base\",\"created\":\"2016-03-18T18:22:48Z\",\"config\":{\"Cmd\":[\"sh\"]},\"architecture\":\"amd64\",\"Size\":20}"},
      {"v1Compatibility": "{\"id\":\"base\",\"created\":\"2016-03-18T18:22:40Z\",\"Size\":10}"}
   ]
}`)
	signed, canonical := signSchema1(t, unsigned)
	ud := f.PutManifest("ns/old", "unsigned", image.MediaTypeDockerSchema1Manifest, unsigned)
	f.PutManifestAs("ns/old", "signed", image.MediaTypeDockerSchema1SignedManifest, signed, canonical)
	got := run(t, f.importer(importer.Options{}), nil, nil, spec(f.host+"/ns/old:unsigned", ""), spec(f.host+"/ns/old:signed", ""),
		spec(f.host+"/ns/old@"+canonical.String(), ""))
	for i, want := range []string{ud.String(), canonical.String(), canonical.String()} {
		img := got[i].Image
		if img == nil {
			t.Fatalf("image %d: %+v", i, got[i].Status)
		}
		if img.Name != want || img.DockerImageManifestMediaType != image.MediaTypeDockerSchema1Manifest {
			t.Errorf("image %d: name %s type %s, want %s", i, img.Name, img.DockerImageManifestMediaType, want)
		}
		layers := []string{}
		for _, l := range img.DockerImageLayers {
			layers = append(layers, l.Name)
		}
		if diff := cmp.Diff([]string{"sha256:" + strings.Repeat("1", 64), "sha256:" + strings.Repeat("2", 64)}, layers); diff != "" {
			t.Errorf("image %d layers, base first (-want +got):\n%s", i, diff)
		}
		if img.DockerImageMetadata.Size != 30 {
			t.Errorf("image %d metadata size %d, want 30", i, img.DockerImageMetadata.Size)
		}
	}
}

// TestPreserveOriginalChildrenBound checks Options.MaxListChildren: a
// PreserveOriginal list with more children fails with ErrTooLarge before
// any child is fetched. OpenShift has no such bound (SEMANTICS §8.4 has
// it fetch every child); it keeps one tag from fetching and holding
// thousands of images.
func TestPreserveOriginalChildrenBound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		limit    int // Options.MaxListChildren
		children int
		fail     bool // the tag fails with ErrTooLarge
	}{
		{name: "past the default bound", limit: 0, children: importer.DefaultMaxListChildren + 1, fail: true},
		{name: "negative means no bound", limit: -1, children: importer.DefaultMaxListChildren + 1},
		{name: "at the bound", limit: 3, children: 3},
		{name: "one past the bound", limit: 3, children: 4, fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, fakeregistry.Auth{})
			cfg := []byte(`{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z"}`)
			cd := f.PutBlob("ns/many", cfg)
			var descs []string
			for i := range tt.children {
				// Tiny children made distinct by a layer digest.
				m := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":%q,"size":1}]}`,
					cd, len(cfg), digest.FromString(fmt.Sprint(i)))
				d := f.PutManifest("ns/many", "", image.MediaTypeOCIManifest, []byte(m))
				descs = append(descs, fmt.Sprintf(`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"platform":{"os":"linux","architecture":"amd64"}}`, d, len(m)))
			}
			f.PutManifest("ns/many", "v1", image.MediaTypeOCIIndex, []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`+strings.Join(descs, ",")+`]}`))
			s := spec(f.host+"/ns/many:v1", "v1")
			s.ImportPolicy.ImportMode = image.ImportModePreserveOriginal
			got := run(t, f.importer(importer.Options{MaxListChildren: tt.limit}), nil, nil, s)[0]
			if !tt.fail {
				if got.Status.Status != image.StatusSuccess || len(got.Manifests) != tt.children {
					t.Errorf("status %+v with %d children, want success with %d", got.Status, len(got.Manifests), tt.children)
				}
				return
			}
			if got.Status.Reason != image.StatusReasonInternalError || !strings.Contains(got.Status.Message, importer.ErrTooLarge.Error()) || got.Image != nil || len(got.Manifests) != 0 {
				t.Errorf("result %+v, want an InternalError for ErrTooLarge and no images", got)
			}
			// Only the list itself was fetched.
			if diff := cmp.Diff(1, f.Count("GET", "")); diff != "" {
				t.Errorf("GET requests (-want +got):\n%s", diff)
			}
		})
	}
}

package importer_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// ExampleRegistryConfig imports a pinned image whose registry is never
// contacted: an ImageDigestMirrorSet with NeverContactSource sends the
// pull to a mirror, and the Image still names the source. Docker Hub is
// blocked outright; as in OpenShift, the message names the registry as
// written, none for "busybox".
func ExampleRegistryConfig() {
	mirror := fakeregistry.New(fakeregistry.Auth{})
	srv := httptest.NewUnstartedServer(mirror)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c := imagetest.ImageContent("example-mirror", imagetest.Options{})
	mirror.PutBlob("mirrored/app", c.Config)
	d := mirror.PutManifest("mirrored/app", "", c.MediaType, c.Manifest)
	host := strings.TrimPrefix(srv.URL, "https://")

	imp := importer.New(importer.Options{
		Transport: srv.Client().Transport,
		Registries: importer.RegistryConfig{
			BlockedRegistries: []string{"docker.io"},
			DigestMirrors: []importer.MirrorSet{{
				Source:             "registry.example.com/team",
				Mirrors:            []string{host + "/mirrored"},
				MirrorSourcePolicy: importer.NeverContactSource,
			}},
		},
	})
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{
		{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "registry.example.com/team/app@" + d.String()}},
		{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "busybox:latest"}},
	}}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		fmt.Println("import:", err)
		return
	}
	for _, st := range isi.Status.Images {
		if img := st.Image; img != nil {
			fmt.Println(st.Status.Status, img.DockerImageReference == "registry.example.com/team/app@"+d.String())
			continue
		}
		fmt.Println(st.Status.Reason, st.Status.Code, st.Status.Message)
	}
	fmt.Println(mirror.Count(http.MethodGet, d.String()), "manifest fetched from the mirror")
	// Output:
	// Success true
	// Forbidden 403 forbidden: registry  blocked
	// 1 manifest fetched from the mirror
}

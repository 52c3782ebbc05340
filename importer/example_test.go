package importer_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// Example imports two tags from a registry: one that exists and one that
// does not. Every image gets a result; a failure is a status, not an
// error.
func Example() {
	reg := fakeregistry.New(fakeregistry.Auth{})
	srv := httptest.NewUnstartedServer(reg)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // quiet on shutdown
	srv.StartTLS()
	defer srv.Close()
	c := imagetest.ImageContent("example", imagetest.Options{Schema2: true})
	reg.PutBlob("team/app", c.Config)
	reg.PutManifest("team/app", "1.0", c.MediaType, c.Manifest)
	host := strings.TrimPrefix(srv.URL, "https://")

	// The test server's certificate is self-signed: trust it explicitly
	// rather than importing insecurely.
	imp := importer.New(importer.Options{Transport: srv.Client().Transport})
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{Images: []image.ImageImportSpec{
		{From: image.ObjectReference{Kind: image.KindDockerImage, Name: host + "/team/app:1.0"}, To: &image.LocalObjectReference{Name: "stable"}},
		{From: image.ObjectReference{Kind: image.KindDockerImage, Name: host + "/team/app:2.0"}, To: &image.LocalObjectReference{Name: "next"}},
	}}}
	if err := imp.Import(context.Background(), isi, nil, nil); err != nil {
		fmt.Println("import:", err)
		return
	}
	for _, st := range isi.Status.Images {
		if img := st.Image; img != nil {
			fmt.Println(st.Tag, st.Status.Status, strings.Replace(img.DockerImageReference, host, "registry", 1)[:33], len(img.DockerImageLayers), "layers")
			continue
		}
		fmt.Println(st.Tag, st.Status.Reason, st.Status.Code, strings.Replace(st.Status.Message, host, "registry", 1))
	}
	// Output:
	// 1.0 Success registry/team/app@sha256:6e424ea0 2 layers
	// 2.0 NotFound 404 dockerimage.image.openshift.io "registry/team/app:2.0" not found
}

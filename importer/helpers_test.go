package importer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/opencontainers/go-digest"
)

// fake is a fake registry served over TLS with a client that trusts it.
type fake struct {
	*fakeregistry.Registry
	srv  *httptest.Server
	host string
}

func newFake(t testing.TB, auth fakeregistry.Auth) *fake {
	t.Helper()
	reg := fakeregistry.New(auth)
	srv := reg.StartTLS(t)
	return &fake{Registry: reg, srv: srv, host: strings.TrimPrefix(srv.URL, "https://")}
}

// importer returns an importer trusting f's certificate, with fast
// retries so that fault tests stay quick.
func (f *fake) importer(opts importer.Options) *importer.Importer {
	if opts.Transport == nil {
		opts.Transport = f.srv.Client().Transport
	}
	if opts.MaxRetryWait == 0 {
		opts.MaxRetryWait = 10 * time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return imagetest.Epoch }
	}
	if opts.RateLimits == (importer.RateLimits{}) {
		opts.RateLimits = importer.Unlimited()
	}
	return importer.New(opts)
}

// pushImage stores c in repo under tag and returns the manifest digest.
func (f *fake) pushImage(repo, tag string, c imagetest.Content) digest.Digest {
	f.PutBlob(repo, c.Config)
	for _, l := range c.Layers {
		f.PutBlob(repo, l)
	}
	return f.PutManifest(repo, tag, c.MediaType, c.Manifest)
}

// pushIndex stores ic and its children in repo, the index under tag.
func (f *fake) pushIndex(repo, tag string, ic imagetest.IndexContent) digest.Digest {
	for _, c := range ic.Children {
		f.pushImage(repo, "", c)
	}
	return f.PutManifest(repo, tag, ic.MediaType, ic.Index)
}

// spec is a spec.images entry importing from into tag to.
func spec(from, to string) image.ImageImportSpec {
	s := image.ImageImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: from}}
	if to != "" {
		s.To = &image.LocalObjectReference{Name: to}
	}
	return s
}

// run imports the given images with imp and returns the statuses.
func run(t testing.TB, imp *importer.Importer, stream *image.ImageStream, secrets []image.Secret, specs ...image.ImageImportSpec) []image.ImageImportStatus {
	t.Helper()
	isi := &image.ImageStreamImport{Spec: image.ImageStreamImportSpec{Images: specs}}
	if err := imp.Import(context.Background(), isi, stream, secrets); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(isi.Status.Images) != len(specs) {
		t.Fatalf("got %d results for %d images", len(isi.Status.Images), len(specs))
	}
	return isi.Status.Images
}

// wantImage is the Image imagetest builds for c, as imported from ref.
func wantImage(t testing.TB, c imagetest.Content, ref string) *image.Image {
	t.Helper()
	img, err := image.FromManifest(image.ManifestInput{Manifest: c.Manifest, MediaType: c.MediaType, Config: c.Config, Digest: c.ManifestDigest, Now: imagetest.Epoch})
	if err != nil {
		t.Fatal(err)
	}
	img.DockerImageReference = ref
	return img
}

// dockerConfigSecret is a kubernetes.io/dockerconfigjson secret.
func dockerConfigSecret(name, json string) image.Secret {
	return image.Secret{
		ObjectMeta: image.ObjectMeta{Name: name},
		Type:       image.SecretTypeDockerConfigJSON,
		Data:       map[string][]byte{image.DockerConfigJSONKey: []byte(json)},
	}
}

// v2Server is a TLS registry whose /v2/ answers as a v2 registry and
// whose other paths h serves; host is its host:port.
func v2Server(t testing.TB, h http.HandlerFunc) (srv *httptest.Server, host string) {
	t.Helper()
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		if r.URL.Path == "/v2/" {
			_, _ = w.Write([]byte("{}"))
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, strings.TrimPrefix(srv.URL, "https://")
}

// writeErrors answers with status and a distribution error body holding
// one error of code; an empty code sends no body.
func writeErrors(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if code != "" {
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": message}}})
	}
}

package fakeregistry_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

func Example() {
	reg := fakeregistry.New(fakeregistry.Auth{})
	d := reg.PutManifest("acme/app", "latest", "application/vnd.oci.image.manifest.v1+json", []byte(`{"schemaVersion":2}`))
	srv := httptest.NewServer(reg)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/v2/acme/app/manifests/latest")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Docker-Content-Digest") == d.String(), string(body))
	// Output: 200 true {"schemaVersion":2}
}

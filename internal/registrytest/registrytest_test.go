package registrytest_test

import (
	"net/http"
	"testing"

	"github.com/imagestreams/imagestreams/internal/registrytest"
)

func TestStart(t *testing.T) {
	tests := []struct {
		name string
		opts registrytest.Options
		// status of an anonymous GET /v2/
		want int
	}{
		{name: "plain HTTP", opts: registrytest.Options{}, want: http.StatusOK},
		{name: "TLS and htpasswd", opts: registrytest.Options{TLS: true, Auth: true}, want: http.StatusUnauthorized},
		{name: "in memory", opts: registrytest.Options{Memory: true}, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := registrytest.Start(t, tt.opts)
			resp, err := (&http.Client{Transport: r.Transport}).Get(r.URL + "/v2/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("GET /v2/ = %d, want %d", resp.StatusCode, tt.want)
			}
			// An authenticated push works, and the blob can be read back.
			d := r.PushBlob(t, "ns/app", []byte("hello"))
			req, _ := http.NewRequest(http.MethodHead, r.URL+"/v2/ns/app/blobs/"+d.String(), nil)
			if tt.opts.Auth {
				req.SetBasicAuth(registrytest.User, registrytest.Password)
			}
			resp, err = (&http.Client{Transport: r.Transport}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HEAD blob = %d", resp.StatusCode)
			}
			if _, err := r.CPUTime(); err != nil {
				t.Errorf("CPUTime: %v", err)
			}
		})
	}
}

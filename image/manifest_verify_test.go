package image_test

import (
	"errors"
	"testing"

	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
)

func TestManifestMatchesImage(t *testing.T) {
	s2 := mfFixture(t, "schema2-manifest.json")
	oci := mfFixture(t, "oci-manifest.json")
	s1 := mfFixture(t, "schema1-unsigned.json")
	list := mfFixture(t, "docker-list.json")
	named := func(b []byte, mediaType string) *image.Image {
		return &image.Image{ObjectMeta: image.ObjectMeta{Name: digest.FromBytes(b).String()}, DockerImageManifestMediaType: mediaType}
	}
	tests := []struct {
		name     string
		img      *image.Image
		manifest []byte
		want     bool
		wantIs   error // nil: no error expected
	}{
		{name: "schema2 same bytes", img: named(s2, image.MediaTypeDockerSchema2Manifest), manifest: s2, want: true},
		{name: "schema2 reformatted bytes", img: named(s2, image.MediaTypeDockerSchema2Manifest), manifest: append(append([]byte{}, s2...), ' '), want: false},
		{name: "OCI same bytes", img: named(oci, image.MediaTypeOCIManifest), manifest: oci, want: true},
		{name: "OCI manifest of another image", img: named(oci, image.MediaTypeOCIManifest), manifest: s2, want: false},
		{name: "schema1 re-signed", img: named(s1, image.MediaTypeDockerSchema1Manifest), manifest: mfSign(t, s1, 2), want: true},
		{name: "schema1 unsigned", img: named(s1, image.MediaTypeDockerSchema1Manifest), manifest: s1, want: true},
		{name: "schema1 with empty media type", img: named(s1, ""), manifest: mfSign(t, s1, 1), want: true},
		{name: "schema1 with other content", img: named(s1, image.MediaTypeDockerSchema1Manifest), manifest: mfReplace(t, s1, `"tag": "1.0"`, `"tag": "2.0"`), want: false},
		{name: "sha512 name", img: &image.Image{ObjectMeta: image.ObjectMeta{Name: digest.SHA512.FromBytes(s2).String()}, DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest}, manifest: s2, want: true},
		{name: "manifest list is unsupported", img: named(list, image.MediaTypeDockerSchema2ManifestList), manifest: list, wantIs: image.ErrUnsupportedManifest},
		{name: "name is not a digest", img: &image.Image{ObjectMeta: image.ObjectMeta{Name: "busybox"}, DockerImageManifestMediaType: image.MediaTypeOCIManifest}, manifest: oci, wantIs: image.ErrInvalidManifest},
		{name: "schema2 manifest is not JSON", img: named(s2, image.MediaTypeDockerSchema2Manifest), manifest: []byte("{"), wantIs: image.ErrInvalidManifest},
		{name: "schema1 manifest is not JSON", img: named(s1, image.MediaTypeDockerSchema1Manifest), manifest: []byte("{"), wantIs: image.ErrInvalidManifest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := image.ManifestMatchesImage(tc.img, tc.manifest)
			if tc.wantIs != nil {
				if !errors.Is(err, tc.wantIs) {
					t.Errorf("error %v, want %v", err, tc.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("ManifestMatchesImage: %v", err)
			}
			if got != tc.want {
				t.Errorf("ManifestMatchesImage = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConfigMatchesImage(t *testing.T) {
	s2 := string(mfFixture(t, "schema2-manifest.json"))
	cfg := mfFixture(t, "schema2-config.json")
	tests := []struct {
		name   string
		img    *image.Image
		config []byte
		want   bool
		wantIs error
	}{
		{name: "schema2 config", img: &image.Image{DockerImageManifest: s2, DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest}, config: cfg, want: true},
		{name: "OCI media type", img: &image.Image{DockerImageManifest: s2, DockerImageManifestMediaType: image.MediaTypeOCIManifest}, config: cfg, want: true},
		{name: "other config", img: &image.Image{DockerImageManifest: s2, DockerImageManifestMediaType: image.MediaTypeDockerSchema2Manifest}, config: []byte("{}"), want: false},
		{name: "schema1 has no config", img: &image.Image{DockerImageManifest: s2, DockerImageManifestMediaType: image.MediaTypeDockerSchema1Manifest}, config: cfg, want: false},
		{name: "manifest is not JSON", img: &image.Image{DockerImageManifest: "{", DockerImageManifestMediaType: image.MediaTypeOCIManifest}, config: cfg, wantIs: image.ErrInvalidManifest},
		{name: "config digest is not a digest", img: &image.Image{DockerImageManifest: `{"config":{"digest":"md5"}}`, DockerImageManifestMediaType: image.MediaTypeOCIManifest}, config: cfg, wantIs: image.ErrInvalidManifest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := image.ConfigMatchesImage(tc.img, tc.config)
			if tc.wantIs != nil {
				if !errors.Is(err, tc.wantIs) {
					t.Errorf("error %v, want %v", err, tc.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("ConfigMatchesImage: %v", err)
			}
			if got != tc.want {
				t.Errorf("ConfigMatchesImage = %v, want %v", got, tc.want)
			}
		})
	}
}

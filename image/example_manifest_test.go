package image_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
)

// ExampleFromManifest builds the Image OpenShift's importer would create
// for an OCI image manifest and its config.
func ExampleFromManifest() {
	config := []byte(`{"architecture":"amd64","os":"linux","created":"2024-04-30T10:12:55Z","config":{"Cmd":["/bin/sh"]}}`)
	manifest := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",`+
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},`+
		`"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:c52e79bdd6efd72327ba8c7c2cfd36ddcf52968a3e1c334fb97d8036d6aee25b","size":1000}]}`,
		digest.FromBytes(config), len(config)))

	img, err := image.FromManifest(image.ManifestInput{
		Manifest:  manifest,
		MediaType: "application/vnd.oci.image.manifest.v1+json",
		Config:    config,
		Digest:    digest.FromBytes(manifest), // the digest the manifest was pulled by
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("name is the manifest digest:", img.Name == digest.FromBytes(manifest).String())
	fmt.Println("Id is the config digest:", img.DockerImageMetadata.ID == digest.FromBytes(config).String())
	fmt.Println("layers:", len(img.DockerImageLayers), img.Annotations[image.DockerImageLayersOrderAnnotation])
	fmt.Println("size = config + layers:", img.DockerImageMetadata.Size == int64(len(config))+1000)
	fmt.Println("cmd:", img.DockerImageMetadata.Config.Cmd)

	// A manifest that does not hash to the requested digest is refused.
	_, err = image.FromManifest(image.ManifestInput{Manifest: manifest, Config: config, Digest: digest.FromString("other")})
	fmt.Println("mismatch:", errors.Is(err, image.ErrDigestMismatch))
	// Output:
	// name is the manifest digest: true
	// Id is the config digest: true
	// layers: 1 ascending
	// size = config + layers: true
	// cmd: [/bin/sh]
	// mismatch: true
}

// ExampleFromManifest_manifestList shows a manifest list imported with
// importMode PreserveOriginal: one Image for the list, with its children.
func ExampleFromManifest_manifestList() {
	list := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
	 {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":528,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","platform":{"architecture":"amd64","os":"linux"}},
	 {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":528,"digest":"sha256:c79d06dfdfd3d3eb04cafd0dc2bacab0992ebc243e083cabe208bac4dd7759e0","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}`)
	img, err := image.FromManifest(image.ManifestInput{Manifest: list, Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.DockerImageManifestMediaType)
	for _, m := range img.DockerImageManifests {
		fmt.Println(m.OS, m.Architecture, m.Variant, m.Digest[:19])
	}
	fmt.Println("created:", img.DockerImageMetadata.Created.Format(time.RFC3339), "layers:", len(img.DockerImageLayers))
	// Output:
	// application/vnd.docker.distribution.manifest.list.v2+json
	// linux amd64  sha256:5b0bcabd1ed2
	// linux arm64 v8 sha256:c79d06dfdfd3
	// created: 2026-01-02T03:04:05Z layers: 0
}

// ExampleSelectManifest picks the child a Legacy import uses: the
// preferred platform, else linux/amd64, else the first child.
func ExampleSelectManifest() {
	children := []ocispec.Descriptor{
		{Digest: "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", Platform: &ocispec.Platform{OS: "linux", Architecture: "x86_64"}},
		{Digest: "sha256:c79d06dfdfd3d3eb04cafd0dc2bacab0992ebc243e083cabe208bac4dd7759e0", Platform: &ocispec.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
	}
	for _, prefer := range [][2]string{{"linux", "aarch64"}, {"linux", "s390x"}} {
		i, err := image.SelectManifest(children, prefer[0], prefer[1])
		fmt.Println(prefer, "->", i, err)
	}
	_, err := image.SelectManifest(nil, "linux", "amd64")
	fmt.Println(err)
	// Output:
	// [linux aarch64] -> 1 <nil>
	// [linux s390x] -> 0 <nil>
	// no manifests in manifest list
}

func ExampleNormalizePlatform() {
	for _, p := range []ocispec.Platform{
		{OS: "Linux", Architecture: "x86_64", Variant: "v1"},
		{OS: "linux", Architecture: "aarch64", Variant: "8"},
		{OS: "linux", Architecture: "armhf"},
		{OS: "linux", Architecture: "arm"},
		{OS: "linux", Architecture: "i386"},
	} {
		n := image.NormalizePlatform(p)
		fmt.Printf("%s/%s/%s -> %s/%s/%s\n", p.OS, p.Architecture, p.Variant, n.OS, n.Architecture, n.Variant)
	}
	// Output:
	// Linux/x86_64/v1 -> linux/amd64/
	// linux/aarch64/8 -> linux/arm64/
	// linux/armhf/ -> linux/arm/v7
	// linux/arm/ -> linux/arm/v7
	// linux/i386/ -> linux/386/
}

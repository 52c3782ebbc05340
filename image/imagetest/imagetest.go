package imagetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/imagestreams/imagestreams/image"
)

// Epoch is the time every fixture is created at unless an option says
// otherwise, so that fixtures are byte-identical from run to run.
var Epoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// Content is an image as a registry serves it: a manifest, its config
// blob and its layer blobs, all with their digests.
type Content struct {
	Manifest       []byte
	ManifestDigest digest.Digest
	MediaType      string
	Config         []byte
	ConfigDigest   digest.Digest
	// Layers are the layer blobs, base first.
	Layers [][]byte
}

// Options tune the fixtures built by Image, ImageContent and Index.
type Options struct {
	// Layers is the number of layers; 0 means 2.
	Layers int
	// LayerSize is the size of each layer blob in bytes; 0 means 64.
	// Layers differ from one another unless it is only a few bytes.
	LayerSize int
	// Platform is the image's platform; zero means linux/amd64.
	Platform ocispec.Platform
	// Schema2 builds a Docker schema 2 manifest instead of an OCI one.
	Schema2 bool
	// Created is the config's creation time; zero means Epoch.
	Created time.Time
	// Labels are put in the config.
	Labels map[string]string
}

func (o Options) withDefaults() Options {
	if o.Layers <= 0 {
		o.Layers = 2
	}
	if o.LayerSize <= 0 {
		o.LayerSize = 64
	}
	if o.Platform.OS == "" && o.Platform.Architecture == "" {
		o.Platform = ocispec.Platform{OS: "linux", Architecture: "amd64"}
	}
	if o.Created.IsZero() {
		o.Created = Epoch
	}
	return o
}

// ImageContent returns the registry content of an image derived from
// seed: the same seed and options always give the same bytes, and
// different seeds give different layers and digests.
func ImageContent(seed string, opts Options) Content {
	o := opts.withDefaults()
	mediaType, configType, layerType := ocispec.MediaTypeImageManifest, ocispec.MediaTypeImageConfig, ocispec.MediaTypeImageLayerGzip
	if o.Schema2 {
		mediaType, configType, layerType = image.MediaTypeDockerSchema2Manifest, image.MediaTypeDockerSchema2Config, image.MediaTypeDockerSchema2Layer
	}
	c := Content{MediaType: mediaType}
	var descs []ocispec.Descriptor
	var diffIDs []digest.Digest
	for i := range o.Layers {
		label := fmt.Sprintf("%s/%s/layer-%d;", seed, platformString(o.Platform), i)
		if len(label) > o.LayerSize {
			// Cut to LayerSize, the label would lose the platform and
			// index that set layers apart; its hash keeps them.
			label = digest.FromString(label).Encoded() + ";"
		}
		blob := []byte(strings.Repeat(label, o.LayerSize/len(label)+1)[:o.LayerSize])
		c.Layers = append(c.Layers, blob)
		descs = append(descs, ocispec.Descriptor{MediaType: layerType, Digest: digest.FromBytes(blob), Size: int64(len(blob))})
		diffIDs = append(diffIDs, digest.FromBytes(blob))
	}
	created := o.Created.UTC()
	cfg := ocispec.Image{
		Created:  &created,
		Author:   "imagetest",
		Platform: o.Platform,
		Config: ocispec.ImageConfig{
			User:       "1001",
			Env:        []string{"PATH=/usr/local/bin:/usr/bin:/bin", "FIXTURE=" + seed},
			Entrypoint: []string{"/entrypoint.sh"},
			Cmd:        []string{"run"},
			WorkingDir: "/srv",
			Labels:     o.Labels,
			ExposedPorts: map[string]struct{}{
				"8080/tcp": {},
			},
		},
		RootFS: ocispec.RootFS{Type: "layers", DiffIDs: diffIDs},
	}
	c.Config = mustJSON(cfg)
	c.ConfigDigest = digest.FromBytes(c.Config)
	m := ocispec.Manifest{
		MediaType: mediaType,
		Config:    ocispec.Descriptor{MediaType: configType, Digest: c.ConfigDigest, Size: int64(len(c.Config))},
		Layers:    descs,
	}
	m.SchemaVersion = 2
	c.Manifest = mustJSON(m)
	c.ManifestDigest = digest.FromBytes(c.Manifest)
	return c
}

// Image returns the Image OpenShift would create for ImageContent(seed,
// opts), with dockerImageReference "registry.example.com/fixtures/<seed>@<digest>"
// (the seed lower-cased, other characters than letters and digits
// replaced by "-", and cut to 200 bytes with a hash if longer).
func Image(seed string, opts Options) *image.Image {
	c := ImageContent(seed, opts)
	img, err := image.FromManifest(image.ManifestInput{Manifest: c.Manifest, MediaType: c.MediaType, Config: c.Config, Digest: c.ManifestDigest, Now: Epoch})
	if err != nil {
		panic("imagetest: fixture does not build: " + err.Error()) // a bug in this package, not in the caller
	}
	img.DockerImageReference = "registry.example.com/fixtures/" + repoName(seed) + "@" + img.Name
	img.CreationTimestamp = image.NewTime(Epoch)
	return img
}

// IndexContent is a manifest list and the content of every child.
type IndexContent struct {
	Index     []byte
	Digest    digest.Digest
	MediaType string
	Children  []Content
}

// Index returns an OCI image index (or, with opts.Schema2, a Docker
// manifest list) over one child per platform, such as "linux/amd64",
// "linux/arm64/v8" or "linux/arm/v7". Each child is ImageContent(seed,
// opts) with opts.Platform set to ParsePlatform(platform); the platform
// is part of the layer content, so children differ. A platform without
// an OS or an architecture would give a list that does not validate, so
// it panics, as a bug in the test.
func Index(seed string, opts Options, platforms ...string) IndexContent {
	mediaType := ocispec.MediaTypeImageIndex
	if opts.Schema2 {
		mediaType = image.MediaTypeDockerSchema2ManifestList
	}
	ic := IndexContent{MediaType: mediaType}
	idx := ocispec.Index{MediaType: mediaType}
	idx.SchemaVersion = 2
	for _, p := range platforms {
		o := opts
		o.Platform = ParsePlatform(p)
		if o.Platform.OS == "" || o.Platform.Architecture == "" {
			panic(fmt.Sprintf("imagetest: Index: platform %q is not os/arch[/variant]", p))
		}
		c := ImageContent(seed, o)
		ic.Children = append(ic.Children, c)
		plat := o.Platform
		idx.Manifests = append(idx.Manifests, ocispec.Descriptor{MediaType: c.MediaType, Digest: c.ManifestDigest, Size: int64(len(c.Manifest)), Platform: &plat})
	}
	ic.Index = mustJSON(idx)
	ic.Digest = digest.FromBytes(ic.Index)
	return ic
}

// ListImage returns the Images of Index(seed, opts, platforms...) as a
// PreserveOriginal import creates them: the list, then each child.
func ListImage(seed string, opts Options, platforms ...string) (list *image.Image, children []*image.Image) {
	ic := Index(seed, opts, platforms...)
	list, err := image.FromManifest(image.ManifestInput{Manifest: ic.Index, MediaType: ic.MediaType, Digest: ic.Digest, Now: Epoch})
	if err != nil {
		panic("imagetest: fixture does not build: " + err.Error())
	}
	repo := "registry.example.com/fixtures/" + repoName(seed)
	list.DockerImageReference = repo + "@" + list.Name
	list.CreationTimestamp = image.NewTime(Epoch)
	for _, c := range ic.Children {
		img, err := image.FromManifest(image.ManifestInput{Manifest: c.Manifest, MediaType: c.MediaType, Config: c.Config, Digest: c.ManifestDigest, Now: Epoch})
		if err != nil {
			panic("imagetest: fixture does not build: " + err.Error())
		}
		img.DockerImageReference = repo + "@" + img.Name
		img.CreationTimestamp = image.NewTime(Epoch)
		children = append(children, img)
	}
	return list, children
}

// ParsePlatform parses "os/arch[/variant]"; a malformed string gives a
// platform with only OS set to it, which Index rejects.
func ParsePlatform(s string) ocispec.Platform {
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 2:
		return ocispec.Platform{OS: parts[0], Architecture: parts[1]}
	case 3:
		return ocispec.Platform{OS: parts[0], Architecture: parts[1], Variant: parts[2]}
	}
	return ocispec.Platform{OS: s}
}

func platformString(p ocispec.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// maxRepoName bounds repoName so that "registry.example.com/fixtures/"
// plus the name stays well within the 255 characters a repository name
// may have.
const maxRepoName = 200

// repoName turns a seed into a valid repository path component. A long
// seed is cut and gets a short hash of the whole seed, so that seeds
// sharing a long prefix still name different repositories.
func repoName(seed string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(seed) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "image"
	}
	if len(s) > maxRepoName {
		s = strings.TrimRight(s[:maxRepoName-9], "-") + "-" + digest.FromString(seed).Encoded()[:8]
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("imagetest: " + err.Error())
	}
	return b
}

package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/imagestreams/imagestreams/image/imagetest"
)

// platforms are those of the multi-arch list; the Legacy import picks one.
var platforms = []string{"linux/amd64", "linux/arm64/v8", "linux/ppc64le"}

// demoContent is what -push uploads, built by image/imagetest so that its
// digests are the same on every run.
type demoContent struct {
	// app is pushed to <path>/app: tags v1 and v2, and latest = v2.
	v1, v2 imagetest.Content
	// list is pushed to <path>/multiarch:v1, its children by digest.
	list imagetest.IndexContent
}

func newDemoContent() demoContent {
	return demoContent{
		v1:   imagetest.ImageContent("app-v1", imagetest.Options{Layers: 3, Schema2: true}),
		v2:   imagetest.ImageContent("app-v2", imagetest.Options{Layers: 3}),
		list: imagetest.Index("multiarch", imagetest.Options{}, platforms...),
	}
}

// uploads lists what to push, in an order a registry accepts: blobs before
// the manifests that name them, children before their list.
func (c demoContent) uploads(path string) []upload {
	var ups []upload
	image := func(repo, tag string, ic imagetest.Content) {
		ups = append(ups, upload{repo: repo, mediaType: "application/octet-stream", data: ic.Config})
		for _, l := range ic.Layers {
			ups = append(ups, upload{repo: repo, mediaType: "application/octet-stream", data: l})
		}
		ups = append(ups, upload{repo: repo, manifest: true, tag: tag, mediaType: ic.MediaType, data: ic.Manifest})
	}
	app := path + "/app"
	image(app, "v1", c.v1)
	image(app, "v2", c.v2)
	ups = append(ups, upload{repo: app, manifest: true, tag: "latest", mediaType: c.v2.MediaType, data: c.v2.Manifest})
	multi := path + "/multiarch"
	for _, child := range c.list.Children {
		image(multi, "", child)
	}
	ups = append(ups, upload{repo: multi, manifest: true, tag: "v1", mediaType: c.list.MediaType, data: c.list.Index})
	return ups
}

// upload is one blob or manifest to push.
type upload struct {
	repo      string
	manifest  bool
	tag       string // manifests only; empty pushes by digest
	mediaType string
	data      []byte
}

// push uploads c under path on the registry at host with oras-go, as any
// client would. Content already there is skipped, so pushing twice is
// harmless. plainHTTP talks HTTP instead of HTTPS, for a local registry.
func push(ctx context.Context, host, path string, plainHTTP bool, c demoContent) error {
	for _, up := range c.uploads(path) {
		repo := &remote.Repository{Reference: registry.Reference{Registry: host, Repository: up.repo}, PlainHTTP: plainHTTP}
		desc := ocispec.Descriptor{MediaType: up.mediaType, Digest: digest.FromBytes(up.data), Size: int64(len(up.data))}
		var err error
		switch {
		case !up.manifest:
			var exists bool
			if exists, err = repo.Blobs().Exists(ctx, desc); err == nil && !exists {
				err = repo.Blobs().Push(ctx, desc, bytes.NewReader(up.data))
			}
		case up.tag == "":
			err = repo.Manifests().Push(ctx, desc, bytes.NewReader(up.data))
		default:
			err = repo.Manifests().PushReference(ctx, desc, bytes.NewReader(up.data), up.tag)
		}
		if err != nil {
			return fmt.Errorf("pushing %s to %s/%s: %w", desc.Digest, host, up.repo, err)
		}
	}
	return nil
}

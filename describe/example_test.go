package describe_test

import (
	"os"
	"time"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

// The stream of the documentation's `oc describe is/python` (seed §6.7.1):
// one tag imported from Docker Hub a minute ago.
func ExampleImageStream() {
	created := image.Date(2017, time.October, 2, 17, 5, 11)
	digest := "sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25"
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "python", Namespace: "default", CreationTimestamp: created},
		Spec: image.ImageStreamSpec{Tags: []image.TagReference{{
			Name: "3.5", From: &image.ObjectReference{Kind: image.KindDockerImage, Name: "centos/python-35-centos7"},
		}}},
		Status: image.ImageStreamStatus{
			DockerImageRepository: "docker-registry.default.svc:5000/default/python",
			Tags: []image.NamedTagEventList{{Tag: "3.5", Items: []image.TagEvent{{
				Created: created, DockerImageReference: "centos/python-35-centos7@" + digest, Image: digest,
			}}}},
		},
	}
	now := created.Add(79 * time.Second) // time.Now() outside tests
	if err := describe.ImageStream(os.Stdout, is, now); err != nil {
		panic(err)
	}
	// Output:
	// Name:			python
	// Namespace:		default
	// Created:		About a minute ago
	// Labels:			<none>
	// Annotations:		<none>
	// Docker Pull Spec:	docker-registry.default.svc:5000/default/python
	// Image Lookup:		local=false
	// Unique Images:		1
	// Tags:			1
	//
	// 3.5
	//   tagged from centos/python-35-centos7
	//
	//   * centos/python-35-centos7@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25
	//       About a minute ago
}

// An ImageStreamTag as the API returns it, with its image's config.
func ExampleImageStreamTag() {
	now := time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)
	ist := &image.ImageStreamTag{
		ObjectMeta: image.ObjectMeta{Name: "ruby:latest", Namespace: "demo"},
		Image: image.Image{
			ObjectMeta:           image.ObjectMeta{Name: "sha256:05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f", CreationTimestamp: image.NewTime(now.Add(-3 * time.Hour))},
			DockerImageReference: "quay.io/acme/ruby@sha256:05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f",
			DockerImageLayers: []image.ImageLayer{
				{Name: "sha256:2a0e0b16e2d1a0c1c9ba4cbb0c3c6c4bdc2a3d3c8b7f0cbb7a2f4f6e0d1c2b3a", LayerSize: 79_750_000},
				{Name: "sha256:9b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", LayerSize: 152_100_000},
			},
			DockerImageMetadata: image.DockerImage{
				Created: image.NewTime(now.Add(-15 * 24 * time.Hour)), Architecture: "arm64", Size: 231_854_000,
				Config: &image.DockerConfig{
					User: "1001", WorkingDir: "/opt/app-root/src", Cmd: []string{"/bin/bash"},
					ExposedPorts: map[string]struct{}{"8080/tcp": {}, "8443/tcp": {}},
					Env:          []string{"HOME=/opt/app-root/src"},
				},
			},
		},
	}
	if err := describe.ImageStreamTag(os.Stdout, ist, now); err != nil {
		panic(err)
	}
	// Output:
	// Image Name:	sha256:05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f
	// Docker Image:	quay.io/acme/ruby@sha256:05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f
	// Name:		sha256:05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f
	// Created:	3 hours ago
	// Image Size:	231.9 MB in 2 layers (first layer 79.75 MB, last binary layer 152.1 MB)
	// Image Created:	2 weeks ago
	// Author:		<none>
	// Arch:		arm64
	// Command:	/bin/bash
	// Working Dir:	/opt/app-root/src
	// User:		1001
	// Exposes Ports:	8080/tcp, 8443/tcp
	// Docker Labels:	<none>
	// Environment:	HOME=/opt/app-root/src
}

func ExampleHumanSize() {
	for _, n := range []int64{512, 2_898_000, 251_200_000} {
		os.Stdout.WriteString(describe.HumanSize(n) + "\n")
	}
	// Output:
	// 512 B
	// 2.898 MB
	// 251.2 MB
}

// A multi-arch manifest list, as a PreserveOriginal import stores it:
// no layers or config of its own, one child per platform.
func ExampleImage() {
	list, _ := imagetest.ListImage("web", imagetest.Options{}, "linux/amd64", "linux/arm64/v8")
	if err := describe.Image(os.Stdout, list, imagetest.Epoch.Add(3*time.Hour)); err != nil {
		panic(err)
	}
	// Output:
	// Docker Image:	registry.example.com/fixtures/web@sha256:e3dea60e51ba13948275ce07191552c18e09e15aa82807a87412b90397d470c7
	// Name:		sha256:e3dea60e51ba13948275ce07191552c18e09e15aa82807a87412b90397d470c7
	// Created:	3 hours ago
	// Image Size:	<none> (manifest list of 2 images)
	// Image Created:	3 hours ago
	// Author:		<none>
	// Arch:		<none>
	// Manifests:	linux/amd64	sha256:c579ac257a9643022a3ba16de166a0d9f02ecdba754db82ac5aae445149904fe
	// 		linux/arm64/v8	sha256:6aaba73f2689ff3375a682e461ad9c64ee1085a678ec034c02439bd8799d97bf
}

package imagestreams_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Example decodes a stream as `oc get is -o yaml` prints it, validates it
// and reads its newest image.
func Example() {
	data := []byte(`
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ruby
  namespace: demo
spec:
  tags:
  - name: latest
    from:
      kind: DockerImage
      name: ruby
status:
  dockerImageRepository: ""
  tags:
  - tag: latest
    items:
    - created: "2024-05-14T09:00:00Z"
      dockerImageReference: docker.io/library/ruby@sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
      image: sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
      generation: 1
`)
	obj, err := image.Decode(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	is := obj.(*image.ImageStream)

	// Validation does not default: the tag has no referencePolicy yet.
	var inv *image.InvalidError
	if errors.As(image.ValidateImageStream(is), &inv) {
		for _, fe := range inv.Errs {
			fmt.Println(fe)
		}
	}
	image.SetDefaults(is)
	fmt.Println("valid after defaulting:", image.ValidateImageStream(is) == nil)

	imagestream.Normalize(is)
	latest := imagestream.LatestTaggedImage(is, "latest")
	ref, _ := reference.Parse(latest.DockerImageReference)
	fmt.Println(ref.DaemonMinimal().Exact())
	// Output:
	// spec.tags[latest].referencePolicy.type: Invalid value: "": valid values are "Source", "Local"
	// valid after defaulting: true
	// docker.io/ruby@sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
}

// Example_push is the README tour's push, kept in step with it: a
// mapping as the integrated registry sends it, with an image built by
// image.FromManifest, which leaves dockerImageReference empty. The
// service's registry hostname lets the mapping default it (SEMANTICS
// §6.1); without one, the mapping is invalid.
func Example_push() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the watch
	c := imagetest.ImageContent("ruby", imagetest.Options{})
	img, err := image.FromManifest(image.ManifestInput{Manifest: c.Manifest, MediaType: c.MediaType, Config: c.Config, Digest: c.ManifestDigest})
	if err != nil {
		fmt.Println(err)
		return
	}

	svc := imagestream.NewService(memory.New(), // or bolt.Open(...), etcd.New(...)
		imagestream.WithRegistryHostname("image-registry.openshift-image-registry.svc:5000", ""))
	if _, err := svc.ImageStreams("demo").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby"}}); err != nil {
		fmt.Println(err)
		return
	}
	_, err = svc.ImageStreamMappings("demo").Create(ctx, &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Name: "ruby", Namespace: "demo"},
		Tag:        "latest",
		// e.g. from image.FromManifest or imagetest.Image; without a
		// dockerImageReference the image gets <registry>/demo/ruby@<digest>.
		Image: *img,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	changes, err := svc.WatchTags(ctx, "demo", imagestream.WatchOptions{}) // react to new images, like image change triggers
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = changes // reports the pushes after this one; see imagestream.ExampleService_WatchTags

	is, err := svc.ImageStreams("demo").Get(ctx, "ruby")
	if err != nil {
		fmt.Println(err)
		return
	}
	ev := imagestream.LatestTaggedImage(is, "latest")
	fmt.Println(ev.DockerImageReference == "image-registry.openshift-image-registry.svc:5000/demo/ruby@"+img.Name)
	// Output: true
}

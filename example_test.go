package imagestreams_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
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

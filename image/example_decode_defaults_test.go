package image_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
)

// Decode reads JSON or YAML and picks the Go type from kind. It applies
// no defaults; SetDefaults fills them in as OpenShift does on decode.
func ExampleDecode() {
	obj, err := image.Decode([]byte(`
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ruby
  namespace: demo
spec:
  tags:
  - name: "3.3"
    from:
      kind: DockerImage
      name: quay.io/fedora/ruby-33:latest
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	is := obj.(*image.ImageStream)
	tag := &is.Spec.Tags[0]
	fmt.Printf("before: importMode=%q referencePolicy=%q\n", tag.ImportPolicy.ImportMode, tag.ReferencePolicy.Type)
	image.SetDefaults(is)
	fmt.Printf("after:  importMode=%q referencePolicy=%q\n", tag.ImportPolicy.ImportMode, tag.ReferencePolicy.Type)
	// Output:
	// before: importMode="" referencePolicy=""
	// after:  importMode="Legacy" referencePolicy="Source"
}

// Unknown fields are errors, so a typo is never silently dropped.
func ExampleDecode_unknownField() {
	_, err := image.Decode([]byte(`{"apiVersion":"image.openshift.io/v1","kind":"ImageStream","metadata":{"name":"ruby"},"spec":{"tag":[]}}`))
	var de *image.DecodeError
	fmt.Println(errors.As(err, &de), err)
	// Output:
	// true decode ImageStream: field spec.tag: json: unknown field "tag"
}

// DecodeInto takes the kind from the Go type, so kind and apiVersion may
// be left out. Defaulting an import names the target tag after the
// source's tag; a source without a tag is only reported.
func ExampleDecodeInto() {
	var isi image.ImageStreamImport
	err := image.DecodeInto([]byte(`{
  "metadata": {"name": "tools", "namespace": "demo"},
  "spec": {"import": true, "images": [
    {"from": {"kind": "DockerImage", "name": "busybox:1.36"}},
    {"from": {"kind": "DockerImage", "name": "busybox"}}
  ]}
}`), &isi)
	if err != nil {
		fmt.Println(err)
		return
	}
	image.SetDefaults(&isi)
	for _, spec := range isi.Spec.Images {
		if spec.To == nil {
			fmt.Printf("%s: report only\n", spec.From.Name)
			continue
		}
		fmt.Printf("%s: into tag %s\n", spec.From.Name, spec.To.Name)
	}
	// Output:
	// busybox:1.36: into tag 1.36
	// busybox: report only
}

func ExampleEncode() {
	data, err := image.Encode(&image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby", Namespace: "demo"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(data))
	// Output:
	// {"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"ruby","namespace":"demo","creationTimestamp":null},"spec":{"lookupPolicy":{"local":false}},"status":{"dockerImageRepository":""}}
}

func ExamplePrioritizeTags() {
	tags := []string{"other", "latest", "v5.5", "5.2.3", "5.5", "v5.3.6-bother", "5.3.6-abba", "5.6"}
	image.PrioritizeTags(tags)
	fmt.Println(tags)
	// Output:
	// [latest 5.6 5.5 v5.5 v5.3.6-bother 5.3.6-abba 5.2.3 other]
}

func ExampleSplitImageStreamTag() {
	for _, s := range []string{"ruby:3.3", "ruby", "ruby:"} {
		name, tag, ok := image.SplitImageStreamTag(s)
		fmt.Println(name, tag, ok, image.JoinImageStreamTag(name, tag))
	}
	// Output:
	// ruby 3.3 true ruby:3.3
	// ruby latest false ruby:latest
	// ruby latest true ruby:latest
}

// An ImageStreamMapping without a name keeps OpenShift's QUIRK: the
// missing name is also reported as a missing dockerImageRepository, a
// field of the internal type that the wire format lacks.
func ExampleValidateImageStreamMapping() {
	m := &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Namespace: "demo"},
		Tag:        "latest",
		Image: image.Image{
			ObjectMeta:           image.ObjectMeta{Name: "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"},
			DockerImageReference: "quay.io/demo/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
		},
	}
	var invalid *image.InvalidError
	if errors.As(image.ValidateImageStreamMapping(m), &invalid) {
		for _, fe := range invalid.Errs {
			fmt.Println(fe)
		}
	}
	// Output:
	// metadata.name: Required value: name or generateName is required
	// name: Required value
	// dockerImageRepository: Required value
}

func ExampleValidateImage() {
	img := &image.Image{ObjectMeta: image.ObjectMeta{Name: "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"}}
	fmt.Println(image.ValidateImage(img))
	img.DockerImageReference = "quay.io/demo/app@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
	fmt.Println(image.ValidateImage(img))
	// Output:
	// Image.image.openshift.io "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25" is invalid: dockerImageReference: Required value
	// <nil>
}

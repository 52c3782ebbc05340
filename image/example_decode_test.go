package image_test

import (
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
)

// `oc get is -o json` without a name, or `oc get is,istag -o json`,
// prints a List whose items name their own kinds. Decode returns it as a
// *List of the decoded items, and Encode writes it back in that shape.
func ExampleDecode_list() {
	out := []byte(`{
    "apiVersion": "v1",
    "kind": "List",
    "metadata": {"resourceVersion": ""},
    "items": [
        {"apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
         "metadata": {"name": "ruby", "namespace": "demo"}},
        {"apiVersion": "image.openshift.io/v1", "kind": "ImageStreamTag",
         "metadata": {"name": "ruby:latest", "namespace": "demo"}, "lookupPolicy": {"local": false}}
    ]
}`)
	obj, err := image.Decode(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, item := range obj.(*image.List).Items {
		switch o := item.(type) {
		case *image.ImageStream:
			fmt.Println("stream", o.Namespace+"/"+o.Name)
		case *image.ImageStreamTag:
			fmt.Println("tag", o.Namespace+"/"+o.Name)
		}
	}

	// An item of another API is refused, and the error names the item.
	_, err = image.Decode([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod"}]}`))
	var de *image.DecodeError
	if errors.As(err, &de) && errors.Is(err, image.ErrUnknownKind) {
		fmt.Println(de.Field+":", err)
	}

	empty, err := image.Encode(&image.List{Items: []image.Object{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(empty))
	// Output:
	// stream demo/ruby
	// tag demo/ruby:latest
	// items[0]: decode List: field items[0]: unknown kind "Pod"
	// {"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":""},"items":[]}
}

package image_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// TestSetDefaultsTagReferences checks that SEMANTICS §2.1 holds for every
// kind that carries a TagReference: the defaults are applied on decode of
// every v1 object, so list items are defaulted like a single
// ImageStreamTag or ImageTag. Items without a tag must not panic.
func TestSetDefaultsTagReferences(t *testing.T) {
	want := image.TagReference{
		Name:            "latest",
		ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
		ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
	}
	tr := func() *image.TagReference { return &image.TagReference{Name: "latest"} }
	tests := []struct {
		name string
		obj  image.Object
		tag  func(image.Object) *image.TagReference
	}{
		{
			"ImageStream",
			&image.ImageStream{Spec: image.ImageStreamSpec{Tags: []image.TagReference{*tr()}}},
			func(o image.Object) *image.TagReference { return &o.(*image.ImageStream).Spec.Tags[0] },
		},
		{
			"ImageStreamTag",
			&image.ImageStreamTag{Tag: tr()},
			func(o image.Object) *image.TagReference { return o.(*image.ImageStreamTag).Tag },
		},
		{
			"ImageStreamTagList",
			&image.ImageStreamTagList{Items: []image.ImageStreamTag{{}, {Tag: tr()}}},
			func(o image.Object) *image.TagReference { return o.(*image.ImageStreamTagList).Items[1].Tag },
		},
		{
			"ImageTag",
			&image.ImageTag{Spec: tr()},
			func(o image.Object) *image.TagReference { return o.(*image.ImageTag).Spec },
		},
		{
			"ImageTagList",
			&image.ImageTagList{Items: []image.ImageTag{{}, {Spec: tr()}}},
			func(o image.Object) *image.TagReference { return o.(*image.ImageTagList).Items[1].Spec },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			image.SetDefaults(tt.obj)
			if diff := cmp.Diff(want, *tt.tag(tt.obj)); diff != "" {
				t.Errorf("defaulted tag (-want +got):\n%s", diff)
			}
		})
	}
}

package image_test

import (
	"fmt"
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
			"List",
			&image.List{Items: []image.Object{&image.Image{}, &image.ImageTag{Spec: tr()}}},
			func(o image.Object) *image.TagReference { return o.(*image.List).Items[1].(*image.ImageTag).Spec },
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

// TestDefaulterImportMode checks SEMANTICS §2.1: the configured import
// mode replaces DefaultImportMode only when it is Legacy or
// PreserveOriginal; any other value leaves Legacy in force, so that
// defaulted tags stay valid (§3.4).
func TestDefaulterImportMode(t *testing.T) {
	tests := []struct {
		configured image.ImportModeType
		want       image.ImportModeType
	}{
		{"", image.ImportModeLegacy},
		{image.ImportModeLegacy, image.ImportModeLegacy},
		{image.ImportModePreserveOriginal, image.ImportModePreserveOriginal},
		{"Bogus", image.ImportModeLegacy},
		{"preserveoriginal", image.ImportModeLegacy},
	}
	for _, tt := range tests {
		t.Run(string(tt.configured), func(t *testing.T) {
			is := &image.ImageStream{Spec: image.ImageStreamSpec{Tags: []image.TagReference{
				{Name: "empty"},
				{Name: "set", ImportPolicy: image.TagImportPolicy{ImportMode: image.ImportModePreserveOriginal}},
			}}}
			image.Defaulter{ImportMode: tt.configured}.Default(is)
			got := []image.ImportModeType{is.Spec.Tags[0].ImportPolicy.ImportMode, is.Spec.Tags[1].ImportPolicy.ImportMode}
			want := []image.ImportModeType{tt.want, image.ImportModePreserveOriginal}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("importMode of tags empty, set (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultNil: defaulting a nil object, typed or not, does nothing, as
// there is nothing to fill in. Not a SEMANTICS rule: an exported function
// must not panic on any input.
func TestDefaultNil(t *testing.T) {
	for _, obj := range []image.Object{
		nil, (*image.ImageStream)(nil), (*image.ImageStreamList)(nil), (*image.ImageStreamTag)(nil),
		(*image.ImageStreamTagList)(nil), (*image.ImageTag)(nil), (*image.ImageTagList)(nil),
		(*image.ImageStreamImport)(nil), (*image.Image)(nil),
	} {
		t.Run(fmt.Sprintf("%T", obj), func(t *testing.T) {
			image.SetDefaults(obj)
			image.Defaulter{ImportMode: image.ImportModePreserveOriginal}.Default(obj)
		})
	}
}

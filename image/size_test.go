package image_test

import (
	"fmt"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

func TestImageSize(t *testing.T) {
	l := func(name string, size int64) image.ImageLayer { return image.ImageLayer{Name: name, LayerSize: size} }
	// many has 100 layers, each digest twice: enough to take the map path.
	var many []image.ImageLayer
	for i := range 100 {
		many = append(many, l(fmt.Sprint("sha256:", i%50), int64(i%50)))
	}
	tests := []struct {
		name         string
		layers       []image.ImageLayer
		configDigest string
		configSize   int64
		want         int64
	}{
		{name: "nothing", want: 0},
		{name: "config only", configDigest: "sha256:c", configSize: 7, want: 7},
		{name: "distinct layers", layers: []image.ImageLayer{l("sha256:a", 1), l("sha256:b", 2)}, configDigest: "sha256:c", configSize: 7, want: 10},
		{name: "duplicate layers count once", layers: []image.ImageLayer{l("sha256:a", 1), l("sha256:b", 2), l("sha256:a", 1)}, configDigest: "sha256:c", configSize: 7, want: 10},
		{name: "first duplicate's size wins", layers: []image.ImageLayer{l("sha256:a", 1), l("sha256:a", 100)}, want: 1},
		// SEMANTICS §10.2: a layer that is the config blob is skipped.
		{name: "layer equal to the config digest", layers: []image.ImageLayer{l("sha256:a", 1), l("sha256:c", 50)}, configDigest: "sha256:c", configSize: 7, want: 8},
		{name: "schema 1: no config", layers: []image.ImageLayer{l("sha256:a", 1), l("sha256:a", 1), l("sha256:b", 2)}, want: 3},
		{name: "schema 1: unnamed layers count once", layers: []image.ImageLayer{l("", 4), l("", 4)}, want: 4},
		{name: "many layers", layers: many, configDigest: "sha256:0", configSize: 1000, want: 1000 + 49*50/2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := image.ImageSize(tc.layers, tc.configDigest, tc.configSize); got != tc.want {
				t.Errorf("ImageSize = %d, want %d", got, tc.want)
			}
		})
	}
}

package image

import (
	"testing"
	"time"
)

func TestSemanticEqual(t *testing.T) {
	at := Date(2026, 1, 1, 0, 0, 0)
	sameInstant := Time{at.In(time.FixedZone("UTC+2", 7200))}
	one, two := int64(1), int64(2)
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{name: "nil and empty map", a: map[string]string(nil), b: map[string]string{}, want: true},
		{name: "maps differ by value", a: map[string]string{"a": "b"}, b: map[string]string{"a": "c"}, want: false},
		{name: "maps differ by key", a: map[string]string{"a": "b"}, b: map[string]string{"c": "b"}, want: false},
		{name: "nil and empty slice in a struct", a: ObjectMeta{Finalizers: nil}, b: ObjectMeta{Finalizers: []string{}}, want: true},
		{name: "bytes", a: []byte("x"), b: []byte("x"), want: true},
		{name: "bytes differ", a: []byte("x"), b: []byte("y"), want: false},
		{name: "time instants", a: ObjectMeta{CreationTimestamp: at}, b: ObjectMeta{CreationTimestamp: sameInstant}, want: true},
		{name: "times differ", a: at, b: NewTime(at.Add(time.Second)), want: false},
		{name: "pointers to equal values", a: &one, b: &one, want: true},
		{name: "pointers to different values", a: &one, b: &two, want: false},
		{name: "nil and non-nil pointer", a: (*int64)(nil), b: &one, want: false},
		{name: "different types", a: "1", b: 1, want: false},
		{name: "nested image", a: ImageTag{Image: &Image{DockerImageLayers: []ImageLayer{{Name: "a"}}}},
			b: ImageTag{Image: &Image{DockerImageLayers: []ImageLayer{{Name: "b"}}}}, want: false},
		{name: "nil interfaces", a: nil, b: nil, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := semanticEqual(tt.a, tt.b); got != tt.want {
				t.Errorf("semanticEqual = %v, want %v", got, tt.want)
			}
		})
	}
}

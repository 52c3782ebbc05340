package imagestream_test

import (
	"testing"

	"github.com/imagestreams/imagestreams/imagestream"
)

// TestNewNotFoundMessage: the name is always quoted, as by Kubernetes'
// NewNotFound, so an empty one reads `""` (SEMANTICS §6.2).
func TestNewNotFoundMessage(t *testing.T) {
	tests := []struct {
		name string
		gr   imagestream.GroupResource
		obj  string
		want string
	}{
		{"named", imagestream.ResourceImageStreams, "app", `imagestreams.image.openshift.io "app" not found`},
		{"empty name", imagestream.ResourceImageStreams, "", `imagestreams.image.openshift.io "" not found`},
		{"core group", imagestream.GroupResource{Resource: "secrets"}, "", `secrets "" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := imagestream.NewNotFound(tt.gr, tt.obj).Error(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

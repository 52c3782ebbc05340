package imagestream_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
)

// TestImageStreamImageGet checks SEMANTICS §13: lookup by full name or
// prefix over the whole history, the result's metadata, and the errors.
func TestImageStreamImageGet(t *testing.T) {
	ctx := context.Background()
	older, newer := pushed(1), pushed(2)
	svc := pushedStream(t, nil, tagPush{"latest", older}, tagPush{"latest", newer})
	stored := storedImage(t, svc, older.Name)
	wantImg := viewImage(stored, stored.DockerImageReference)
	hex := older.Name[len("sha256:"):]
	tests := []struct {
		name, isimage string
		want          *image.ImageStreamImage
		wantErr       string
	}{
		{name: "full name, older history entry", isimage: "app@" + older.Name, want: &image.ImageStreamImage{
			ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app@" + older.Name, CreationTimestamp: stored.CreationTimestamp}, Image: wantImg}},
		{name: "hex prefix", isimage: "app@" + hex[:12], want: &image.ImageStreamImage{
			ObjectMeta: image.ObjectMeta{Namespace: "ns", Name: "app@" + hex[:12], CreationTimestamp: stored.CreationTimestamp}, Image: wantImg}},
		{name: "no match", isimage: "app@sha256:0000", wantErr: `imagestreamimage.image.openshift.io "app@sha256:0000" not found`},
		{name: "bad name", isimage: "app", wantErr: "ImageStreamImages must be retrieved with <name>@<id>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.ImageStreamImages("ns").Get(ctx, tt.isimage)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ImageStreamImage (-want +got):\n%s", diff)
			}
		})
	}
}

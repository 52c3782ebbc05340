package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage"
)

// TestTagDeletePreconditions checks SEMANTICS §12.1 and §12.2: a delete
// whose uid precondition is not the stream's is a Conflict and changes
// nothing; so is a stale resourceVersion precondition, which this library
// checks where OpenShift ignores it (documented on Delete). Matching
// preconditions delete the tag.
func TestTagDeletePreconditions(t *testing.T) {
	type deleter func(svc *imagestream.Service, name string, opts imagestream.DeleteOptions) error
	kinds := map[string]deleter{
		"ImageStreamTags": func(svc *imagestream.Service, name string, opts imagestream.DeleteOptions) error {
			return svc.ImageStreamTags("ns").Delete(context.Background(), name, opts)
		},
		"ImageTags": func(svc *imagestream.Service, name string, opts imagestream.DeleteOptions) error {
			return svc.ImageTags("ns").Delete(context.Background(), name, opts)
		},
	}
	tests := []struct {
		name     string
		pre      func(uid, rv string) *imagestream.Preconditions
		conflict bool
	}{
		{name: "none", pre: func(string, string) *imagestream.Preconditions { return nil }},
		{name: "matching uid", pre: func(uid, _ string) *imagestream.Preconditions { return &imagestream.Preconditions{UID: image.UID(uid)} }},
		{name: "matching uid and resourceVersion", pre: func(uid, rv string) *imagestream.Preconditions {
			return &imagestream.Preconditions{UID: image.UID(uid), ResourceVersion: rv}
		}},
		{name: "other uid", pre: func(string, string) *imagestream.Preconditions { return &imagestream.Preconditions{UID: "other"} }, conflict: true},
		{name: "stale resourceVersion", pre: func(uid, _ string) *imagestream.Preconditions {
			return &imagestream.Preconditions{UID: image.UID(uid), ResourceVersion: "1"}
		}, conflict: true},
	}
	for kind, del := range kinds {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				svc := pushedStream(t, nil, tagPush{"latest", imagetest.Image("v1", imagetest.Options{})})
				is, err := svc.ImageStreams("ns").Get(context.Background(), "app")
				if err != nil {
					t.Fatal(err)
				}
				err = del(svc, "app:latest", imagestream.DeleteOptions{Preconditions: tt.pre(string(is.UID), is.ResourceVersion)})
				if tt.conflict != errors.Is(err, storage.ErrConflict) || !tt.conflict && err != nil {
					t.Fatalf("Delete: %v, want conflict %v", err, tt.conflict)
				}
				_, err = svc.ImageStreamTags("ns").Get(context.Background(), "app:latest")
				if gone := errors.Is(err, storage.ErrNotFound); gone == tt.conflict {
					t.Errorf("after Delete, Get: %v; want the tag kept only on conflict", err)
				}
			})
		}
	}
}

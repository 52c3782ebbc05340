package imagestream_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// fakeImporter answers every spec.images entry of an import with the
// result its function gives for the entry's pull spec, as an Importer
// that reached the registry would; spec.repository is not answered.
type fakeImporter func(from string) image.ImageImportStatus

func (f fakeImporter) Import(_ context.Context, isi *image.ImageStreamImport, _ *image.ImageStream, _ []image.Secret) error {
	for _, spec := range isi.Spec.Images {
		st := f(spec.From.Name)
		if spec.To != nil {
			st.Tag = spec.To.Name
		}
		isi.Status.Images = append(isi.Status.Images, st)
	}
	return nil
}

// manifestUnknown is the result of a pull spec the registry does not know.
func manifestUnknown(string) image.ImageImportStatus {
	return image.ImageImportStatus{Status: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404, Message: "manifest unknown"}}
}

// found is the result of a pull spec the registry has, as image i.
func found(i int) fakeImporter {
	return func(from string) image.ImageImportStatus {
		img := pushed(i)
		img.DockerImageReference = from
		return image.ImageImportStatus{Status: image.Status{Status: image.StatusSuccess}, Image: img}
	}
}

// failing is a failure result with message msg.
func failing(msg string) fakeImporter {
	return func(string) image.ImageImportStatus {
		return image.ImageImportStatus{Status: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404, Message: msg}}
	}
}

// TestImportWritesOnlyChanges: an ImageStreamImport writes an existing
// stream only when its results change it or the stream lacks the
// dockerRepositoryCheck annotation, and each write sets the annotation
// (SEMANTICS §8.1 step 9, §8.9, QUIRK §14.20).
func TestImportWritesOnlyChanges(t *testing.T) {
	type step struct {
		result    fakeImporter
		to        string // target tag; "" imports with no target
		wantWrite bool
	}
	tests := []struct {
		name   string
		stream bool // the stream exists before the first import, without the annotation
		steps  []step
	}{
		{
			name:  "§14.20 an identical repeated failure writes nothing",
			steps: []step{{failing("manifest unknown"), "v1", true}, {failing("manifest unknown"), "v1", false}, {failing("manifest unknown"), "v1", false}},
		},
		{
			name:  "§8.9 a failure with another message writes",
			steps: []step{{failing("manifest unknown"), "v1", true}, {failing("unauthorized"), "v1", true}},
		},
		{
			name:  "§8.8 an unchanged successful re-import writes nothing",
			steps: []step{{found(1), "v1", true}, {found(1), "v1", false}},
		},
		{
			name:  "§8.8 a new image writes",
			steps: []step{{found(1), "v1", true}, {found(2), "v1", true}},
		},
		{
			name:  "§8.8 a success after a failure clears the condition",
			steps: []step{{failing("manifest unknown"), "v1", true}, {found(1), "v1", true}, {found(1), "v1", false}},
		},
		{
			name:   "§8.1 a stream without the annotation is written once though nothing else changes",
			stream: true,
			steps:  []step{{found(1), "", true}, {found(1), "", false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var imp fakeImporter
			svc, clk := newService(t, imagestream.WithImporter(fakeImporter(func(from string) image.ImageImportStatus { return imp(from) })))
			if tt.stream {
				createStream(t, svc, "ns", "app")
			}
			var rv, check string
			if tt.stream {
				rv = getStream(t, svc, "ns", "app").ResourceVersion
			}
			for i, s := range tt.steps {
				imp = s.result
				clk.add(time.Minute)
				spec := image.ImageImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:v1"}}
				if s.to != "" {
					spec.To = &image.LocalObjectReference{Name: s.to}
				}
				isi, err := svc.ImageStreamImports("ns").Create(ctx, &image.ImageStreamImport{
					ObjectMeta: image.ObjectMeta{Name: "app"},
					Spec:       image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{spec}},
				})
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				got := getStream(t, svc, "ns", "app")
				if diff := cmp.Diff(got, isi.Status.Import); diff != "" {
					t.Errorf("step %d: status.import is not the stream as stored (-stored +import):\n%s", i, diff)
				}
				wantCheck := check
				if s.wantWrite {
					wantCheck = clk.now().UTC().Format(time.RFC3339)
				}
				if wrote := got.ResourceVersion != rv; wrote != s.wantWrite {
					t.Errorf("step %d: wrote = %v (rv %s -> %s), want %v", i, wrote, rv, got.ResourceVersion, s.wantWrite)
				}
				if c := got.Annotations[image.DockerImageRepositoryCheckAnnotation]; c != wantCheck {
					t.Errorf("step %d: dockerRepositoryCheck = %q, want %q", i, c, wantCheck)
				}
				rv, check = got.ResourceVersion, got.Annotations[image.DockerImageRepositoryCheckAnnotation]
			}
		})
	}
}

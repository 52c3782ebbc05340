package imagestream_test

import (
	"context"
	"errors"
	"fmt"
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

// TestImportLimitExceededRecordsCondition: when a limit rejects the
// stream write of an import (OpenShift's IsErrorLimitExceeded: Forbidden
// or Invalid, "exceeds the maximum limit"), every status tag that was new
// in the attempted stream gets ImportSuccess=False with the error's reason
// and message at the next generation on the stream as it was, written
// best-effort, and the error is returned (SEMANTICS §8.1 step 9).
func TestImportLimitExceededRecordsCondition(t *testing.T) {
	// maxImages is an openshift.io/images limit: the distinct images the
	// stream's history refers to.
	maxImages := func(limit int) func(context.Context, *image.ImageStream, *image.ImageStream) error {
		return func(_ context.Context, is, _ *image.ImageStream) error {
			seen := map[string]bool{}
			for _, st := range is.Status.Tags {
				for _, ev := range st.Items {
					seen[ev.Image] = true
				}
			}
			if len(seen) > limit {
				return fmt.Errorf("requested usage of openshift.io/images exceeds the maximum limit per openshift.io/ImageStream (%d > %d)", len(seen), limit)
			}
			return nil
		}
	}
	tests := []struct {
		name   string
		verify func(context.Context, *image.ImageStream, *image.ImageStream) error
		before []string // tags imported first, image i+1 for the i-th
		tags   []string // tags the rejected import imports, images 10, 11...
		want   []string // tags that get the condition
	}{
		{name: "a new tag gets the condition", verify: maxImages(0), tags: []string{"v1"}, want: []string{"v1"}},
		{name: "only new tags get it", verify: maxImages(1), before: []string{"old"}, tags: []string{"old", "new"}, want: []string{"new"}},
		{
			name: "another rejection records nothing",
			verify: func(_ context.Context, is, _ *image.ImageStream) error {
				if len(is.Status.Tags) > 0 {
					return errors.New("the quota service is unavailable")
				}
				return nil
			},
			tags: []string{"v1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			images := map[string]int{}
			svc, clk := newService(t, imagestream.WithLimitVerifier(tt.verify),
				imagestream.WithImporter(fakeImporter(func(from string) image.ImageImportStatus { return found(images[from])(from) })))
			createStream(t, svc, "ns", "app")
			spec := func(tag string, i int) image.ImageImportSpec {
				from := "quay.io/acme/app:" + tag
				images[from] = i
				return image.ImageImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: from}, To: &image.LocalObjectReference{Name: tag}}
			}
			for i, tag := range tt.before {
				if _, err := svc.ImageStreamImports("ns").Create(ctx, &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Name: "app"},
					Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{spec(tag, i+1)}}}); err != nil {
					t.Fatal(err)
				}
			}
			before := getStream(t, svc, "ns", "app")
			clk.add(time.Minute)
			isi := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: image.ImageStreamImportSpec{Import: true}}
			for i, tag := range tt.tags {
				isi.Spec.Images = append(isi.Spec.Images, spec(tag, 10+i))
			}
			_, err := svc.ImageStreamImports("ns").Create(ctx, isi)
			if imagestream.Reason(err) != image.StatusReasonInvalid {
				t.Fatalf("Create = %v, want the limit's Invalid", err)
			}
			want := map[string][]image.TagEventCondition{}
			for _, tag := range tt.want {
				want[tag] = []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse, Reason: string(image.StatusReasonInvalid),
					Message: err.Error(), Generation: before.Generation + 1, LastTransitionTime: image.NewTime(clk.now())}}
			}
			got := map[string][]image.TagEventCondition{}
			for _, st := range getStream(t, svc, "ns", "app").Status.Tags {
				if len(st.Conditions) > 0 {
					got[st.Tag] = st.Conditions
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("conditions after the rejected import (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportAnswerIsACopy: the answer to an import shares nothing with
// the request handed in: changing the answer's metadata or spec leaves
// the request as the caller built it.
func TestImportAnswerIsACopy(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, imagestream.WithImporter(found(1)))
	createStream(t, svc, "ns", "app")
	isi := &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Name: "app", Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"note": "x"}, Finalizers: []string{"f"}},
		Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{{
			From: image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/acme/app:v1"}, To: &image.LocalObjectReference{Name: "v1"},
		}}},
	}
	want := isi.DeepCopy()
	got, err := svc.ImageStreamImports("ns").Create(ctx, isi)
	if err != nil {
		t.Fatal(err)
	}
	got.Labels["team"], got.Annotations["note"], got.Finalizers[0] = "changed", "changed", "changed"
	got.Spec.Images[0].To.Name = "changed"
	if diff := cmp.Diff(want, isi); diff != "" {
		t.Errorf("changing the answer changed the request (-want +got):\n%s", diff)
	}
}

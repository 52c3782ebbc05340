package importer_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/opencontainers/go-digest"
)

// TestFailedImportKeepsImage runs faults through an imagestream Service:
// after a good import, the tag is moved to a new image and the registry
// fails to serve it. The tag keeps its image, gains ImportSuccess=False
// with the failure's reason and message, and the new image is not stored
// (SEMANTICS §8.8, §8.9).
func TestFailedImportKeepsImage(t *testing.T) {
	t.Parallel()
	good := imagetest.ImageContent("keep-good", imagetest.Options{})
	newer := imagetest.ImageContent("keep-newer", imagetest.Options{})
	tests := []struct {
		name   string
		fault  func(repo string) fakeregistry.Fault
		reason image.StatusReason
	}{
		{name: "500 forever", reason: image.StatusReasonInternalError, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/manifests/v1", Status: http.StatusInternalServerError}
		}},
		{name: "digest mismatch", reason: image.StatusReasonInternalError, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/manifests/v1", Digest: digest.FromString("other").String()}
		}},
		{name: "truncated manifest", reason: image.StatusReasonInternalError, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/manifests/v1", Truncate: true}
		}},
		{name: "malformed JSON", reason: image.StatusReasonInternalError, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/manifests/v1", Body: []byte(`{"schemaVersion": 2, "layers": [`)}
		}},
		{name: "config missing", reason: image.StatusReasonInternalError, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/blobs/" + newer.ConfigDigest.String(), Status: http.StatusNotFound}
		}},
		{name: "tag gone", reason: image.StatusReasonNotFound, fault: func(repo string) fakeregistry.Fault {
			return fakeregistry.Fault{Path: repo + "/manifests/v1", Status: http.StatusNotFound,
				Body: []byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`)}
		}},
	}
	f := newFake(t, fakeregistry.Auth{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			repo := fmt.Sprintf("keep/case%d", i)
			f.pushImage(repo, "v1", good)
			now := imagetest.Epoch
			svc := imagestream.NewService(memory.New(), imagestream.WithClock(func() time.Time { return now }),
				imagestream.WithImporter(f.importer(importer.Options{Timeout: 5 * time.Second})))
			isi := &image.ImageStreamImport{ObjectMeta: image.ObjectMeta{Name: "app"}, Spec: image.ImageStreamImportSpec{
				Import: true, Images: []image.ImageImportSpec{spec(f.host+"/"+repo+":v1", "v1")},
			}}
			if _, err := svc.ImageStreamImports("ns").Create(ctx, isi); err != nil {
				t.Fatal(err)
			}
			before, err := svc.ImageStreams("ns").Get(ctx, "app")
			if err != nil {
				t.Fatal(err)
			}

			f.pushImage(repo, "v1", newer)
			f.Inject(tt.fault(repo))
			now = now.Add(time.Minute)
			out, err := svc.ImageStreamImports("ns").Create(ctx, isi)
			if err != nil {
				t.Fatal(err)
			}
			st := out.Status.Images[0].Status
			if st.Reason != tt.reason {
				t.Fatalf("status = %+v, want reason %s", st, tt.reason)
			}
			after, err := svc.ImageStreams("ns").Get(ctx, "app")
			if err != nil {
				t.Fatal(err)
			}
			want := before.Status.Tags[0]
			want.Conditions = []image.TagEventCondition{{Type: image.ImportSuccess, Status: image.ConditionFalse,
				LastTransitionTime: image.NewTime(now), Reason: string(st.Reason), Message: st.Message, Generation: after.Generation}}
			if diff := cmp.Diff(want, after.Status.Tags[0]); diff != "" {
				t.Errorf("tag after the failed import (-want +got):\n%s", diff)
			}
			if _, err := svc.Images().Get(ctx, newer.ManifestDigest.String()); imagestream.Reason(err) != image.StatusReasonNotFound {
				t.Errorf("the image that failed to import was stored (err %v)", err)
			}
		})
	}
}

package imagetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
)

func TestImportedPinsTheReference(t *testing.T) {
	img := imagetest.Image("ruby", imagetest.Options{})
	tests := []struct {
		name string
		from string
		want string // dockerImageReference of the result
		tag  string // status.images[0].tag
	}{
		{"tag keeps the user's spelling", "busybox", "busybox@" + img.Name, "latest"},
		{"explicit tag", "quay.io/acme/ruby:3.3", "quay.io/acme/ruby@" + img.Name, "3.3"},
		{"registry with port", "localhost:5000/team/ruby:v1", "localhost:5000/team/ruby@" + img.Name, "v1"},
		{"digest import has no tag", "quay.io/acme/ruby@" + img.Name, "quay.io/acme/ruby@" + img.Name, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isi := imagetest.Import("ns", "ruby", imagetest.Imported(tt.from, "latest", img))
			st := isi.Status.Images[0]
			if diff := cmp.Diff(tt.want, st.Image.DockerImageReference); diff != "" {
				t.Errorf("reference (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.tag, st.Tag); diff != "" {
				t.Errorf("tag (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportFailedStatus(t *testing.T) {
	tests := []struct {
		name   string
		from   string
		reason image.StatusReason
		want   image.Status
	}{
		{
			name: "NotFound names the defaulted pull spec", from: "busybox:1.36", reason: image.StatusReasonNotFound,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonNotFound, Code: 404,
				Message: `dockerimage.image.openshift.io "docker.io/library/busybox:1.36" not found`,
				Details: &image.StatusDetails{Name: "docker.io/library/busybox:1.36", Group: "image.openshift.io", Kind: "dockerimage"}},
		},
		{
			name: "Unauthorized", from: "quay.io/private/app:v1", reason: image.StatusReasonUnauthorized,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonUnauthorized, Code: 401,
				Message: `you may not have access to the container image "quay.io/private/app:v1"`},
		},
		{
			name: "Forbidden names the registry", from: "blocked.example.com/app", reason: image.StatusReasonForbidden,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonForbidden, Code: 403,
				Message: "forbidden: registry blocked.example.com blocked"},
		},
		{
			// SEMANTICS §8.2: the importer's message names ref.Registry
			// before defaulting, so an implicit Docker Hub gives none.
			name: "Forbidden of an implicit Docker Hub names no registry", from: "busybox", reason: image.StatusReasonForbidden,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonForbidden, Code: 403,
				Message: "forbidden: registry  blocked"},
		},
		{
			name: "InternalError keeps the cause", from: "quay.io/acme/app:v1", reason: image.StatusReasonInternalError,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonInternalError, Code: 500,
				Message: "Internal error occurred: quay.io/acme/app:v1: received unexpected HTTP status: 500 Internal Server Error",
				Details: &image.StatusDetails{Causes: []image.StatusCause{{Message: "quay.io/acme/app:v1: received unexpected HTTP status: 500 Internal Server Error"}}}},
		},
		{
			name: "other reasons", from: "quay.io/acme/app:v1", reason: image.StatusReasonTooManyRequests,
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonTooManyRequests, Message: "import failed: TooManyRequests"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := imagetest.ImportFailed(tt.from, "x", tt.reason)
			if diff := cmp.Diff(tt.want, r.Status); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if r.Image != nil {
				t.Errorf("a failure carries an image")
			}
		})
	}
}

// importFixture is an import of five images: a success, a manifest list
// with PreserveOriginal, a failure, a report-only success (by digest) and
// a success into the tag of its From (SEMANTICS §2.1).
func importFixture() *image.ImageStreamImport {
	img := imagetest.Image("ruby", imagetest.Options{})
	list, children := imagetest.ListImage("ruby-multi", imagetest.Options{}, "linux/amd64", "linux/arm64/v8")
	return imagetest.Import("demo", "ruby",
		imagetest.Imported("quay.io/acme/ruby:3.3", "3.3", img),
		imagetest.Imported("quay.io/acme/ruby:multi", "multi", list, children...),
		imagetest.ImportFailed("quay.io/acme/ruby:gone", "gone", image.StatusReasonNotFound),
		imagetest.Imported("quay.io/acme/ruby@"+img.Name, "", img),
		imagetest.Imported("quay.io/acme/ruby:3.4", "", img),
	)
}

func TestImportFixtures(t *testing.T) {
	isi := importFixture()
	if err := image.ValidateImageStreamImport(isi); err != nil {
		t.Errorf("Import does not validate: %v", err)
	}
	if diff := cmp.Diff(isi, importFixture()); diff != "" {
		t.Errorf("Import is not deterministic (-first +second):\n%s", diff)
	}
	gotModes := []image.ImportModeType{}
	for _, s := range isi.Spec.Images {
		gotModes = append(gotModes, s.ImportPolicy.ImportMode)
	}
	wantModes := []image.ImportModeType{image.ImportModeLegacy, image.ImportModePreserveOriginal, image.ImportModeLegacy, image.ImportModeLegacy, image.ImportModeLegacy}
	if diff := cmp.Diff(wantModes, gotModes); diff != "" {
		t.Errorf("import modes (-want +got):\n%s", diff)
	}
	if isi.Spec.Images[3].To != nil {
		t.Errorf("report-only import has to = %+v", isi.Spec.Images[3].To)
	}
	if to := isi.Spec.Images[4].To; to == nil || to.Name != "3.4" {
		t.Errorf("import of a tag without to has to = %+v, want 3.4 as the server defaults it", to)
	}
	// The answer is as the server holds it: defaulting changes nothing.
	defaulted := importFixture()
	image.SetDefaults(defaulted)
	if diff := cmp.Diff(defaulted, isi); diff != "" {
		t.Errorf("Import is not defaulted (-defaulted +fixture):\n%s", diff)
	}
	for _, m := range isi.Status.Images[1].Manifests {
		if want := "quay.io/acme/ruby@" + m.Name; m.DockerImageReference != want {
			t.Errorf("child reference = %s, want %s", m.DockerImageReference, want)
		}
	}

	// What the fixture is for: feeding the code that applies imports.
	is := imagetest.Stream("demo", "ruby")
	now := imagetest.Epoch.Add(time.Hour)
	created := imagestream.ApplyImportResults(is, isi, now)
	if got, want := len(created), 4; got != want { // ruby, the list and its two children
		t.Errorf("ApplyImportResults created %d images, want %d", got, want)
	}
	var tags []string
	for _, l := range is.Status.Tags {
		tags = append(tags, l.Tag)
	}
	if diff := cmp.Diff([]string{"3.3", "3.4", "gone", "multi"}, tags); diff != "" {
		t.Errorf("status tags (-want +got):\n%s", diff)
	}
	if !imagestream.HasTagCondition(is, "gone", image.TagEventCondition{Type: image.ImportSuccess, Status: image.ConditionFalse,
		Reason: string(image.StatusReasonNotFound), Message: `dockerimage.image.openshift.io "quay.io/acme/ruby:gone" not found`}) {
		t.Errorf("failed tag has no ImportSuccess=False condition: %+v", is.Status.Tags)
	}
}

func TestRepositoryImportFixture(t *testing.T) {
	v1 := imagetest.Image("app-v1", imagetest.Options{})
	v2 := imagetest.Image("app-v2", imagetest.Options{})
	list, children := imagetest.ListImage("app-multi", imagetest.Options{}, "linux/amd64", "linux/arm64")
	tests := []struct {
		name    string
		results []imagetest.ImportResult
		want    image.Status
		// mode is spec.repository's import mode: a list with children
		// comes only from a PreserveOriginal import (ImportResult.Manifests,
		// SEMANTICS §8.4).
		mode image.ImportModeType
	}{
		{
			name:    "all imported",
			results: []imagetest.ImportResult{imagetest.Imported("quay.io/acme/app:v1", "", v1), imagetest.Imported("quay.io/acme/app:v2", "", v2)},
			want:    image.Status{Status: image.StatusSuccess},
			mode:    image.ImportModeLegacy,
		},
		{
			name:    "one failed",
			results: []imagetest.ImportResult{imagetest.Imported("quay.io/acme/app:v1", "", v1), imagetest.ImportFailed("quay.io/acme/app:v2", "", image.StatusReasonUnauthorized)},
			want:    image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: "one of the images from this repository failed to import"},
			mode:    image.ImportModeLegacy,
		},
		{
			name: "two failed",
			results: []imagetest.ImportResult{imagetest.ImportFailed("quay.io/acme/app:v1", "", image.StatusReasonNotFound),
				imagetest.ImportFailed("quay.io/acme/app:v2", "", image.StatusReasonNotFound)},
			want: image.Status{Status: image.StatusFailure, Reason: image.StatusReasonImportFailed, Message: "2 of the images from this repository failed to import"},
			mode: image.ImportModeLegacy,
		},
		{
			name:    "a manifest list with children",
			results: []imagetest.ImportResult{imagetest.Imported("quay.io/acme/app:v1", "", v1), imagetest.Imported("quay.io/acme/app:v2", "", list, children...)},
			want:    image.Status{Status: image.StatusSuccess},
			mode:    image.ImportModePreserveOriginal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isi := imagetest.RepositoryImport("demo", "app", "quay.io/acme/app", tt.results...)
			if err := image.ValidateImageStreamImport(isi); err != nil {
				t.Errorf("does not validate: %v", err)
			}
			if diff := cmp.Diff(tt.want, isi.Status.Repository.Status); diff != "" {
				t.Errorf("repository status (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.mode, isi.Spec.Repository.ImportPolicy.ImportMode); diff != "" {
				t.Errorf("spec.repository import mode (-want +got):\n%s", diff)
			}
			is := imagetest.Stream("demo", "app")
			imagestream.ApplyImportResults(is, isi, imagetest.Epoch)
			for i, r := range tt.results {
				tag := []string{"v1", "v2"}[i]
				hist := imagestream.LatestTaggedImage(is, tag)
				if imported := r.Image != nil; imported != (hist != nil) {
					t.Errorf("tag %s: imported=%v, history=%+v", tag, imported, hist)
				}
			}
		})
	}
}

// TestImportAnswerHasNoContent checks that the fixtures are the server's
// answer: with includeManifest false it clears dockerImageManifest and
// dockerImageConfig of every image it returns (SEMANTICS §8.1 steps 8-9),
// while the results the fixture was built from keep them.
func TestImportAnswerHasNoContent(t *testing.T) {
	img := imagetest.Image("ruby", imagetest.Options{})
	list, children := imagetest.ListImage("multi", imagetest.Options{}, "linux/amd64", "linux/arm64")
	single := imagetest.Imported("quay.io/acme/ruby:3.3", "3.3", img)
	multi := imagetest.Imported("quay.io/acme/ruby:multi", "multi", list, children...)
	tests := []struct {
		name   string
		status func() []image.ImageImportStatus
	}{
		{"Import", func() []image.ImageImportStatus { return imagetest.Import("ns", "ruby", single, multi).Status.Images }},
		{"RepositoryImport", func() []image.ImageImportStatus {
			return imagetest.RepositoryImport("ns", "ruby", "quay.io/acme/ruby", single, multi).Status.Repository.Images
		}},
	}
	type content struct{ Manifest, Config string }
	of := func(img *image.Image) content { return content{img.DockerImageManifest, img.DockerImageConfig} }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, st := range tt.status() {
				if diff := cmp.Diff(content{}, of(st.Image)); diff != "" {
					t.Errorf("images[%d].image (-want +got):\n%s", i, diff)
				}
				for j := range st.Manifests {
					if diff := cmp.Diff(content{}, of(&st.Manifests[j])); diff != "" {
						t.Errorf("images[%d].manifests[%d] (-want +got):\n%s", i, j, diff)
					}
				}
			}
		})
	}
	if of(single.Image) == (content{}) || of(multi.Manifests[0]) == (content{}) {
		t.Errorf("the import results lost their manifest or config")
	}
}

func TestImportFixturesDoNotAlias(t *testing.T) {
	img := imagetest.Image("ruby", imagetest.Options{})
	r := imagetest.Imported("quay.io/acme/ruby:3.3", "3.3", img)
	isi := imagetest.Import("demo", "ruby", r)
	isi.Status.Images[0].Image.Labels = map[string]string{"changed": "yes"}
	if r.Image.Labels != nil || img.Labels != nil {
		t.Errorf("changing the import's image changed the inputs")
	}
	if img.DockerImageReference == r.Image.DockerImageReference {
		t.Errorf("Imported changed its input's reference")
	}
}

func ExampleImport() {
	img := imagetest.Image("ruby", imagetest.Options{})
	isi := imagetest.Import("demo", "ruby",
		imagetest.Imported("quay.io/acme/ruby:3.3", "3.3", img),
		imagetest.ImportFailed("quay.io/acme/ruby:gone", "gone", image.StatusReasonNotFound),
	)
	for i, st := range isi.Status.Images {
		fmt.Printf("%s: %s %q\n", isi.Spec.Images[i].To.Name, st.Status.Status, st.Status.Message)
	}
	fmt.Println(isi.Status.Images[0].Image.DockerImageReference == "quay.io/acme/ruby@"+img.Name)
	// Output:
	// 3.3: Success ""
	// gone: Failure "dockerimage.image.openshift.io \"quay.io/acme/ruby:gone\" not found"
	// true
}

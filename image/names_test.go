package image_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// TestParseImageStreamTagName follows SEMANTICS §5.5 (6 cases upstream).
func TestParseImageStreamTagName(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantName string
		wantTag  string
		wantErr  string
	}{
		{name: "valid", in: "app:v1", wantName: "app", wantTag: "v1"},
		{name: "image stream image", in: "app@sha256:abc", wantErr: `"app@sha256:abc" is an image stream image, not an image stream tag`},
		{name: "no colon", in: "app", wantErr: `expected exactly one : delimiter in the istag "app"`},
		{name: "two colons", in: "app:v1:x", wantErr: `expected exactly one : delimiter in the istag "app:v1:x"`},
		{name: "missing name", in: ":v1", wantErr: `image stream tag name ":v1" must have a name and a tag`},
		{name: "missing tag", in: "app:", wantErr: `image stream tag name "app:" must have a name and a tag`},
		{name: "empty", in: "", wantErr: `expected exactly one : delimiter in the istag ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, tag, err := image.ParseImageStreamTagName(tt.in)
			checkNameErr(t, err, tt.wantErr)
			if diff := cmp.Diff([]string{tt.wantName, tt.wantTag}, []string{name, tag}); diff != "" {
				t.Errorf("name, tag (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseImageStreamImageName follows SEMANTICS §5.5 (6 cases upstream).
func TestParseImageStreamImageName(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantName string
		wantID   string
		wantErr  string
	}{
		{name: "valid digest", in: "app@sha256:abc", wantName: "app", wantID: "sha256:abc"},
		{name: "valid short id", in: "app@abc", wantName: "app", wantID: "abc"},
		{name: "no at", in: "app", wantErr: `expected exactly one @ in the isimage name "app"`},
		{name: "two ats", in: "app@a@b", wantErr: `expected exactly one @ in the isimage name "app@a@b"`},
		{name: "missing name", in: "@abc", wantErr: `image stream image name "@abc" must have a name and ID`},
		{name: "missing id", in: "app@", wantErr: `image stream image name "app@" must have a name and ID`},
		{name: "tag syntax", in: "app:v1", wantErr: `expected exactly one @ in the isimage name "app:v1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, id, err := image.ParseImageStreamImageName(tt.in)
			checkNameErr(t, err, tt.wantErr)
			if diff := cmp.Diff([]string{tt.wantName, tt.wantID}, []string{name, id}); diff != "" {
				t.Errorf("name, id (-want +got):\n%s", diff)
			}
		})
	}
}

func checkNameErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if !errors.Is(err, image.ErrInvalidName) {
		t.Errorf("errors.Is(%v, ErrInvalidName) = false", err)
	}
}

// TestSplitJoinNames covers the lenient split and join helpers of
// SEMANTICS §5.5.
func TestSplitJoinNames(t *testing.T) {
	type split struct {
		Name, Part string
		OK         bool
	}
	tests := []struct {
		name      string
		in        string
		wantTag   split
		wantImage split
	}{
		{name: "tag", in: "app:v1", wantTag: split{"app", "v1", true}, wantImage: split{"app:v1", "", false}},
		{name: "no separator defaults tag", in: "app", wantTag: split{"app", "latest", false}, wantImage: split{"app", "", false}},
		{name: "empty tag defaults", in: "app:", wantTag: split{"app", "latest", true}, wantImage: split{"app:", "", false}},
		{name: "splits at first only", in: "a:b:c", wantTag: split{"a", "b:c", true}, wantImage: split{"a:b:c", "", false}},
		{name: "image", in: "app@sha256:x", wantTag: split{"app@sha256", "x", true}, wantImage: split{"app", "sha256:x", true}},
		{name: "empty", in: "", wantTag: split{"", "latest", false}, wantImage: split{"", "", false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got split
			got.Name, got.Part, got.OK = image.SplitImageStreamTag(tt.in)
			if diff := cmp.Diff(tt.wantTag, got); diff != "" {
				t.Errorf("SplitImageStreamTag (-want +got):\n%s", diff)
			}
			got.Name, got.Part, got.OK = image.SplitImageStreamImage(tt.in)
			if diff := cmp.Diff(tt.wantImage, got); diff != "" {
				t.Errorf("SplitImageStreamImage (-want +got):\n%s", diff)
			}
		})
	}
	joins := []struct{ got, want string }{
		{image.JoinImageStreamTag("app", "v1"), "app:v1"},
		{image.JoinImageStreamTag("app", ""), "app:latest"},
		{image.JoinImageStreamImage("app", "sha256:x"), "app@sha256:x"},
	}
	for _, j := range joins {
		if j.got != j.want {
			t.Errorf("join = %q, want %q", j.got, j.want)
		}
	}
}

// TestDigestOrImageMatch follows SEMANTICS §5.4.
func TestDigestOrImageMatch(t *testing.T) {
	tests := []struct {
		name  string
		image string
		id    string
		want  bool
	}{
		{name: "full digest", image: testDigest, id: testDigest, want: true},
		{name: "digest prefix", image: testDigest, id: "sha256:0123", want: true},
		{name: "hex prefix", image: testDigest, id: "0123", want: true},
		{name: "empty id matches all", image: testDigest, id: "", want: true},
		{name: "hex not a prefix", image: testDigest, id: "1234", want: false},
		{name: "other algorithm prefix", image: testDigest, id: "sha512:", want: false},
		{name: "non-digest name prefix", image: "legacy-id-0123", id: "legacy", want: true},
		{name: "non-digest name hex part not special", image: "sha256:zz", id: "zz", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := image.DigestOrImageMatch(tt.image, tt.id); got != tt.want {
				t.Errorf("DigestOrImageMatch(%q, %q) = %v, want %v", tt.image, tt.id, got, tt.want)
			}
		})
	}
}

// FuzzParseImageStreamTagName checks that a parsed name joins back to its
// input and that errors and results exclude each other.
func FuzzParseImageStreamTagName(f *testing.F) {
	for _, s := range []string{"app:v1", "app", ":v1", "app:", "a:b:c", "a@b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, tag, err := image.ParseImageStreamTagName(s)
		if err != nil {
			if name != "" || tag != "" || !errors.Is(err, image.ErrInvalidName) {
				t.Fatalf("error %v with results %q, %q", err, name, tag)
			}
			return
		}
		if name == "" || tag == "" || image.JoinImageStreamTag(name, tag) != s {
			t.Fatalf("ParseImageStreamTagName(%q) = %q, %q", s, name, tag)
		}
	})
}

// FuzzParseImageStreamImageName checks the same round trip for
// "stream@id" names.
func FuzzParseImageStreamImageName(f *testing.F) {
	for _, s := range []string{"app@sha256:abc", "app", "@x", "app@", "a@b@c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, id, err := image.ParseImageStreamImageName(s)
		if err != nil {
			if name != "" || id != "" || !errors.Is(err, image.ErrInvalidName) {
				t.Fatalf("error %v with results %q, %q", err, name, id)
			}
			return
		}
		if name == "" || id == "" || image.JoinImageStreamImage(name, id) != s {
			t.Fatalf("ParseImageStreamImageName(%q) = %q, %q", s, name, id)
		}
	})
}

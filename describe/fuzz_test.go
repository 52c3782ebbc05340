package describe_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
)

// FuzzImageStream renders streams decoded from arbitrary JSON and checks
// that the output is deterministic, that no value can add a line or hide
// a control character, and that the header is always complete.
func FuzzImageStream(f *testing.F) {
	for _, is := range []*image.ImageStream{seedPythonStream(false), seedPythonStream(true), busyStream()} {
		data, err := image.Encode(is)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	now := time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var is image.ImageStream
		if image.DecodeInto(data, &is) != nil {
			return
		}
		var a, b bytes.Buffer
		if err := describe.ImageStream(&a, &is, now); err != nil {
			t.Fatal(err)
		}
		if err := describe.ImageStream(&b, &is, now); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("not deterministic:\n%s\n---\n%s", a.Bytes(), b.Bytes())
		}
		out := a.String()
		// The header comes first, in oc's order; only Created is optional.
		var labels []string
		for _, line := range strings.Split(out, "\n") {
			if label, _, ok := strings.Cut(line, ":\t"); ok && label != "" {
				labels = append(labels, label)
			} else if !strings.HasPrefix(line, "\t") {
				break
			}
		}
		want := []string{"Name", "Namespace", "Created", "Labels", "Annotations", "Docker Pull Spec", "Image Lookup", "Unique Images", "Tags"}
		if is.CreationTimestamp.IsZero() {
			want = slices.Delete(want, 2, 3)
		}
		if !slices.Equal(want, labels) {
			t.Fatalf("header labels = %q, want %q:\n%s", labels, want, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }); i >= 0 {
			t.Fatalf("control character at %d:\n%q", i, out)
		}
	})
}

// FuzzImage renders images decoded from arbitrary JSON and checks that
// the output is deterministic, starts with the image's identity and holds
// no control character a value could smuggle in.
func FuzzImage(f *testing.F) {
	now := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
	for _, img := range []*image.Image{&seedPythonTag(now).Image, emptyLayersImage()} {
		data, err := image.Encode(img)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var img image.Image
		if image.DecodeInto(data, &img) != nil {
			return
		}
		var a, b bytes.Buffer
		if err := describe.Image(&a, &img, now); err != nil {
			t.Fatal(err)
		}
		if err := describe.Image(&b, &img, now); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("not deterministic:\n%s\n---\n%s", a.Bytes(), b.Bytes())
		}
		out := a.String()
		if !strings.HasPrefix(out, "Docker Image:\t") || !strings.Contains(out, "\nName:\t") || !strings.Contains(out, "\nImage Size:\t") && !strings.Contains(out, "\nLayer Size:\t") {
			t.Fatalf("identity lines missing:\n%s", out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }); i >= 0 {
			t.Fatalf("control character at %d:\n%q", i, out)
		}
	})
}

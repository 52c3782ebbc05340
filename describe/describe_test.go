package describe_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// ocNow is "now" for the objects captured from a cluster in testdata/input.
var ocNow = time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)

// decodeFile reads an object of testdata/input into obj.
func decodeFile[T image.Object](t testing.TB, name string, obj T) T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "input", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := image.DecodeInto(data, obj); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return obj
}

type goldenCase struct {
	name   string // also the golden file's base name
	render func(t *testing.T, w io.Writer) error
}

func goldenCases() []goldenCase {
	stream := func(is func(t *testing.T) *image.ImageStream, now time.Time) func(*testing.T, io.Writer) error {
		return func(t *testing.T, w io.Writer) error { return describe.ImageStream(w, is(t), now) }
	}
	seedNow1 := time.Date(2017, time.October, 2, 17, 6, 30, 0, time.UTC)
	seedNow2 := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
	return []goldenCase{
		{"is-seed-python-3.5", stream(func(*testing.T) *image.ImageStream { return seedPythonStream(false) }, seedNow1)},
		{"is-seed-python-latest", stream(func(*testing.T) *image.ImageStream { return seedPythonStream(true) }, seedNow2)},
		{"is-busy", stream(func(*testing.T) *image.ImageStream { return busyStream() }, time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC))},
		{"is-empty", stream(func(*testing.T) *image.ImageStream {
			return &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "new", Namespace: "demo"}}
		}, ocNow)},
		{"is-oc-ruby", stream(func(t *testing.T) *image.ImageStream {
			return decodeFile(t, "oc-imagestream.json", &image.ImageStream{})
		}, ocNow)},
		{"is-imagetest-stream", stream(func(*testing.T) *image.ImageStream {
			v1 := imagetest.Image("ruby-v1", imagetest.Options{})
			v2 := imagetest.Image("ruby-v2", imagetest.Options{})
			return imagetest.Stream("demo", "ruby",
				imagetest.Tag{Name: "latest", History: []*image.Image{v2, v1}},
				imagetest.Tag{Name: "3.3", From: "quay.io/acme/ruby:3.3", History: []*image.Image{v1}})
		}, imagetest.Epoch.Add(90*time.Minute))},
		{"istag-seed-python-latest", func(_ *testing.T, w io.Writer) error {
			now := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
			return describe.ImageStreamTag(w, seedPythonTag(now), now)
		}},
		{"istag-oc-ruby", func(t *testing.T, w io.Writer) error {
			return describe.ImageStreamTag(w, decodeFile(t, "oc-imagestreamtag.json", &image.ImageStreamTag{}), ocNow)
		}},
		{"image-oc-manifestlist", func(t *testing.T, w io.Writer) error {
			return describe.Image(w, decodeFile(t, "oc-image-manifestlist.json", &image.Image{}), ocNow)
		}},
		{"image-oc", func(t *testing.T, w io.Writer) error {
			return describe.Image(w, decodeFile(t, "oc-image.json", &image.Image{}), ocNow)
		}},
		{"image-docs-mapping", func(t *testing.T, w io.Writer) error {
			m := decodeFile(t, "docs-imagestreammapping.yaml", &image.ImageStreamMapping{})
			// The file stops before the mapping's last line; the seed's §6.6
			// names the image by this reference.
			const id = "sha256:47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d"
			m.Image.Name, m.Image.DockerImageReference = id, "172.30.56.218:5000/test/origin-ruby-sample@"+id
			return describe.Image(w, &m.Image, time.Date(2016, time.February, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"image-empty-layers", func(_ *testing.T, w io.Writer) error {
			return describe.Image(w, emptyLayersImage(), time.Date(2016, time.March, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"image-imagetest-one-layer", func(_ *testing.T, w io.Writer) error {
			return describe.Image(w, imagetest.Image("ruby", imagetest.Options{Layers: 1, Labels: map[string]string{"vendor": "acme"}}), imagetest.Epoch.Add(36*time.Hour))
		}},
	}
}

// TestGolden compares every rendering with testdata/<name>.golden.
// Regenerate with `go test ./describe -run TestGolden -update` and review
// the diff.
func TestGolden(t *testing.T) {
	for _, tt := range goldenCases() {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := tt.render(t, &out); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestSeedSamples holds the output to the seed's §6.7 samples verbatim,
// independently of the golden files: a golden file regenerated by
// mistake cannot hide a drift from what oc prints.
func TestSeedSamples(t *testing.T) {
	tests := []struct {
		name   string
		render func(w io.Writer) error
		want   string
	}{
		{
			name: "oc describe is/python (§6.7.1)",
			render: func(w io.Writer) error {
				return describe.ImageStream(w, seedPythonStream(false), time.Date(2017, time.October, 2, 17, 6, 30, 0, time.UTC))
			},
			want: "Name:\t\t\tpython\n" +
				"Namespace:\t\tdefault\n" +
				"Created:\t\tAbout a minute ago\n" +
				"Labels:\t\t\t<none>\n" +
				"Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2017-10-02T17:05:11Z\n" +
				"Docker Pull Spec:\tdocker-registry.default.svc:5000/default/python\n" +
				"Image Lookup:\t\tlocal=false\n" +
				"Unique Images:\t\t1\n" +
				"Tags:\t\t\t1\n" +
				"\n" +
				"3.5\n" +
				"  tagged from centos/python-35-centos7\n" +
				"\n" +
				"  * centos/python-35-centos7@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"      About a minute ago\n",
		},
		{
			name: "oc describe is/python after oc tag (§6.7.2)",
			render: func(w io.Writer) error {
				return describe.ImageStream(w, seedPythonStream(true), time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC))
			},
			want: "Name:\t\t\tpython\n" +
				"Namespace:\t\tdefault\n" +
				"Created:\t\t5 minutes ago\n" +
				"Labels:\t\t\t<none>\n" +
				"Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2017-10-02T17:05:11Z\n" +
				"Docker Pull Spec:\tdocker-registry.default.svc:5000/default/python\n" +
				"Image Lookup:\t\tlocal=false\n" +
				"Unique Images:\t\t1\n" +
				"Tags:\t\t\t2\n" +
				"\n" +
				"latest\n" +
				"  tagged from python@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"\n" +
				"  * centos/python-35-centos7@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"      About a minute ago\n" +
				"\n" +
				"3.5\n" +
				"  tagged from centos/python-35-centos7\n" +
				"\n" +
				"  * centos/python-35-centos7@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"      5 minutes ago\n",
		},
		{
			// The sample stops after the first Docker label ("More
			// information is output than shown"); the Image Size line adds
			// the layer count of current oc (SEMANTICS §10.3).
			name: "oc describe istag/python:latest (§6.7.1)",
			render: func(w io.Writer) error {
				now := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
				var all bytes.Buffer
				if err := describe.ImageStreamTag(&all, seedPythonTag(now), now); err != nil {
					return err
				}
				lines := strings.SplitAfter(all.String(), "\n")
				_, err := io.WriteString(w, strings.Join(lines[:15], ""))
				return err
			},
			want: "Image Name:\tsha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"Docker Image:\tcentos/python-35-centos7@sha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"Name:\t\tsha256:49c18358df82f4577386404991c51a9559f243e0b1bdc366df25\n" +
				"Created:\t2 minutes ago\n" +
				"Image Size:\t251.2 MB in 3 layers (first layer 2.898 MB, last binary layer 72.26 MB)\n" +
				"Image Created:\t2 weeks ago\n" +
				"Author:\t\t<none>\n" +
				"Arch:\t\tamd64\n" +
				"Entrypoint:\tcontainer-entrypoint\n" +
				"Command:\t/bin/sh -c $STI_SCRIPTS_PATH/usage\n" +
				"Working Dir:\t/opt/app-root/src\n" +
				"User:\t\t1001\n" +
				"Exposes Ports:\t8080/tcp\n" +
				"Docker Labels:\tbuild-date=20170801\n" +
				"\t\tio.k8s.display-name=Python 3.5\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := tt.render(&out); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	// Labels, annotations, ports and tags live in maps; every rendering
	// must still be byte-identical.
	now := time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)
	var first bytes.Buffer
	if err := describe.ImageStream(&first, busyStream(), now); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		var again bytes.Buffer
		if err := describe.ImageStream(&again, busyStream(), now); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first.String(), again.String()); diff != "" {
			t.Fatalf("renderings differ (-first +again):\n%s", diff)
		}
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestErrors(t *testing.T) {
	errDisk := errors.New("disk full")
	now := time.Now()
	tests := []struct {
		name string
		call func(io.Writer) error
		w    io.Writer
		want error
	}{
		{"nil stream", func(w io.Writer) error { return describe.ImageStream(w, nil, now) }, io.Discard, describe.ErrNilObject},
		{"nil istag", func(w io.Writer) error { return describe.ImageStreamTag(w, nil, now) }, io.Discard, describe.ErrNilObject},
		{"nil image", func(w io.Writer) error { return describe.Image(w, nil, now) }, io.Discard, describe.ErrNilObject},
		{"stream write fails", func(w io.Writer) error { return describe.ImageStream(w, busyStream(), now) }, failingWriter{errDisk}, errDisk},
		{"image write fails", func(w io.Writer) error { return describe.Image(w, emptyLayersImage(), now) }, failingWriter{errDisk}, errDisk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(tt.w); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

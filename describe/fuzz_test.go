package describe_test

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imagestreams/imagestreams/describe"
	"github.com/imagestreams/imagestreams/image"
)

// writes counts the Write calls it gets; with fail set it fails them.
type writes struct {
	bytes.Buffer
	n    int
	fail bool
}

var errWrite = errors.New("disk full")

func (w *writes) Write(b []byte) (int, error) {
	w.n++
	if w.fail {
		return 0, errWrite
	}
	return w.Buffer.Write(b)
}

// field is a "Label:" line of a description and how many lines its value
// takes (the first line and the continuation lines in the value column).
type field struct {
	label, value string
	lines        int
}

// header parses the "Label:\tvalue" lines at the start of out, up to the
// first line that is neither a field nor a continuation.
func header(out string) []field {
	var fs []field
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "\t") && len(fs) > 0 {
			fs[len(fs)-1].lines++
			continue
		}
		label, value, ok := strings.Cut(line, ":\t")
		if !ok || label == "" {
			break
		}
		fs = append(fs, field{label, strings.TrimLeft(value, "\t"), 1})
	}
	return fs
}

// checkCommon checks what every description promises whatever the
// object: the same output twice, in a single Write; the writer's error
// wrapped when it fails; valid UTF-8 (decoded JSON strings always are)
// and no control character but tab and newline, so no value can add a
// line; a final newline.
func checkCommon(t *testing.T, render func(w *writes) error) string {
	t.Helper()
	var a, b writes
	if err := render(&a); err != nil {
		t.Fatal(err)
	}
	if err := render(&b); err != nil {
		t.Fatal(err)
	}
	if a.n != 1 {
		t.Fatalf("%d writes, want a single Write", a.n)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("not deterministic:\n%s\n---\n%s", a.Bytes(), b.Bytes())
	}
	failing := writes{fail: true}
	if err := render(&failing); !errors.Is(err, errWrite) || !strings.HasPrefix(err.Error(), "describe: ") {
		t.Fatalf("failing writer: error %v, want describe: wrapping %v", err, errWrite)
	}
	out := a.String()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8:\n%q", out)
	}
	if i := strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }); i >= 0 {
		t.Fatalf("control character at %d:\n%q", i, out)
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end in a newline:\n%q", out)
	}
	return out
}

// checkFields compares the parsed header with want, labels and line
// counts; a want value other than "" must match too.
func checkFields(t *testing.T, got, want []field, out string) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("header fields %v, want %v:\n%s", got, want, out)
	}
	for i, w := range want {
		g := got[i]
		if g.label != w.label || g.lines != w.lines || w.value != "" && g.value != w.value {
			t.Fatalf("field %d = %+v, want %+v\nall: %+v\n%s", i, g, w, got, out)
		}
	}
}

// annotationFields are the fields the annotations of an object take
// (Description, then Annotations with <none> when only it was set).
func annotationFields(m map[string]string) []field {
	var fs []field
	if m["description"] != "" {
		fs = append(fs, field{label: "Description", lines: 1})
	}
	n := 0
	for k := range m {
		if k != "description" {
			n++
		}
	}
	return append(fs, field{label: "Annotations", lines: max(n, 1)})
}

// FuzzImageStream renders streams decoded from arbitrary JSON and checks
// the promises of ImageStream's doc: the output is deterministic, reaches
// the writer in one Write, wraps a writer's error, is valid UTF-8 without
// control characters; the header has oc's fields in oc's order, the
// optional ones (Namespace, Created, Description, Unique Images) exactly
// when the doc says, one line per label and annotation, and "Tags:"
// counts the distinct tag names of spec and status. Every tag name is
// printed, as a block or after the tag it follows; no block is printed
// twice; every history event of a tag with a block has its line, and the
// output does not change when spec and status tags are listed in reverse
// order (tags come in PrioritizeTags order, not the input's).
func FuzzImageStream(f *testing.F) {
	for _, is := range []*image.ImageStream{seedPythonStream(false), seedPythonStream(true), busyStream()} {
		data, err := image.Encode(is)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"metadata":{"name":"s","annotations":{"description":"d","a":"1","b":"2"},"labels":{"x":"1","y":"2"}},` +
		`"spec":{"tags":[{"name":"latest","from":{"kind":"DockerImage","name":"r/x"}},{"name":"stable","from":{"kind":"ImageStreamTag","name":"latest"}},` +
		`{"name":"prod","from":{"kind":"ImageStreamTag","name":"s:stable"}},{"name":"v1","annotations":{"tags":"a,b","description":"d"}}]},` +
		`"status":{"tags":[{"tag":"latest","items":[{"dockerImageReference":"r/x@sha256:1","image":"sha256:1"},{"dockerImageReference":"r/x:old","image":"sha256:2"}]},{"tag":"pushed","items":[{"image":"sha256:3"}]}]}}`))
	f.Add([]byte(`{"metadata":{"name":"empty"}}`))
	now := time.Date(2024, time.May, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var is image.ImageStream
		if image.DecodeInto(data, &is) != nil {
			return
		}
		if err := describe.ImageStream(&bytes.Buffer{}, nil, now); !errors.Is(err, describe.ErrNilObject) {
			t.Fatalf("nil stream: %v, want ErrNilObject", err)
		}
		out := checkCommon(t, func(w *writes) error { return describe.ImageStream(w, &is, now) })

		spec := map[string]image.TagReference{}
		for _, tr := range is.Spec.Tags {
			spec[tr.Name] = tr
		}
		events := map[string][]image.TagEvent{}
		var names []string
		for _, tr := range is.Spec.Tags {
			if !slices.Contains(names, tr.Name) {
				names = append(names, tr.Name)
			}
		}
		for _, l := range is.Status.Tags {
			events[l.Tag] = l.Items
			if !slices.Contains(names, l.Tag) {
				names = append(names, l.Tag)
			}
		}
		want := []field{{label: "Name", lines: 1}}
		if is.Namespace != "" {
			want = append(want, field{label: "Namespace", lines: 1})
		}
		if !is.CreationTimestamp.IsZero() {
			want = append(want, field{label: "Created", lines: 1})
		}
		want = append(want, field{label: "Labels", lines: max(len(is.Labels), 1)})
		want = append(want, annotationFields(is.Annotations)...)
		want = append(want, field{label: "Docker Pull Spec", lines: 1}, field{label: "Image Lookup", lines: 1, value: "local=" + strconv.FormatBool(is.Spec.LookupPolicy.Local)})
		if len(names) > 0 {
			want = append(want, field{label: "Unique Images", lines: 1}, field{label: "Tags", lines: 1, value: strconv.Itoa(len(names))})
		} else {
			want = append(want, field{label: "Tags", lines: 1, value: "<none>"})
		}
		got := header(out)
		checkFields(t, got, want, out)
		if len(got) != len(want) {
			t.Fatalf("header fields %+v, want %+v:\n%s", got, want, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		headerLines := 0
		for _, f := range got {
			headerLines += f.lines
		}
		if len(names) == 0 {
			if len(lines) != headerLines {
				t.Fatalf("%d lines after the header of a stream without tags:\n%s", len(lines)-headerLines, out)
			}
			return
		}
		// Tag blocks: a blank line, then the tag's name at column 0.
		body := lines[headerLines:]
		var heads []string
		for i, line := range body {
			if i > 0 && body[i-1] == "" && line != "" && !strings.HasPrefix(line, " ") {
				heads = append(heads, line)
			}
		}
		if len(body) == 0 || body[0] != "" {
			t.Fatalf("no blank line before the first tag block:\n%s", out)
		}
		for _, name := range names {
			c := strconv.Quote(name)
			if strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) }) < 0 {
				c = name
			}
			if c == "" || strings.HasPrefix(c, " ") || strings.ContainsAny(c, "(),") {
				continue // not told apart from an indented line or the alias list
			}
			found := 0
			for _, h := range heads {
				tag, aliases, _ := strings.Cut(h, " (")
				if tag == c {
					found++
				}
				if slices.Contains(strings.Split(strings.TrimSuffix(aliases, ")"), ", "), c) {
					found++
				}
			}
			if found != 1 {
				t.Fatalf("tag %q printed %d times, want once:\n%s", name, found, out)
			}
			// A tag with its own block shows every event of its history.
			if slices.Contains(heads, c) || slices.ContainsFunc(heads, func(h string) bool { return strings.HasPrefix(h, c+" (") }) {
				for i, e := range events[name] {
					ref := e.DockerImageReference
					mark := "    "
					if i == 0 {
						mark = "  * "
					}
					if strings.IndexFunc(ref, func(r rune) bool { return unicode.IsControl(r) }) >= 0 {
						ref = strconv.Quote(ref)
					}
					if !slices.Contains(body, mark+ref) {
						t.Fatalf("tag %q: event %d %q has no line %q:\n%s", name, i, ref, mark+ref, out)
					}
				}
			}
		}
		if len(heads) > len(names) {
			t.Fatalf("%d tag blocks for %d tags:\n%s", len(heads), len(names), out)
		}
		// The input order of tags does not matter when no name repeats.
		if uniqueNames(is) {
			rev := is
			rev.Spec.Tags = slices.Clone(is.Spec.Tags)
			rev.Status.Tags = slices.Clone(is.Status.Tags)
			slices.Reverse(rev.Spec.Tags)
			slices.Reverse(rev.Status.Tags)
			var r bytes.Buffer
			if err := describe.ImageStream(&r, &rev, now); err != nil {
				t.Fatal(err)
			}
			if r.String() != out {
				t.Fatalf("output depends on the order of the tag lists:\n%s\n---\n%s", out, r.String())
			}
		}
	})
}

// uniqueNames reports whether no tag name repeats within spec or status.
func uniqueNames(is image.ImageStream) bool {
	seen := map[string]bool{}
	for _, tr := range is.Spec.Tags {
		if seen[tr.Name] {
			return false
		}
		seen[tr.Name] = true
	}
	seen = map[string]bool{}
	for _, l := range is.Status.Tags {
		if seen[l.Tag] {
			return false
		}
		seen[l.Tag] = true
	}
	return true
}

// FuzzImage renders images decoded from arbitrary JSON and checks the
// promises of Image's doc: deterministic output in one Write, a writer's
// error wrapped, valid UTF-8 without control characters, and the fields
// in oc's order, the optional ones exactly when the doc says: Created,
// Labels and annotations only when set, "Layer Size" for an image without
// layers or manifests and "Image Size" otherwise, Manifests for a list,
// config fields unless a list has no config, Entrypoint, Environment and
// Volumes only when set. Every label, annotation, manifest, environment
// variable, volume and Docker label has its line, and nothing follows
// the fields.
func FuzzImage(f *testing.F) {
	now := time.Date(2017, time.October, 2, 17, 10, 30, 0, time.UTC)
	for _, img := range []*image.Image{&seedPythonTag(now).Image, emptyLayersImage()} {
		data, err := image.Encode(img)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"metadata":{"name":"sha256:1","labels":{"a":"1","b":"2"},"annotations":{"description":"d","x":"1"}},"dockerImageLayers":[{"name":"sha256:2","size":5}],` +
		`"dockerImageMetadata":{"Config":{"Entrypoint":["a","b"],"Env":["A=1","B=2","C=3"],"Volumes":{"/v":{},"/w":{}},"Labels":{"l":"1","m":"2"},"ExposedPorts":{"80/tcp":{}}}}}`))
	f.Add([]byte(`{"metadata":{"name":"sha256:list"},"dockerImageManifests":[{"digest":"sha256:a","os":"linux","architecture":"amd64"},{"digest":"sha256:b","os":"linux","architecture":"arm64","variant":"v8"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var img image.Image
		if image.DecodeInto(data, &img) != nil {
			return
		}
		if err := describe.Image(&bytes.Buffer{}, nil, now); !errors.Is(err, describe.ErrNilObject) {
			t.Fatalf("nil image: %v, want ErrNilObject", err)
		}
		out := checkCommon(t, func(w *writes) error { return describe.Image(w, &img, now) })

		meta := &img.DockerImageMetadata
		want := []field{{label: "Docker Image", lines: 1}, {label: "Name", lines: 1}}
		if !img.CreationTimestamp.IsZero() {
			want = append(want, field{label: "Created", lines: 1})
		}
		if len(img.Labels) > 0 {
			want = append(want, field{label: "Labels", lines: len(img.Labels)})
		}
		if len(img.Annotations) > 0 {
			want = append(want, annotationFields(img.Annotations)...)
		}
		list := len(img.DockerImageManifests) > 0
		sizeLabel := "Image Size"
		if len(img.DockerImageLayers) == 0 && !list {
			sizeLabel = "Layer Size"
		}
		want = append(want, field{label: sizeLabel, lines: 1}, field{label: "Image Created", lines: 1}, field{label: "Author", lines: 1}, field{label: "Arch", lines: 1})
		if list {
			want = append(want, field{label: "Manifests", lines: len(img.DockerImageManifests)})
		}
		if c := meta.Config; c != nil || !list {
			if c == nil {
				c = &image.DockerConfig{}
			}
			if len(c.Entrypoint) > 0 {
				want = append(want, field{label: "Entrypoint", lines: 1})
			}
			if len(c.Cmd) > 0 || len(c.Entrypoint) == 0 {
				want = append(want, field{label: "Command", lines: 1})
			}
			want = append(want, field{label: "Working Dir", lines: 1}, field{label: "User", lines: 1}, field{label: "Exposes Ports", lines: 1},
				field{label: "Docker Labels", lines: max(len(c.Labels), 1)})
			if len(c.Env) > 0 {
				want = append(want, field{label: "Environment", lines: len(c.Env)})
			}
			if len(c.Volumes) > 0 {
				want = append(want, field{label: "Volumes", lines: len(c.Volumes)})
			}
		}
		got := header(out)
		checkFields(t, got, want, out)
		if len(got) != len(want) {
			t.Fatalf("fields %+v, want %+v:\n%s", got, want, out)
		}
		n := 0
		for _, f := range got {
			n += f.lines
		}
		if lines := strings.Count(out, "\n"); lines != n {
			t.Fatalf("%d lines, %d of them fields:\n%s", lines, n, out)
		}
		if size := meta.Size; size > 0 && len(img.DockerImageLayers) > 0 && !strings.HasPrefix(got[slices.IndexFunc(got, func(f field) bool { return f.label == sizeLabel })].value, describe.HumanSize(size)+" in ") {
			t.Fatalf("Image Size does not start with %q:\n%s", describe.HumanSize(size), out)
		}
	})
}

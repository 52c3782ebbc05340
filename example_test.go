package imagestreams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Example decodes a stream as `oc get is -o yaml` prints it, validates it
// and reads its newest image.
func Example() {
	data := []byte(`
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ruby
  namespace: demo
spec:
  tags:
  - name: latest
    from:
      kind: DockerImage
      name: ruby
status:
  dockerImageRepository: ""
  tags:
  - tag: latest
    items:
    - created: "2024-05-14T09:00:00Z"
      dockerImageReference: docker.io/library/ruby@sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
      image: sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
      generation: 1
`)
	obj, err := image.Decode(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	is := obj.(*image.ImageStream)

	// Validation does not default: the tag has no referencePolicy yet.
	var inv *image.InvalidError
	if errors.As(image.ValidateImageStream(is), &inv) {
		for _, fe := range inv.Errs {
			fmt.Println(fe)
		}
	}
	image.SetDefaults(is)
	fmt.Println("valid after defaulting:", image.ValidateImageStream(is) == nil)

	imagestream.Normalize(is)
	latest := imagestream.LatestTaggedImage(is, "latest")
	ref, _ := reference.Parse(latest.DockerImageReference)
	fmt.Println(ref.DaemonMinimal().Exact())
	// Output:
	// spec.tags[latest].referencePolicy.type: Invalid value: "": valid values are "Source", "Local"
	// valid after defaulting: true
	// docker.io/ruby@sha256:4abd57de32a14c95ec2bcc0506479f0605a0b2ee73430e490934e2cc43bdbe29
}

// Example_push runs the README tour's push, whose lines it holds verbatim
// (TestReadmeGoBlocks checks): a mapping as the integrated registry sends
// it, with an image built by image.FromManifest, which leaves
// dockerImageReference empty. The service's registry hostname lets the
// mapping default it (SEMANTICS §6.1); without one, the mapping is
// invalid. The watch, started before the push, reports it.
func Example_push() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the watch
	content := imagetest.ImageContent("ruby", imagetest.Options{})
	img, err := image.FromManifest(image.ManifestInput{Manifest: content.Manifest, MediaType: content.MediaType, Config: content.Config, Digest: content.ManifestDigest})
	if err != nil {
		log.Fatal(err)
	}

	svc := imagestream.NewService(memory.New(), // or bolt.Open(...), etcd.New(...)
		imagestream.WithRegistryHostname("image-registry.openshift-image-registry.svc:5000", ""))
	if _, err := svc.ImageStreams("demo").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: "ruby"}}); err != nil {
		log.Fatal(err)
	}
	changes, err := svc.WatchTags(ctx, "demo", imagestream.WatchOptions{}) // react to new images, like image change triggers
	if err != nil {
		log.Fatal(err)
	}
	_, err = svc.ImageStreamMappings("demo").Create(ctx, &image.ImageStreamMapping{
		ObjectMeta: image.ObjectMeta{Name: "ruby", Namespace: "demo"},
		Tag:        "latest",
		// e.g. from image.FromManifest or imagetest.Image; without a
		// dockerImageReference the image gets <registry>/demo/ruby@<digest>.
		Image: *img,
	})
	if err != nil {
		log.Fatal(err)
	}
	c := <-changes // the push, as a trigger sees it
	fmt.Println(c.Stream+":"+c.Tag, "->", c.Current.DockerImageReference)
	// ruby:latest -> image-registry.openshift-image-registry.svc:5000/demo/ruby@sha256:…

	// Output:
	// ruby:latest -> image-registry.openshift-image-registry.svc:5000/demo/ruby@sha256:6d5eb3536f15b333981094276395ff58bd9a8cd7af4c3b6b2b5bec04105e0dbe
}

// readmeFreeVars are the values the README's Go blocks leave to the
// reader, as the parameters of the function a block is pasted into.
const readmeFreeVars = "ctx context.Context, data []byte, img *image.Image, store storage.Interface"

// readmeImports are what the README's Go blocks use, each referred to
// once so that a block need not use them all.
const readmeImports = `import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

var (
	_ context.Context
	_ = errors.As
	_ = fmt.Println
	_ = log.Fatal
	_ image.Object
	_ = imagestream.NewService
	_ = importer.New
	_ = reference.Parse
	_ storage.Interface
	_ = memory.New
)
`

// readmeBlock is a fenced Go block of README.md.
type readmeBlock struct {
	line int    // README line of the block's first line of code
	code string // the code, each line ending in a newline
}

// readmeGoBlocks returns the ```go blocks of a Markdown document.
func readmeGoBlocks(md string) []readmeBlock {
	var blocks []readmeBlock
	var cur *readmeBlock
	for i, line := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &readmeBlock{line: i + 2}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	return blocks
}

// TestReadmeGoBlocks builds every Go block of README.md as a reader who
// pastes it into a function would: only the free variables (ctx, data,
// img, store) and the imports are supplied, so a value a block declares
// and never uses fails, as it does for the reader. Errors point into
// README.md. It also checks that Example_push holds the README's push
// block line for line, so that running the example runs the snippet.
func TestReadmeGoBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	md, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeGoBlocks(string(md))
	if len(blocks) < 4 {
		t.Fatalf("README.md has %d Go blocks, want the tour's 4 at least", len(blocks))
	}

	t.Run("build", func(t *testing.T) {
		src := "package imagestreams\n\n" + readmeImports
		for i, b := range blocks {
			src += fmt.Sprintf("\nfunc readmeBlock%d(%s) {\n//line README.md:%d\n%s}\n", i, readmeFreeVars, b.line, b.code)
		}
		// The file joins the root package only in the build's view
		// (-overlay), so the tree stays as it is.
		dir := t.TempDir()
		file := filepath.Join(dir, "readme_blocks.go")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		root, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, "zz_readme_blocks.go"): file}})
		if err != nil {
			t.Fatal(err)
		}
		overlayFile := filepath.Join(dir, "overlay.json")
		if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("go", "build", "-overlay", overlayFile, ".").CombinedOutput(); err != nil {
			t.Errorf("README.md's Go blocks do not build as pasted: %v\n%s", err, out)
		}
	})

	t.Run("Example_push runs the push block", func(t *testing.T) {
		src, err := os.ReadFile("example_test.go")
		if err != nil {
			t.Fatal(err)
		}
		_, body, ok := strings.Cut(string(src), "\nfunc Example_push() {\n")
		body, _, _ = strings.Cut(body, "\n}\n")
		if !ok {
			t.Fatal("no Example_push in example_test.go")
		}
		body = strings.ReplaceAll("\n"+body+"\n", "\n\t", "\n")
		var push *readmeBlock
		for i := range blocks {
			if strings.Contains(blocks[i].code, "ImageStreamMappings") {
				push = &blocks[i]
			}
		}
		if push == nil {
			t.Fatal("README.md has no push block")
		}
		if !strings.Contains(body, "\n"+push.code) {
			t.Errorf("Example_push does not hold README.md's push block (line %d) verbatim:\n%s", push.line, push.code)
		}
	})
}

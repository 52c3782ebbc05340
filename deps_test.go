package imagestreams_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/imagestreams/imagestreams"

// TestDependencyDirection holds the package arrows of DESIGN.md in place:
// reference ← image ← imagestream ← {importer, prune}; image ← describe,
// which renders for people and reads nothing; storage knows nothing about
// images; image and reference do no I/O.
func TestDependencyDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := []struct {
		pkg      string
		mayUse   []string // project packages it may import directly
		mustNot  []string // nothing it links, directly or not, may have one of these prefixes
		optional bool     // package may not exist yet
	}{
		{pkg: "reference", mustNot: []string{"net/http"}},
		{pkg: "image", mayUse: []string{"reference"}, mustNot: []string{"net/http", "log/slog", "golang.org/x/sync"}},
		{pkg: "image/imagetest", mayUse: []string{"image", "reference"}},
		{pkg: "storage"},
		{pkg: "storage/memory", mayUse: []string{"storage", "storage/internal/", "internal/"}},
		{pkg: "storage/bolt", mayUse: []string{"storage", "storage/internal/", "internal/"}},
		{pkg: "storage/etcd", mayUse: []string{"storage", "storage/internal/", "internal/"}},
		{pkg: "storage/storagetest", mayUse: []string{"storage", "storage/internal/", "internal/"}},
		{pkg: "imagestream", mayUse: []string{"image", "reference", "storage", "internal/keylock"}},
		{pkg: "importer", mayUse: []string{"image", "reference", "imagestream", "internal/"}, mustNot: []string{module + "/prune"}},
		{pkg: "prune", mayUse: []string{"image", "reference", "imagestream", "storage", "internal/"}, mustNot: []string{module + "/importer"}},
		{pkg: "describe", mayUse: []string{"image", "reference"}, mustNot: []string{"net/http", module + "/storage"}},
	}
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			deps, err := goList(r.pkg, "-deps", "{{.ImportPath}}")
			if err != nil {
				if r.optional {
					t.Skipf("%s not built yet: %v", r.pkg, err)
				}
				t.Fatalf("go list %s: %v", r.pkg, err)
			}
			for _, dep := range deps {
				for _, bad := range r.mustNot {
					if strings.HasPrefix(dep, bad) {
						t.Errorf("%s depends on %s", r.pkg, dep)
					}
				}
			}
			imports, err := goList(r.pkg, "", `{{join .Imports "\n"}}`)
			if err != nil {
				t.Fatal(err)
			}
			for _, dep := range imports {
				rel, ok := strings.CutPrefix(dep, module+"/")
				if !ok || rel == r.pkg {
					continue
				}
				if !slices.ContainsFunc(r.mayUse, func(p string) bool { return rel == p || strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p) }) {
					t.Errorf("%s imports %s; allowed: %v", r.pkg, rel, r.mayUse)
				}
			}
		})
	}
}

func goList(pkg, flag, format string) ([]string, error) {
	args := []string{"list", "-f", format}
	if flag != "" {
		args = append(args, flag)
	}
	out, err := exec.Command("go", append(args, "./"+pkg)...).Output()
	return strings.Fields(string(out)), err
}

package imagestreams_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/imagestreams/imagestreams"

// TestDependencyDirection holds the package arrows of DESIGN.md in place:
// reference ← image ← imagestream ← {importer, prune}; storage knows
// nothing about images; image and reference do no I/O.
func TestDependencyDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := []struct {
		pkg      string
		mayUse   []string // project packages it may import (directly or not)
		mustNot  []string // any import path with one of these prefixes is forbidden
		optional bool     // package may not exist yet
	}{
		{pkg: "reference", mustNot: []string{"net/http"}},
		{pkg: "image", mayUse: []string{"reference"}, mustNot: []string{"net/http", "log/slog", "golang.org/x/sync"}},
		{pkg: "image/imagetest", mayUse: []string{"image", "reference"}},
		{pkg: "storage"},
		{pkg: "storage/memory", mayUse: []string{"storage", "storage/internal/"}},
		{pkg: "storage/bolt", mayUse: []string{"storage", "storage/internal/"}},
		{pkg: "storage/etcd", mayUse: []string{"storage", "storage/internal/"}},
		{pkg: "storage/storagetest", mayUse: []string{"storage", "storage/internal/"}},
		{pkg: "imagestream", mayUse: []string{"image", "reference", "storage"}},
		{pkg: "importer", mayUse: []string{"image", "reference", "imagestream", "internal/"}, mustNot: []string{module + "/storage", module + "/prune"}, optional: true},
		{pkg: "prune", mayUse: []string{"image", "reference", "imagestream", "storage", "internal/"}, mustNot: []string{module + "/importer"}, optional: true},
	}
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./"+r.pkg).Output()
			if err != nil {
				if r.optional {
					t.Skipf("%s not built yet: %v", r.pkg, err)
				}
				t.Fatalf("go list %s: %v", r.pkg, err)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, bad := range r.mustNot {
					if strings.HasPrefix(dep, bad) {
						t.Errorf("%s depends on %s", r.pkg, dep)
					}
				}
				rel, ok := strings.CutPrefix(dep, module+"/")
				if !ok || rel == r.pkg {
					continue
				}
				if !slices.ContainsFunc(r.mayUse, func(p string) bool { return rel == p || strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p) }) {
					t.Errorf("%s depends on %s; allowed: %v", r.pkg, rel, r.mayUse)
				}
			}
		})
	}
}

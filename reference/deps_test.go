package reference_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies holds the package to its place as the project's leaf:
// no project imports and no HTTP stack (DESIGN.md, STYLE.md §9).
func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const self = "github.com/imagestreams/imagestreams/reference"
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == self:
		case strings.HasPrefix(dep, "github.com/imagestreams/imagestreams/"):
			t.Errorf("reference imports project package %s", dep)
		case dep == "net/http":
			t.Errorf("reference links %s", dep)
		}
	}
}

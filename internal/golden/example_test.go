package golden_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/imagestreams/imagestreams/internal/golden"
)

// A test renders its output and hands it to Check; here a throwaway
// testing.T from testing.Benchmark stands in for the test's own.
func ExampleCheck() {
	dir, err := os.MkdirTemp("", "golden")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "greeting.golden")
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		panic(err)
	}
	failed := false
	testing.Benchmark(func(b *testing.B) {
		golden.Check(b, path, []byte("hello\n"))
		failed = b.Failed()
	})
	fmt.Println("matches:", !failed)
	// Output: matches: true
}

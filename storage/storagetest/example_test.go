package storagetest_test

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

// Minimal hides a backend's optional interfaces, so that code (or the
// conformance suite) runs on the generic fallbacks.
func ExampleMinimal() {
	ctx := context.Background()
	mem := memory.New()
	defer mem.Close()
	s := storagetest.Minimal(mem)

	_, native := s.(storage.GuaranteedUpdater)
	fmt.Println("native GuaranteedUpdate:", native)

	obj, err := storage.GuaranteedUpdate(ctx, s, "/examples/a", true, func(cur storage.Object) ([]byte, error) {
		return []byte("created by the Get/Create loop"), nil
	})
	fmt.Println(string(obj.Value), err)
	// Output:
	// native GuaranteedUpdate: false
	// created by the Get/Create loop <nil>
}

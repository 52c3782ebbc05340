package bolt_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/bolt"
)

// Objects, their resourceVersions and the history survive a restart.
func Example() {
	dir, err := os.MkdirTemp("", "bolt-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "store.db")
	ctx := context.Background()

	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	rv, err := s.Create(ctx, "/images/sha256:abc", []byte(`{"v":1}`))
	if err != nil {
		log.Fatal(err)
	}
	obj, err := storage.GuaranteedUpdate(ctx, s, "/images/sha256:abc", false, func(cur storage.Object) ([]byte, error) {
		return []byte(`{"v":2}`), nil
	})
	if err != nil {
		log.Fatal(err)
	}
	s.Close()

	// A new process opens the same file.
	s, err = bolt.Open(path, bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(ctx, "/images/sha256:abc")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(got.Value), got.ResourceVersion == obj.ResourceVersion)

	// A watcher that had seen rv resumes after it.
	ch, err := s.Watch(ctx, "/images/", rv)
	if err != nil {
		log.Fatal(err)
	}
	ev := <-ch
	fmt.Println(ev.Type, string(ev.PrevValue), "->", string(ev.Value))
	// Output:
	// {"v":2} true
	// MODIFIED {"v":1} -> {"v":2}
}

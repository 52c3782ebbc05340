package memory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// A Store keeps a bounded history of events. A watcher that asks for a
// revision the history no longer covers gets ErrTooOld and must list
// again, as a Kubernetes client does on "410 Gone".
func ExampleWithHistory() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := memory.New(memory.WithHistory(2))
	defer s.Close()

	rv, _ := s.Create(ctx, "/images/a", []byte("v1"))
	for _, v := range []string{"v2", "v3", "v4"} {
		rv, _ = s.Update(ctx, "/images/a", []byte(v), rv)
	}
	_, err := s.Watch(ctx, "/images/", 1)
	fmt.Println(errors.Is(err, storage.ErrTooOld))

	list, _ := s.List(ctx, "/images/", storage.ListOptions{})
	events, err := s.Watch(ctx, "/images/", list.ResourceVersion)
	fmt.Println(err)
	_, _ = s.Update(ctx, "/images/a", []byte("v5"), rv)
	ev := <-events
	fmt.Println(ev.Type, string(ev.Value))
	// Output:
	// true
	// <nil>
	// MODIFIED v5
}

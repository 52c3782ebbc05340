package history_test

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/history"
)

func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	l := history.New(1000, 1<<20, 1) // the store is at revision 1
	l.Append(storage.Event{Type: storage.Added, Key: "/a/x", Value: []byte("1"), ResourceVersion: 2}, nil)
	l.Append(storage.Event{Type: storage.Added, Key: "/b/y", Value: []byte("1"), ResourceVersion: 3}, nil)
	l.Append(storage.Event{Type: storage.Modified, Key: "/a/x", Value: []byte("2"), PrevValue: []byte("1"), ResourceVersion: 4}, nil)

	ch, err := l.Watch(ctx, "/a/", 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		ev := <-ch
		fmt.Println(ev.ResourceVersion, ev.Type, ev.Key, string(ev.Value))
	}
	// Output:
	// 2 ADDED /a/x 1
	// 4 MODIFIED /a/x 2
}

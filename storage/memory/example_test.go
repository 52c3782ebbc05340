package memory_test

import (
	"context"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func Example() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	rv, _ := s.Create(ctx, "/imagestreams/ns/app", []byte(`{"tags":1}`))
	list, _ := s.List(ctx, "/imagestreams/ns/", storage.ListOptions{})
	fmt.Println("listed", len(list.Items), "at", list.ResourceVersion)

	// Watch from the list's revision: nothing between the list and the
	// watch can be missed.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, _ := s.Watch(ctx, "/imagestreams/ns/", list.ResourceVersion)

	_, _ = s.Update(ctx, "/imagestreams/ns/app", []byte(`{"tags":2}`), rv)
	_, _ = s.Delete(ctx, "/imagestreams/ns/app", 0)
	for range 2 {
		ev := <-events
		fmt.Println(ev.ResourceVersion, ev.Type, ev.Key, string(ev.Value), string(ev.PrevValue))
	}
	// Output:
	// listed 1 at 2
	// 3 MODIFIED /imagestreams/ns/app {"tags":2} {"tags":1}
	// 4 DELETED /imagestreams/ns/app  {"tags":2}
}

// A continue token keeps the snapshot of the first page while the history
// still covers it.
func ExampleStore_List() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	for _, name := range []string{"a", "b", "c"} {
		_, _ = s.Create(ctx, "/images/"+name, []byte(name))
	}
	page, _ := s.List(ctx, "/images/", storage.ListOptions{Limit: 2})
	_, _ = s.Delete(ctx, "/images/c", 0)
	rest, _ := s.List(ctx, "/images/", storage.ListOptions{Limit: 2, Continue: page.Continue})
	for _, p := range []storage.ListResult{page, rest} {
		for _, o := range p.Items {
			fmt.Print(o.Key, " ")
		}
		fmt.Println("at", p.ResourceVersion, "more:", p.Continue != "")
	}
	// Output:
	// /images/a /images/b at 4 more: true
	// /images/c at 4 more: false
}

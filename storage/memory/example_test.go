package memory_test

import (
	"context"
	"fmt"
	"slices"

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

// A large value that changes a part at a time is written as parts: the
// next version copies the list, replaces the part that changed and shares
// the others. Readers see the concatenation; Revision checks a cached copy
// without reading the value.
func ExampleStore_UpdateParts() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	rv, _ := s.Create(ctx, "/imagestreams/ns/app", nil)
	parts := [][]byte{[]byte(`{"tags":[`), []byte(`"a",`), []byte(`"b"`), []byte(`]}`)}
	rv, _ = s.UpdateParts(ctx, "/imagestreams/ns/app", parts, rv)

	next := slices.Clone(parts) // never modify parts in place: the Store shares them
	next[2] = []byte(`"c"`)
	rv, _ = s.UpdateParts(ctx, "/imagestreams/ns/app", next, rv)

	obj, _ := s.Get(ctx, "/imagestreams/ns/app")
	cur, _ := s.Revision(ctx, "/imagestreams/ns/app")
	fmt.Println(string(obj.Value), obj.ResourceVersion == rv, cur == rv)
	// Output:
	// {"tags":["a","c"]} true true
}

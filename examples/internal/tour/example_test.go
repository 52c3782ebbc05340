package tour_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imagestreams/imagestreams/examples/internal/tour"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// Two runs over one store: the first does the quickstart's flow, the
// second finds its state and adds to it. Only each run's first line is
// printed here; the examples' golden files hold the rest.
func Example() {
	store := memory.New()
	defer store.Close()
	for range 2 {
		t := &tour.Tour{}
		svc := imagestream.NewService(store, imagestream.WithClock(t.Clock), imagestream.WithRegistryHostname(tour.Registry, ""))
		var out strings.Builder
		if err := t.Run(context.Background(), svc, &out); err != nil {
			log.Fatal(err)
		}
		first, _, _ := strings.Cut(out.String(), "\n")
		fmt.Println(first)
	}
	// Output:
	// demo/ruby not found: first run, doing the quickstart's flow
	// demo/ruby survived the restart: generation 4, tags [latest prod], 2 event(s) in latest's history
}

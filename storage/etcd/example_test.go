package etcd_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/etcd"
)

// Two stores with different prefixes share one etcd cluster without
// seeing each other's keys, and a failed compare-and-swap carries the
// current object.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	endpoint := server.Endpoint() // an etcd started by TestMain

	prefix := uniquePrefix()
	a, err := etcd.New(ctx, etcd.Config{Endpoints: []string{endpoint}, Prefix: prefix + "/a"})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := etcd.New(ctx, etcd.Config{Endpoints: []string{endpoint}, Prefix: prefix + "/b"})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	rv, err := a.Create(ctx, "/imagestreams/ns/web", []byte("v1"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = b.Get(ctx, "/imagestreams/ns/web")
	fmt.Println("b sees a's key:", !errors.Is(err, storage.ErrNotFound))

	if _, err := a.Update(ctx, "/imagestreams/ns/web", []byte("v2"), rv); err != nil {
		log.Fatal(err)
	}
	// A writer still holding rv loses, and learns the current value.
	_, err = a.Update(ctx, "/imagestreams/ns/web", []byte("v2'"), rv)
	if ce, ok := errors.AsType[*storage.ConflictError](err); ok {
		fmt.Println("conflict; current value:", string(ce.Current.Value))
	}
	// Output:
	// b sees a's key: false
	// conflict; current value: v2
}

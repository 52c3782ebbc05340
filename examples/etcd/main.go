package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/imagestreams/imagestreams/examples/internal/tour"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/etcd"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			log.Fatal(err)
		}
	}
}

// run parses args (without the program name) and runs the example,
// writing its report to w.
func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	fs.SetOutput(w)
	endpoints := fs.String("endpoints", "http://127.0.0.1:2379", "comma-separated etcd client `URLs`")
	prefix := fs.String("prefix", "/imagestreams-example", "etcd key `prefix` the store keeps its keys under, so the example shares a cluster safely")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// The example takes no arguments: refuse them rather than
		// ignore them and every flag after them.
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	// New checks that the cluster answers, so a wrong endpoint fails
	// here with a clear error rather than on the first write.
	store, err := etcd.New(ctx, etcd.Config{Endpoints: strings.Split(*endpoints, ","), Prefix: *prefix})
	if err != nil {
		return err
	}
	defer store.Close()

	t := &tour.Tour{}
	svc := imagestream.NewService(store, imagestream.WithClock(t.Clock), imagestream.WithRegistryHostname(tour.Registry, ""))
	return t.Run(ctx, svc, w)
}

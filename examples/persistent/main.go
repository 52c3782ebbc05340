package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/imagestreams/imagestreams/examples/internal/tour"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/storage/bolt"
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
	fs := flag.NewFlagSet("persistent", flag.ContinueOnError)
	fs.SetOutput(w)
	db := fs.String("db", filepath.Join(os.TempDir(), "imagestreams-example.db"), "bolt database `file`, created if missing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// The example takes no arguments: refuse them rather than
		// ignore them and every flag after them.
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	// The default Options fsync every commit, so an acknowledged push
	// survives a power loss, not only a restart of the process.
	store, err := bolt.Open(*db, bolt.Options{})
	if err != nil {
		return err
	}
	defer store.Close()

	t := &tour.Tour{}
	svc := imagestream.NewService(store, imagestream.WithClock(t.Clock), imagestream.WithRegistryHostname(tour.Registry, ""))
	if err := t.Run(ctx, svc, w); err != nil {
		return err
	}
	// Close explicitly to report a failed final flush; the deferred
	// Close is then a no-op.
	return store.Close()
}

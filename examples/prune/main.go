package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/prune"
	"github.com/imagestreams/imagestreams/storage/memory"
)

// registryHost is the integrated registry's service address, which the
// generated streams' tag events name.
const registryHost = "image-registry.openshift-image-registry.svc:5000"

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
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	fs.SetOutput(w)
	var opts imagetest.SnapshotOptions
	fs.IntVar(&opts.Images, "images", 5000, "number of single-platform images")
	fs.IntVar(&opts.Streams, "streams", 500, "number of image streams")
	fs.IntVar(&opts.Namespaces, "namespaces", 20, "number of namespaces the streams are spread over")
	fs.IntVar(&opts.TagsPerStream, "tags", 5, "maximum number of tags per stream")
	fs.IntVar(&opts.HistoryDepth, "history", 8, "maximum history depth of a tag")
	seed := fs.Uint64("seed", 1, "random seed of the snapshot")
	keepRevisions := fs.Int("keep-tag-revisions", prune.DefaultKeepTagRevisions, "keep the newest N revisions of every tag")
	keepYounger := fs.Duration("keep-younger-than", prune.DefaultKeepYoungerThan, "keep tag events and images younger than this")
	out := fs.String("out", filepath.Join(os.TempDir(), "prune-plan.json"), "write the plan as JSON to this `file`")
	confirm := fs.Bool("confirm", false, "execute the plan against the store, not only plan")
	report := fs.String("report", filepath.Join(os.TempDir(), "prune-report.json"), "with -confirm, write the execution report as JSON to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "-confirm false" parses as -confirm and a stray "false": refuse
		// it rather than do what the caller meant to turn off.
		return fmt.Errorf("unexpected argument %q (a boolean flag takes its value after =, as in -confirm=false)", fs.Arg(0))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"images", opts.Images}, {"streams", opts.Streams}, {"namespaces", opts.Namespaces}, {"tags", opts.TagsPerStream}, {"history", opts.HistoryDepth}} {
		// Zero would silently mean imagetest's default.
		if f.v < 1 {
			return fmt.Errorf("-%s must be at least 1, got %d", f.name, f.v)
		}
	}

	// The newest tag events are at imagetest.Epoch; a day later most of
	// the history is old enough to prune.
	now := imagetest.Epoch.Add(24 * time.Hour)
	policy := prune.Options{Now: now, KeepTagRevisions: keepRevisions, KeepYoungerThan: keepYounger}
	// Plan validates too, but only after the cluster is built.
	if err := policy.Validate(); err != nil {
		return err
	}

	// The cluster: a generated snapshot in an in-memory store.
	store := memory.New()
	defer store.Close()
	// The store stamps what it creates with the service's clock: a fixed
	// one, a day before the newest generated tag event, keeps the output
	// reproducible. The registry hostname gives streams the pull specs
	// the generated tag events and workloads use.
	created := imagetest.Epoch.Add(-24 * time.Hour)
	svc := imagestream.NewService(store,
		imagestream.WithClock(func() time.Time { return created }),
		imagestream.WithRegistryHostname(registryHost, ""))
	generated := imagetest.RandomSnapshot(*seed, opts)
	if err := load(ctx, svc, generated); err != nil {
		return err
	}
	// ServiceTargets is what Execute changes, through the Service: stream
	// status updates, image deletions and the listings of its re-checks.
	// The registry is a stand-in that counts what it is asked to delete; a
	// real run passes prune.Registry, which talks to the registry.
	reg := &fakeRegistry{}
	tg := prune.ServiceTargets(svc, reg)
	// Read everything as `oc adm prune images` does before it plans. The
	// streams carry their resourceVersions, which Execute compares to
	// notice a stream that changed after planning.
	snap, err := prune.ReadSnapshot(ctx, tg.Lister, nil)
	if err != nil {
		return err
	}
	snap.References = workloads(snap.Streams)

	d, err := prune.PlanContext(ctx, snap, policy)
	if err != nil {
		return err
	}
	images, events, err := countStored(ctx, tg.Lister)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "cluster: %d images, %d streams, %d tag events, %d workload references\n", images, len(snap.Streams), events, len(snap.References))
	fmt.Fprintf(w, "policy: keep-tag-revisions=%d keep-younger-than=%s now=%s\n\n", *keepRevisions, *keepYounger, now.Format(time.RFC3339))
	summarize(w, d)
	if err := writeJSON(*out, d); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nwrote the plan as JSON to %s\n", *out)
	if !*confirm {
		fmt.Fprintln(w, "dry run: nothing deleted; run with -confirm to execute the plan")
		return nil
	}

	rep, err := prune.Execute(ctx, d, tg, prune.ExecuteOptions{})
	if err != nil {
		return err
	}
	if images, events, err = countStored(ctx, tg.Lister); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nexecuted: %s\n", rep.Summary())
	fmt.Fprintf(w, "registry asked to delete %s\n", reg)
	fmt.Fprintf(w, "left in the store: %d images, %d tag events\n", images, events)
	if err := writeJSON(*report, rep); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote the report as JSON to %s\n", *report)
	return nil
}

// writeJSON writes v to path as indented JSON.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/storage/memory"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			log.Fatal(err)
		}
	}
}

// ns is the namespace the streams are created in.
const ns = "demo"

// config is what the flags set.
type config struct {
	registry string
	path     string
	insecure bool
	push     bool
	os, arch string
	timeout  time.Duration
}

// run parses args (without the program name) and runs the example,
// writing its report to w.
func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(w)
	var c config
	fs.StringVar(&c.registry, "registry", "localhost:5000", "registry `host[:port]` to import from")
	fs.StringVar(&c.path, "path", "demo", "repository `path` under the registry, holding app and multiarch")
	fs.BoolVar(&c.insecure, "insecure", false, "allow plain HTTP and unverified certificates (importPolicy.insecure); -push then uses plain HTTP. Unset, it is true only for a loopback registry, as docker treats one")
	fs.BoolVar(&c.push, "push", false, "push the demo images to the registry first")
	fs.StringVar(&c.os, "os", "linux", "control plane OS, which a Legacy import prefers in a manifest list")
	fs.StringVar(&c.arch, "arch", "amd64", "control plane architecture, which a Legacy import prefers in a manifest list")
	fs.DurationVar(&c.timeout, "timeout", time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "-push false" parses as -push and a stray "false": refuse
		// it rather than do what the caller meant to turn off.
		return fmt.Errorf("unexpected argument %q (a boolean flag takes its value after =, as in -push=false)", fs.Arg(0))
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "insecure" })
	if !set {
		// Certificates are verified unless the caller opts out, except
		// for a registry on this machine, which a newcomer runs over
		// plain HTTP and which no one else can impersonate.
		c.insecure = isLoopback(c.registry)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	if c.push {
		if err := push(ctx, c.registry, c.path, c.insecure, newDemoContent()); err != nil {
			return err
		}
		fmt.Fprintf(w, "pushed %s/%s/app:{v1,v2,latest} and %s/%s/multiarch:v1\n\n", c.registry, c.path, c.registry, c.path)
	}

	if c.insecure {
		fmt.Fprintf(w, "importing from %s with importPolicy.insecure: plain HTTP and unverified certificates allowed\n\n", c.registry)
	}

	store := memory.New()
	defer store.Close()
	imp := importer.New(importer.Options{
		// Fixed, rather than this machine's platform, so that the output
		// does not depend on where the example runs.
		ControlPlaneOS:   c.os,
		ControlPlaneArch: c.arch,
		Timeout:          c.timeout,
	})
	svc := imagestream.NewService(store, imagestream.WithImporter(imp))
	imports := svc.ImageStreamImports(ns)
	from := func(name string) image.ObjectReference {
		return image.ObjectReference{Kind: image.KindDockerImage, Name: c.registry + "/" + c.path + "/" + name}
	}
	policy := func(mode image.ImportModeType) image.TagImportPolicy {
		return image.TagImportPolicy{Insecure: c.insecure, ImportMode: mode}
	}
	to := func(tag string) *image.LocalObjectReference { return &image.LocalObjectReference{Name: tag} }

	// imported counts the successful results. Failed ones are printed,
	// not returned, since the example shows them (app:v9 is missing on
	// purpose); but a run where none succeeded has failed.
	imported := 0

	// 1. Images by tag, as `oc import-image app:v1 --from=…`. A tag the
	// registry lacks is a NotFound result, not an error.
	fmt.Fprintln(w, "1. images by tag")
	isi, err := imports.Create(ctx, &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Name: "app"},
		Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{
			{From: from("app:v1"), To: to("v1"), ImportPolicy: policy("")},
			{From: from("app:v9"), To: to("v9"), ImportPolicy: policy("")},
		}},
	})
	if err != nil {
		return err
	}
	for i, st := range isi.Status.Images {
		imported += printResult(w, isi.Spec.Images[i].From.Name+" -> app:"+isi.Spec.Images[i].To.Name, st)
	}

	// 2. A whole repository, as `oc import-image app --all`: every tag,
	// latest first, then versions newest first (SEMANTICS §5.5).
	fmt.Fprintln(w, "\n2. a repository")
	isi, err = imports.Create(ctx, &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Name: "app"},
		Spec: image.ImageStreamImportSpec{Import: true, Repository: &image.RepositoryImportSpec{
			From: from("app"), ImportPolicy: policy(""),
		}},
	})
	if err != nil {
		return err
	}
	if rs := isi.Status.Repository; rs != nil {
		// The repository's own status says whether the tags could be
		// listed at all, and how many of them failed.
		if rs.Status.Status != image.StatusSuccess {
			fmt.Fprintf(w, "  %s\n    %s %d: %s\n", from("app").Name, rs.Status.Reason, rs.Status.Code, rs.Status.Message)
		}
		for _, st := range rs.Images {
			imported += printResult(w, from("app").Name+":"+st.Tag+" -> app:"+st.Tag, st)
		}
	}

	// 3. A manifest list in both modes (SEMANTICS §8.4).
	fmt.Fprintf(w, "\n3. a manifest list, control plane %s/%s\n", c.os, c.arch)
	isi, err = imports.Create(ctx, &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Name: "multiarch"},
		Spec: image.ImageStreamImportSpec{Import: true, Images: []image.ImageImportSpec{
			{From: from("multiarch:v1"), To: to("legacy"), ImportPolicy: policy(image.ImportModeLegacy)},
			{From: from("multiarch:v1"), To: to("preserved"), ImportPolicy: policy(image.ImportModePreserveOriginal)},
		}},
	})
	if err != nil {
		return err
	}
	for i, st := range isi.Status.Images {
		imported += printResult(w, string(isi.Spec.Images[i].ImportPolicy.ImportMode)+" -> multiarch:"+isi.Spec.Images[i].To.Name, st)
	}

	fmt.Fprintln(w, "\nstreams")
	if err := printStreams(ctx, w, svc); err != nil {
		return err
	}
	if imported == 0 {
		return fmt.Errorf("no image imported from %s/%s: does a registry serve it? (see -push)", c.registry, c.path)
	}
	return nil
}

// isLoopback reports whether registry, a host with an optional port, is
// this machine: localhost or a loopback address.
func isLoopback(registry string) bool {
	host := registry
	if h, _, err := net.SplitHostPort(registry); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

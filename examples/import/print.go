package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// printResult prints one import result: the image, or the failure with
// OpenShift's reason, code and message (SEMANTICS §8.11). It returns 1
// for a success and 0 for a failure.
func printResult(w io.Writer, what string, st image.ImageImportStatus) int {
	fmt.Fprintf(w, "  %s\n", what)
	img := st.Image
	if img == nil {
		fmt.Fprintf(w, "    %s %d: %s\n", st.Status.Reason, st.Status.Code, st.Status.Message)
		return 0
	}
	fmt.Fprintf(w, "    %s %s %s\n", st.Status.Status, short(img.Name), imageSummary(img))
	for _, child := range st.Manifests {
		fmt.Fprintf(w, "      child %s %s\n", short(child.Name), imageSummary(&child))
	}
	return 1
}

// imageSummary says what kind of image img is.
func imageSummary(img *image.Image) string {
	if len(img.DockerImageManifests) > 0 {
		var ps []string
		for _, m := range img.DockerImageManifests {
			ps = append(ps, strings.TrimSuffix(m.OS+"/"+m.Architecture+"/"+m.Variant, "/"))
		}
		return fmt.Sprintf("manifest list of %d: %s", len(ps), strings.Join(ps, " "))
	}
	return fmt.Sprintf("%s, %d layers, %s", img.DockerImageMetadata.Architecture, len(img.DockerImageLayers), mediaTypeName(img.DockerImageManifestMediaType))
}

// mediaTypeName shortens the manifest media types the demo uses.
func mediaTypeName(mt string) string {
	switch mt {
	case image.MediaTypeOCIManifest:
		return "OCI manifest"
	case image.MediaTypeDockerSchema2Manifest:
		return "Docker schema 2"
	}
	return mt
}

// printStreams prints every stream of the namespace the way
// `oc get is` and `oc describe is` summarize tags: each tag's newest
// image, its spec source, and a failed import's condition.
func printStreams(ctx context.Context, w io.Writer, svc *imagestream.Service) error {
	list, err := svc.ImageStreams(ns).List(ctx, imagestream.ListOptions{})
	if err != nil {
		return err
	}
	for _, is := range list.Items {
		fmt.Fprintf(w, "  %s/%s\n", is.Namespace, is.Name)
		for _, t := range is.Status.Tags {
			newest := "(no image)"
			if len(t.Items) > 0 {
				newest = short(t.Items[0].Image)
			}
			fmt.Fprintf(w, "    %-10s %s", t.Tag, newest)
			if spec := imagestream.SpecTag(&is, t.Tag); spec != nil && spec.From != nil {
				mode := spec.ImportPolicy.ImportMode
				if mode == "" {
					mode = image.DefaultImportMode
				}
				fmt.Fprintf(w, "  from %s (%s)", spec.From.Name, mode)
			}
			fmt.Fprintln(w)
			for _, c := range t.Conditions {
				fmt.Fprintf(w, "      %s=%s %s\n", c.Type, c.Status, c.Reason)
			}
		}
	}
	images, err := svc.Images().List(ctx, imagestream.ListOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %d images stored\n", len(images.Items))
	return nil
}

// short abbreviates a digest to 12 hex digits, as oc does.
func short(s string) string {
	const algo = "sha256:"
	if strings.HasPrefix(s, algo) && len(s) > len(algo)+12 {
		return s[:len(algo)+12]
	}
	return s
}

package image_test

import (
	"fmt"
	"testing"

	"github.com/imagestreams/imagestreams/image"
)

// benchStream builds a valid stream with the given numbers of spec tags
// (DockerImage) and status tags of events each, as OpenShift writes them:
// tags sorted by name, every event pinned by digest.
func benchStream(specTags, statusTags, events int) *image.ImageStream {
	is := &image.ImageStream{
		ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "team-a", ResourceVersion: "1"},
	}
	for i := range specTags {
		name := fmt.Sprintf("v%05d", i)
		gen := int64(1)
		is.Spec.Tags = append(is.Spec.Tags, image.TagReference{
			Name:            name,
			From:            &image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/team-a/app:" + name},
			Generation:      &gen,
			ImportPolicy:    image.TagImportPolicy{ImportMode: image.ImportModeLegacy},
			ReferencePolicy: image.TagReferencePolicy{Type: image.SourceTagReferencePolicy},
		})
	}
	for i := range statusTags {
		list := image.NamedTagEventList{Tag: fmt.Sprintf("v%05d", i)}
		for j := range events {
			dgst := fmt.Sprintf("sha256:%064x", i*events+j)
			list.Items = append(list.Items, image.TagEvent{
				Created:              image.Date(2026, 1, 1, 0, 0, 0),
				DockerImageReference: "quay.io/team-a/app@" + dgst,
				Image:                dgst,
				Generation:           1,
			})
		}
		is.Status.Tags = append(is.Status.Tags, list)
	}
	return is
}

// BenchmarkValidateImageStream validates a stream with 1,000 spec tags and
// 1,000 status tags of 10 events each (11,000 pull specs); the target is
// under 1 ms per validation.
func BenchmarkValidateImageStream(b *testing.B) {
	is := benchStream(1000, 1000, 10)
	if err := image.ValidateImageStream(is); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := image.ValidateImageStream(is); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateImageStreamVariants measures the other stream
// validators on the same stream: the allow-list hook (which needs every
// spec parsed), an update against an identical old stream, and a status
// update (which indexes the old status).
func BenchmarkValidateImageStreamVariants(b *testing.B) {
	is := benchStream(1000, 1000, 10)
	old := benchStream(1000, 1000, 10)
	allow := image.ValidationOptions{AllowRegistry: image.RegistryAllowList{{DomainName: "quay.io"}}.Allow}
	cases := []struct {
		name string
		run  func() error
	}{
		{"allow-list", func() error { return image.ValidateImageStreamWithOptions(is, allow) }},
		{"update", func() error { return image.ValidateImageStreamUpdate(is, old) }},
		{"update/allow-list", func() error { return image.ValidateImageStreamUpdateWithOptions(is, old, allow) }},
		{"status-update", func() error { return image.ValidateImageStreamStatusUpdate(is, old) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if err := c.run(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

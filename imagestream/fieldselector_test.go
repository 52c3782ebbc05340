package imagestream_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/imagestream"
)

// TestListFieldSelector checks ListOptions.FieldSelector on every list
// that takes it; the tag views match their own "<stream>:<tag>" names
// (SEMANTICS §12.1).
func TestListFieldSelector(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	v1 := imagetest.Image("v1", imagetest.Options{})
	v2 := imagetest.Image("v2", imagetest.Options{})
	for _, name := range []string{"app", "db"} {
		createStream(t, svc, "ns", name)
	}
	pushInto(t, svc, "ns", "app", "latest", v1)
	pushInto(t, svc, "ns", "app", "prod", v2)
	pushInto(t, svc, "ns", "db", "latest", v2)

	list := map[string]func(opts imagestream.ListOptions) ([]string, error){
		"ImageStreams": func(opts imagestream.ListOptions) ([]string, error) {
			l, err := svc.ImageStreams("ns").List(ctx, opts)
			return names(l, err, func(l *image.ImageStreamList) []image.ObjectMeta {
				return metas(l.Items, func(x image.ImageStream) image.ObjectMeta { return x.ObjectMeta })
			})
		},
		"Images": func(opts imagestream.ListOptions) ([]string, error) {
			l, err := svc.Images().List(ctx, opts)
			return names(l, err, func(l *image.ImageList) []image.ObjectMeta {
				return metas(l.Items, func(x image.Image) image.ObjectMeta { return x.ObjectMeta })
			})
		},
		"ImageStreamTags": func(opts imagestream.ListOptions) ([]string, error) {
			l, err := svc.ImageStreamTags("ns").List(ctx, opts)
			return names(l, err, func(l *image.ImageStreamTagList) []image.ObjectMeta {
				return metas(l.Items, func(x image.ImageStreamTag) image.ObjectMeta { return x.ObjectMeta })
			})
		},
		"ImageTags": func(opts imagestream.ListOptions) ([]string, error) {
			l, err := svc.ImageTags("ns").List(ctx, opts)
			return names(l, err, func(l *image.ImageTagList) []image.ObjectMeta {
				return metas(l.Items, func(x image.ImageTag) image.ObjectMeta { return x.ObjectMeta })
			})
		},
	}
	tests := []struct {
		name, kind, selector string
		want                 []string
	}{
		{name: "empty selects all", kind: "ImageStreams", selector: "", want: []string{"app", "db"}},
		{name: "name equals", kind: "ImageStreams", selector: "metadata.name=db", want: []string{"db"}},
		{name: "double equals and namespace", kind: "ImageStreams", selector: "metadata.name==app,metadata.namespace=ns", want: []string{"app"}},
		{name: "not equals", kind: "ImageStreams", selector: "metadata.name!=app", want: []string{"db"}},
		{name: "other namespace", kind: "ImageStreams", selector: "metadata.namespace=other", want: nil},
		{name: "image by name", kind: "Images", selector: "metadata.name=" + v2.Name, want: []string{v2.Name}},
		{name: "istag by view name", kind: "ImageStreamTags", selector: "metadata.name=app:prod", want: []string{"app:prod"}},
		{name: "istag not a stream name", kind: "ImageStreamTags", selector: "metadata.name=app", want: nil},
		{name: "istag exclusion", kind: "ImageStreamTags", selector: "metadata.name!=app:prod", want: []string{"app:latest", "db:latest"}},
		{name: "imagetag by view name", kind: "ImageTags", selector: "metadata.name=db:latest", want: []string{"db:latest"}},
		// Kubernetes' syntax: empty terms are skipped, `\,` and `\=` are
		// part of a value.
		{name: "trailing comma", kind: "ImageStreams", selector: "metadata.name=app,", want: []string{"app"}},
		{name: "empty terms", kind: "ImageStreams", selector: ",metadata.name=db,,", want: []string{"db"}},
		{name: "only commas", kind: "ImageStreams", selector: ",", want: []string{"app", "db"}},
		{name: "escaped comma", kind: "ImageStreams", selector: `metadata.name!=app\,db`, want: []string{"app", "db"}},
		{name: "escaped equals and backslash", kind: "Images", selector: `metadata.name!=a\=b\\`, want: []string{v1.Name, v2.Name}},
		{name: "istag empty term", kind: "ImageStreamTags", selector: "metadata.name=app:prod,", want: []string{"app:prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.name, func(t *testing.T) {
			got, err := list[tt.kind](imagestream.ListOptions{FieldSelector: tt.selector})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("List(FieldSelector %q) (-want +got):\n%s", tt.selector, diff)
			}
		})
	}
	for _, bad := range []struct{ selector, msg string }{
		// Kubernetes' default field-label conversion, which OpenShift's
		// image kinds use (an ImageStream's hands it what it does not
		// know itself, so the message names only the metadata).
		{"spec.tags=x", `"spec.tags" is not a known field selector: only "metadata.name", "metadata.namespace"`},
		{"metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"},
		{"metadata.name=a,labels", "invalid selector: 'metadata.name=a,labels'; can't understand 'labels'"},
		{"spec.tags=x,labels", "invalid selector: 'spec.tags=x,labels'; can't understand 'labels'"},
		{"metadata.name=a=b", "invalid field selector: unescaped character in value: 61"},
		{`metadata.name=a\x`, `invalid field selector: invalid escape sequence: \x`},
		{`metadata.name=a\`, `invalid field selector: invalid escape sequence: \`},
		{" metadata.name=app", `" metadata.name" is not a known field selector: only "metadata.name", "metadata.namespace"`},
		{" ", "invalid selector: ' '; can't understand ' '"},
	} {
		for kind, fn := range list {
			_, err := fn(imagestream.ListOptions{FieldSelector: bad.selector})
			if imagestream.Reason(err) != image.StatusReasonBadRequest || err.Error() != bad.msg {
				t.Errorf("%s.List(FieldSelector %q) = %v; want BadRequest %q", kind, bad.selector, err, bad.msg)
			}
		}
	}
}

// TestListStreamRepositoryFieldSelector checks the two fields only
// ImageStreams are selected by (SEMANTICS §1.1), status.dockerImageRepository
// as the listing Service derives it (§4.2), not as stored; the other kinds
// reject them.
func TestListStreamRepositoryFieldSelector(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for _, s := range []struct{ name, repo string }{{"app", "quay.io/acme/app"}, {"db", "quay.io/acme/db"}, {"plain", ""}} {
		if _, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{
			ObjectMeta: image.ObjectMeta{Name: s.name},
			Spec:       image.ImageStreamSpec{DockerImageRepository: s.repo},
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Without a registry host name, status.dockerImageRepository is the
	// spec's, whatever the store holds.
	noRegistry := imagestream.NewService(svc.Store())
	tests := []struct {
		name     string
		svc      *imagestream.Service
		selector string
		want     []string
	}{
		{name: "spec equals", svc: svc, selector: "spec.dockerImageRepository=quay.io/acme/db", want: []string{"db"}},
		{name: "spec not equals", svc: svc, selector: "spec.dockerImageRepository!=quay.io/acme/db", want: []string{"app", "plain"}},
		{name: "spec empty", svc: svc, selector: "spec.dockerImageRepository=", want: []string{"plain"}},
		{name: "status from the registry", svc: svc, selector: "status.dockerImageRepository=" + registry + "/ns/app", want: []string{"app"}},
		{name: "status not the spec with a registry", svc: svc, selector: "status.dockerImageRepository=quay.io/acme/app", want: nil},
		{name: "status derived, not stored", svc: noRegistry, selector: "status.dockerImageRepository=quay.io/acme/app", want: []string{"app"}},
		{name: "with metadata", svc: svc, selector: "metadata.name!=app,status.dockerImageRepository!=" + registry + "/ns/db", want: []string{"plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.svc.ImageStreams("ns").List(ctx, imagestream.ListOptions{FieldSelector: tt.selector})
			got, err := names(l, err, func(l *image.ImageStreamList) []image.ObjectMeta {
				return metas(l.Items, func(x image.ImageStream) image.ObjectMeta { return x.ObjectMeta })
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("List(FieldSelector %q) (-want +got):\n%s", tt.selector, diff)
			}
		})
	}
	others := map[string]func(opts imagestream.ListOptions) error{
		"Images": func(opts imagestream.ListOptions) error { _, err := svc.Images().List(ctx, opts); return err },
		"ImageStreamTags": func(opts imagestream.ListOptions) error {
			_, err := svc.ImageStreamTags("ns").List(ctx, opts)
			return err
		},
		"ImageTags": func(opts imagestream.ListOptions) error { _, err := svc.ImageTags("ns").List(ctx, opts); return err },
	}
	for kind, list := range others {
		for _, field := range []string{"spec.dockerImageRepository", "status.dockerImageRepository"} {
			err := list(imagestream.ListOptions{FieldSelector: field + "=x"})
			want := fmt.Sprintf("%q is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", field)
			if imagestream.Reason(err) != image.StatusReasonBadRequest || err.Error() != want {
				t.Errorf("%s.List(FieldSelector %s=x) = %v; want BadRequest %q", kind, field, err, want)
			}
		}
	}
}

// names returns the names of a list's items, or err.
func names[L any](l L, err error, items func(L) []image.ObjectMeta) ([]string, error) {
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range items(l) {
		out = append(out, m.Name)
	}
	return out, nil
}

func metas[T any](items []T, meta func(T) image.ObjectMeta) []image.ObjectMeta {
	out := make([]image.ObjectMeta, len(items))
	for i, x := range items {
		out[i] = meta(x)
	}
	return out
}

package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// TestResolveShortName checks the lookup-policy resolution of SEMANTICS
// §11.2 (steps 1-5) and the reference policy it applies (§11.1).
func TestResolveShortName(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for _, s := range []struct {
		name  string
		local bool
	}{{"mysql", true}, {"php", false}} {
		is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: s.name}, Spec: image.ImageStreamSpec{LookupPolicy: image.ImageLookupPolicy{Local: s.local}}}
		if _, err := svc.ImageStreams("ns").Create(ctx, is); err != nil {
			t.Fatal(err)
		}
	}
	pushInto(t, svc, "ns", "mysql", "latest", pushed(1))
	pushInto(t, svc, "ns", "php", "latest", pushed(2))
	pushInto(t, svc, "ns", "mysql", "gone", pushed(3))
	if err := svc.Images().Delete(ctx, pushed(3).Name, imagestream.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// "src" is pulled from quay.io; "srclocal" tracks it with policy Local.
	if _, err := svc.ImageStreamMappings("ns").Create(ctx, mapping("ns", "mysql", "src", 5)); err != nil {
		t.Fatal(err)
	}
	local := &image.TagReference{From: istFrom("src"), ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}}
	if _, err := svc.ImageStreamTags("ns").Create(ctx, &image.ImageStreamTag{ObjectMeta: image.ObjectMeta{Name: "mysql:srclocal"}, Tag: local}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, ref   string
		noNamespace bool // resolve in namespace "" instead of "ns"
		want        string
		wantErr     error              // matched with errors.Is
		wantReason  image.StatusReason // of the *StatusError wrapped, if any
	}{
		{name: "§11.2 step 4: a short name resolves to the tag's image by digest", ref: "mysql", want: registry + "/ns/mysql@" + pushed(1).Name},
		{name: "§11.2 step 3: the tag defaults to latest", ref: "mysql:latest", want: registry + "/ns/mysql@" + pushed(1).Name},
		{name: "§11.1: reference policy Source hands out the source", ref: "mysql:src", want: "quay.io/acme/app@" + digest(5)},
		{name: "§11.1: reference policy Local pulls through the integrated registry", ref: "mysql:srclocal", want: registry + "/ns/mysql@" + digest(5)},
		{name: "§11.2 step 5: a missing tag of a local stream goes through the registry", ref: "mysql:future", want: registry + "/ns/mysql:future"},
		{name: "§11.2 step 5, §12.1: a tag whose Image is gone is the Image's NotFound, not rewritten", ref: "mysql:gone", wantErr: storage.ErrNotFound},
		{name: "§11.2 step 4: a short name needs lookupPolicy.local", ref: "php", wantErr: imagestream.ErrLocalLookupNotAllowed},
		{name: "§11.2 step 5: a missing tag of a stream without local lookup is NotFound", ref: "php:none", wantErr: storage.ErrNotFound},
		{name: "§11.2: a missing stream is NotFound", ref: "redis", wantErr: storage.ErrNotFound},
		{name: "§11.2 step 2: an integrated-registry pull spec resolves without the gate", ref: registry + "/ns/php:latest", want: registry + "/ns/php@" + pushed(2).Name},
		{name: "§11.2 step 1: a digest is exact already", ref: "php@" + digest(9), want: "php@" + digest(9)},
		{name: "§11.2 step 2: another registry is not resolvable", ref: "quay.io/acme/app:1", wantErr: imagestream.ErrNotResolvable},
		{name: "§11.2 step 2: a name with a namespace is not short", ref: "library/mysql", wantErr: imagestream.ErrNotResolvable},
		{name: "a reference that does not parse", ref: "MySQL", wantErr: reference.ErrNameContainsUppercase},
		{name: "an empty reference is BadRequest", ref: "", wantReason: image.StatusReasonBadRequest},
		{name: "a short name without a namespace is BadRequest", ref: "mysql", noNamespace: true, wantReason: image.StatusReasonBadRequest},
		{name: "§11.2 step 2: an integrated-registry pull spec names its namespace", ref: registry + "/ns/php:latest", noNamespace: true, want: registry + "/ns/php@" + pushed(2).Name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := "ns"
			if tt.noNamespace {
				ns = ""
			}
			got, err := svc.ResolveShortName(ctx, ns, tt.ref)
			if tt.wantErr != nil || tt.wantReason != "" {
				le, ok := errors.AsType[*imagestream.LookupError](err)
				if !ok || le.Reference != tt.ref || le.Namespace != ns {
					t.Fatalf("ResolveShortName(%q, %q) = %q, %v; want a *LookupError", ns, tt.ref, got, err)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v does not wrap %v", err, tt.wantErr)
				}
				if tt.wantReason != "" && imagestream.Reason(err) != tt.wantReason {
					t.Errorf("error %v has reason %q, want %q", err, imagestream.Reason(err), tt.wantReason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pull spec (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRepositoriesDecoratedOnRead checks SEMANTICS §4.2: the status
// repositories derive from the reading Service's registry host names,
// not from those stored.
func TestRepositoriesDecoratedOnRead(t *testing.T) {
	ctx := context.Background()
	writer, _ := newService(t)
	local := image.TagReference{Name: "latest", ReferencePolicy: image.TagReferencePolicy{Type: image.LocalTagReferencePolicy}}
	createStream(t, writer, "ns", "app", local)
	pushInto(t, writer, "ns", "app", "latest", pushed(1))
	const internal, public = "registry.internal:5000", "registry.example.com"
	reader, _ := newServiceOn(writer.Store(), imagestream.WithRegistryHostname(internal, public))
	type repos struct{ Internal, Public string }
	want := repos{internal + "/ns/app", public + "/ns/app"}

	got, err := reader.ImageStreams("ns").Get(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	list, err := reader.ImageStreams("ns").List(ctx, imagestream.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, is := range map[string]*image.ImageStream{"Get": got, "List": &list.Items[0]} {
		if diff := cmp.Diff(want, repos{is.Status.DockerImageRepository, is.Status.PublicDockerImageRepository}); diff != "" {
			t.Errorf("%s: repositories (-want +got):\n%s", name, diff)
		}
	}
	ist, err := reader.ImageStreamTags("ns").Get(ctx, "app:latest")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(internal+"/ns/app@"+pushed(1).Name, ist.Image.DockerImageReference); diff != "" {
		t.Errorf("Local pull spec of the ImageStreamTag (-want +got):\n%s", diff)
	}
	if stored := getStream(t, writer, "ns", "app"); stored.Status.DockerImageRepository != registry+"/ns/app" {
		t.Errorf("writer's view changed: %q", stored.Status.DockerImageRepository)
	}
}

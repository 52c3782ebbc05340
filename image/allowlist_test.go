package image_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// TestRegistryAllowListAllowHost follows SEMANTICS §3.11: host[:port]
// globs, default ports by transport.
func TestRegistryAllowListAllowHost(t *testing.T) {
	list := image.RegistryAllowList{
		{DomainName: "quay.io"},
		{DomainName: "*.example.com"},
		{DomainName: "registry.local:5000"},
		{DomainName: "insecure.local", Insecure: true},
		{DomainName: "any.local:*"},
		{DomainName: "10.0.0.?:50?0"},
		{DomainName: ""},
	}
	tests := []struct {
		name      string
		host      string
		transport image.RegistryTransport
		want      bool
	}{
		{name: "exact secure", host: "quay.io", transport: image.RegistryTransportSecure, want: true},
		{name: "exact with default port", host: "quay.io:443", transport: image.RegistryTransportSecure, want: true},
		{name: "case-insensitive host", host: "Quay.IO", transport: image.RegistryTransportSecure, want: true},
		{name: "secure entry over insecure transport", host: "quay.io", transport: image.RegistryTransportInsecure, want: false},
		{name: "secure entry over any transport", host: "quay.io", transport: image.RegistryTransportAny, want: true},
		{name: "wrong port", host: "quay.io:5000", transport: image.RegistryTransportSecure, want: false},
		{name: "star matches subdomains", host: "a.b.example.com", transport: image.RegistryTransportSecure, want: true},
		{name: "star needs the dot", host: "example.com", transport: image.RegistryTransportSecure, want: false},
		{name: "explicit port entry", host: "registry.local:5000", transport: image.RegistryTransportInsecure, want: true},
		{name: "explicit port entry needs the port", host: "registry.local", transport: image.RegistryTransportAny, want: false},
		{name: "insecure entry defaults to 80", host: "insecure.local", transport: image.RegistryTransportInsecure, want: true},
		{name: "insecure entry over secure transport", host: "insecure.local", transport: image.RegistryTransportSecure, want: false},
		{name: "insecure entry with port 80", host: "insecure.local:80", transport: image.RegistryTransportSecure, want: true},
		{name: "port star", host: "any.local:1234", transport: image.RegistryTransportSecure, want: true},
		{name: "question marks", host: "10.0.0.7:5010", transport: image.RegistryTransportSecure, want: true},
		{name: "question mark is one character", host: "10.0.0.17:5010", transport: image.RegistryTransportSecure, want: false},
		{name: "empty entry matches nothing", host: "", transport: image.RegistryTransportSecure, want: false},
		{name: "unlisted", host: "docker.io", transport: image.RegistryTransportAny, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := list.AllowHost(tt.host, tt.transport)
			if got := err == nil; got != tt.want {
				t.Fatalf("AllowHost(%q, %s) = %v, want allowed=%v", tt.host, tt.transport, err, tt.want)
			}
			if err != nil && !errors.Is(err, image.ErrRegistryNotAllowed) {
				t.Errorf("error %v does not match ErrRegistryNotAllowed", err)
			}
		})
	}
}

func TestRegistryAllowListMessage(t *testing.T) {
	tests := []struct {
		name string
		list image.RegistryAllowList
		want string
	}{
		{name: "empty list", want: `registry not allowed: "docker.io" is not in the allow-list (empty)`},
		{
			name: "long list is cut",
			list: image.RegistryAllowList{{DomainName: "a"}, {DomainName: "b"}, {DomainName: "c"}, {DomainName: "d"}, {DomainName: "e"}, {DomainName: "f"}, {DomainName: "g"}},
			want: `registry not allowed: "docker.io" is not in the allow-list ["a", "b", "c", "d", "e", and 2 more]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.list.Allow(reference.DockerImageReference{Name: "busybox"}, false)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Allow = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestRegistryAllowListAllow checks the hook form: Docker Hub defaults and
// the insecure flag.
func TestRegistryAllowListAllow(t *testing.T) {
	list := image.RegistryAllowList{{DomainName: "docker.io"}, {DomainName: "plain.local", Insecure: true}}
	tests := []struct {
		name     string
		spec     string
		insecure bool
		want     bool
	}{
		{name: "implicit Docker Hub", spec: "busybox", want: true},
		{name: "explicit Docker Hub", spec: "docker.io/library/busybox:1", want: true},
		{name: "other registry", spec: "quay.io/a/b", want: false},
		{name: "insecure registry needs insecure", spec: "plain.local/a/b", want: false},
		{name: "insecure registry allowed when insecure", spec: "plain.local/a/b", insecure: true, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := reference.Parse(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := list.Allow(ref, tt.insecure) == nil; got != tt.want {
				t.Errorf("Allow(%q, %v) allowed = %v, want %v", tt.spec, tt.insecure, got, tt.want)
			}
		})
	}
}

// TestValidateWithAllowList follows SEMANTICS §3.5 and §3.11: the hook
// sees every parsed pull spec of a stream, with the insecure flag of the
// tag or the stream.
func TestValidateWithAllowList(t *testing.T) {
	opts := image.ValidationOptions{AllowRegistry: image.RegistryAllowList{
		{DomainName: "quay.io"}, {DomainName: "plain.local", Insecure: true},
	}.Allow}
	denied := func(host string) string {
		return `registry not allowed: "` + host + `" is not in the allow-list ["quay.io", "plain.local"]`
	}
	tests := []struct {
		name   string
		mutate func(is *image.ImageStream)
		want   image.ErrorList
	}{
		{name: "allowed", mutate: func(*image.ImageStream) {}},
		{
			name: "every pull spec is asked about",
			mutate: func(is *image.ImageStream) {
				is.Spec.DockerImageRepository = "docker.io/library/busybox"
				is.Spec.Tags = append(is.Spec.Tags, dockerTag("old", "gcr.io/a/b:old"), dockerTag("p", "plain.local/a/b:p"))
				is.Status.Tags[0].Items = append(is.Status.Tags[0].Items, image.TagEvent{DockerImageReference: "busybox@" + testDigest})
			},
			want: errs(
				forbidden("spec.dockerImageRepository", denied("docker.io")),
				forbidden("spec.tags[old].from.name", denied("gcr.io")),
				forbidden("spec.tags[p].from.name", denied("plain.local")),
				forbidden("status.tags[latest].items[1].dockerImageReference", denied("docker.io")),
			),
		},
		{
			name: "insecure tag",
			mutate: func(is *image.ImageStream) {
				tag := dockerTag("p", "plain.local/a/b:p")
				tag.ImportPolicy.Insecure = true
				is.Spec.Tags = append(is.Spec.Tags, tag)
			},
		},
		{
			name: "insecure stream",
			mutate: func(is *image.ImageStream) {
				is.Annotations = map[string]string{image.InsecureRepositoryAnnotation: "true"}
				is.Spec.Tags = append(is.Spec.Tags, dockerTag("p", "plain.local/a/b:p"))
				is.Status.Tags[0].Items = append(is.Status.Tags[0].Items, image.TagEvent{DockerImageReference: "plain.local/a/b:p"})
			},
		},
		{
			name: "unparsable specs are Invalid, not asked about",
			mutate: func(is *image.ImageStream) {
				is.Spec.Tags[0].From.Name = "x y"
			},
			want: errs(invalid("spec.tags[latest].from.name", "x y", "invalid reference format")),
		},
		{
			name: "a repository with a tag or an ID is Invalid, not asked about",
			mutate: func(is *image.ImageStream) {
				is.Spec.DockerImageRepository = "docker.io/a/b:v1@" + testDigest
			},
			want: errs(
				invalid("spec.dockerImageRepository", "docker.io/a/b:v1@"+testDigest, "the repository name may not contain a tag"),
				invalid("spec.dockerImageRepository", "docker.io/a/b:v1@"+testDigest, "the repository name may not contain an ID"),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := validStream()
			tt.mutate(is)
			if diff := cmp.Diff(tt.want, fieldErrors(t, image.ValidateImageStreamWithOptions(is, opts))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateUpdateWithAllowList follows SEMANTICS §3.5: on update,
// repositories the old stream references pass the allow-list; on status
// update only new references are asked about.
func TestValidateUpdateWithAllowList(t *testing.T) {
	var asked []string
	opts := image.ValidationOptions{AllowRegistry: func(ref reference.DockerImageReference, insecure bool) error {
		asked = append(asked, ref.Exact())
		return image.RegistryAllowList{{DomainName: "quay.io"}}.Allow(ref, insecure)
	}}
	oldIS := validStream()
	oldIS.Spec.Tags = append(oldIS.Spec.Tags, dockerTag("hub", "busybox:1"))
	oldIS.Status.Tags[0].Items = append(oldIS.Status.Tags[0].Items, image.TagEvent{DockerImageReference: "gcr.io/a/b@" + testDigest})

	newIS := validStream()
	newIS.Spec.Tags = append(newIS.Spec.Tags,
		dockerTag("hub", "docker.io/library/busybox:2"), // same repository as busybox:1
		dockerTag("new", "gcr.io/a/c:1"),
	)
	newIS.Status.Tags[0].Items = append(newIS.Status.Tags[0].Items,
		image.TagEvent{DockerImageReference: "gcr.io/a/b:other"}, // same repository as the old item
	)
	want := errs(forbidden("spec.tags[new].from.name", `registry not allowed: "gcr.io" is not in the allow-list ["quay.io"]`))
	if diff := cmp.Diff(want, fieldErrors(t, image.ValidateImageStreamUpdateWithOptions(newIS, oldIS, opts))); diff != "" {
		t.Errorf("update errors (-want +got):\n%s", diff)
	}
	// Everything else is in a repository the old stream references.
	if diff := cmp.Diff([]string{"gcr.io/a/c:1"}, asked); diff != "" {
		t.Errorf("hook asked about (-want +got):\n%s", diff)
	}

	asked = nil
	statusIS := validStream()
	statusIS.Status.Tags[0].Items = append(statusIS.Status.Tags[0].Items,
		image.TagEvent{DockerImageReference: "gcr.io/a/b@" + testDigest}, // already in the old status
		image.TagEvent{DockerImageReference: "gcr.io/a/b:new"},
	)
	want = errs(forbidden("status.tags[latest].items[2].dockerImageReference", `registry not allowed: "gcr.io" is not in the allow-list ["quay.io"]`))
	if diff := cmp.Diff(want, fieldErrors(t, image.ValidateImageStreamStatusUpdateWithOptions(statusIS, oldIS, opts))); diff != "" {
		t.Errorf("status update errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"gcr.io/a/b:new"}, asked); diff != "" {
		t.Errorf("hook asked about (-want +got):\n%s", diff)
	}
}

// TestValidateImportWithAllowList follows SEMANTICS §3.9: refusals are
// Forbidden with the registry's host:port, after all other errors.
func TestValidateImportWithAllowList(t *testing.T) {
	opts := image.ValidationOptions{AllowRegistry: image.RegistryAllowList{{DomainName: "quay.io"}}.Allow}
	isi := &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Name: "App", Namespace: "team-a"},
		Spec: image.ImageStreamImportSpec{
			Images: []image.ImageImportSpec{
				{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "quay.io/a/b:1"}},
				{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "busybox"}},
				{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "plain.local/a/b"}, ImportPolicy: image.TagImportPolicy{Insecure: true}},
				{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "*"}},
				{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "BAD"}},
			},
			Repository: &image.RepositoryImportSpec{From: image.ObjectReference{Kind: image.KindDockerImage, Name: "gcr.io:8443/a/b"}},
		},
	}
	want := errs(
		invalid("spec.images[4].from.name", "BAD", "repository name must be lowercase"),
		invalid("metadata.name", "App", streamNameMsg),
		forbidden("spec.images[1].from.name", `importing images from registry "docker.io:443" is forbidden: `+
			`registry not allowed: "docker.io" is not in the allow-list ["quay.io"]`),
		forbidden("spec.images[2].from.name", `importing images from registry "plain.local:80" is forbidden: `+
			`registry not allowed: "plain.local" is not in the allow-list ["quay.io"]`),
		forbidden("spec.repository.from.name", `importing images from registry "gcr.io:8443" is forbidden: `+
			`registry not allowed: "gcr.io:8443" is not in the allow-list ["quay.io"]`),
	)
	if diff := cmp.Diff(want, fieldErrors(t, image.ValidateImageStreamImportWithOptions(isi, opts))); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

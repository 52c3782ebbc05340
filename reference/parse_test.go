package reference_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/reference"
)

// Digests used across the tests.
const (
	sha256Hex = "3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25"
	sha256ID  = "sha256:" + sha256Hex
	sha384ID  = "sha384:" + "a5e8b0b2e6e7c6f5d0a7d0e9f1c2b3a4958677685a4b3c2d1e0f9e8d7c6b5a49" +
		"38271605f4e3d2c1b0a9f8e7d6c5b4a3"
	sha512ID = "sha512:" + sha256Hex + sha256Hex
)

// parseCases are the pull specs of SEMANTICS §9, shared by TestParse, the
// fuzz seeds and the benchmarks.
var parseCases = []struct {
	name    string
	spec    string
	want    reference.DockerImageReference
	wantErr error // nil when the spec must parse
}{
	// Docker Hub style names: no registry, so nothing is defaulted.
	{name: "name only", spec: "foo", want: reference.DockerImageReference{Name: "foo"}},
	{name: "name with tag", spec: "foo:tag", want: reference.DockerImageReference{Name: "foo", Tag: "tag"}},
	{name: "name with digest", spec: "foo@" + sha256ID, want: reference.DockerImageReference{Name: "foo", ID: sha256ID}},
	{name: "name with tag and digest", spec: "foo:tag@" + sha256ID, want: reference.DockerImageReference{Name: "foo", Tag: "tag", ID: sha256ID}},
	{name: "name with port-like tag", spec: "foo:5000", want: reference.DockerImageReference{Name: "foo", Tag: "5000"}},
	{name: "namespace and name", spec: "bar/foo", want: reference.DockerImageReference{Namespace: "bar", Name: "foo"}},
	{name: "namespace, name and tag", spec: "bar/foo:tag", want: reference.DockerImageReference{Namespace: "bar", Name: "foo", Tag: "tag"}},
	{name: "namespace, name and digest", spec: "bar/foo@" + sha256ID, want: reference.DockerImageReference{Namespace: "bar", Name: "foo", ID: sha256ID}},
	{name: "library namespace kept as written", spec: "library/busybox", want: reference.DockerImageReference{Namespace: "library", Name: "busybox"}},
	// Deep paths: the first component is the namespace, the rest the name.
	{name: "three components", spec: "bar/foo/baz", want: reference.DockerImageReference{Namespace: "bar", Name: "foo/baz"}},
	{name: "four components", spec: "a/b/c/d", want: reference.DockerImageReference{Namespace: "a", Name: "b/c/d"}},
	{name: "deep path with tag", spec: "bar/foo/baz:tag", want: reference.DockerImageReference{Namespace: "bar", Name: "foo/baz", Tag: "tag"}},
	{name: "deep path with digest", spec: "bar/foo/baz@" + sha256ID, want: reference.DockerImageReference{Namespace: "bar", Name: "foo/baz", ID: sha256ID}},
	// Registries: a first component with "." or ":" or exactly "localhost".
	{name: "registry with port", spec: "bar:5000/foo/baz", want: reference.DockerImageReference{Registry: "bar:5000", Namespace: "foo", Name: "baz"}},
	{name: "registry with port and one component", spec: "bar:5000/baz", want: reference.DockerImageReference{Registry: "bar:5000", Name: "baz"}},
	{name: "registry with port and tag", spec: "bar:5000/foo/baz:tag", want: reference.DockerImageReference{Registry: "bar:5000", Namespace: "foo", Name: "baz", Tag: "tag"}},
	{name: "registry with port and digest", spec: "bar:5000/foo/baz@" + sha256ID, want: reference.DockerImageReference{Registry: "bar:5000", Namespace: "foo", Name: "baz", ID: sha256ID}},
	{name: "registry with port, tag and digest", spec: "bar:5000/foo/baz:tag@" + sha256ID, want: reference.DockerImageReference{Registry: "bar:5000", Namespace: "foo", Name: "baz", Tag: "tag", ID: sha256ID}},
	{name: "dotted registry", spec: "myregistry.io/foo", want: reference.DockerImageReference{Registry: "myregistry.io", Name: "foo"}},
	{name: "dotted registry with deep path", spec: "quay.io/a/b/c", want: reference.DockerImageReference{Registry: "quay.io", Namespace: "a", Name: "b/c"}},
	{name: "localhost registry", spec: "localhost/bar", want: reference.DockerImageReference{Registry: "localhost", Name: "bar"}},
	{name: "localhost with port", spec: "localhost:5000/x", want: reference.DockerImageReference{Registry: "localhost:5000", Name: "x"}},
	{name: "localhost with port, namespace and tag", spec: "localhost:5000/ns/repo:v1", want: reference.DockerImageReference{Registry: "localhost:5000", Namespace: "ns", Name: "repo", Tag: "v1"}},
	{name: "localhost prefix is not a registry component", spec: "localhostx/bar", want: reference.DockerImageReference{Namespace: "localhostx", Name: "bar"}},
	{name: "IPv4 registry", spec: "192.168.1.1:5000/foo/bar", want: reference.DockerImageReference{Registry: "192.168.1.1:5000", Namespace: "foo", Name: "bar"}},
	{name: "upper-case registry", spec: "Quay.IO/foo", want: reference.DockerImageReference{Registry: "Quay.IO", Name: "foo"}},
	{name: "upper-case first component is a namespace", spec: "Foo/bar", want: reference.DockerImageReference{Namespace: "Foo", Name: "bar"}},
	{name: "docker.io with library", spec: "docker.io/library/myapp", want: reference.DockerImageReference{Registry: "docker.io", Namespace: "library", Name: "myapp"}},
	{name: "docker.io without namespace", spec: "docker.io/myapp", want: reference.DockerImageReference{Registry: "docker.io", Name: "myapp"}},
	{name: "docker.io deep path", spec: "docker.io/user/project/myapp", want: reference.DockerImageReference{Registry: "docker.io", Namespace: "user", Name: "project/myapp"}},
	{name: "index.docker.io kept as written", spec: "index.docker.io/bar", want: reference.DockerImageReference{Registry: "index.docker.io", Name: "bar"}},
	{name: "registry-1.docker.io kept as written", spec: "registry-1.docker.io/foo/bar:tag", want: reference.DockerImageReference{Registry: "registry-1.docker.io", Namespace: "foo", Name: "bar", Tag: "tag"}},
	// Registry-only specs keep the whole spec in Registry.
	{name: "registry only", spec: "docker.io", want: reference.DockerImageReference{Registry: "docker.io"}},
	{name: "registry only swallows tag", spec: "17b.30.56.218:5000bapp", want: reference.DockerImageReference{Registry: "17b.30.56.218:5000bapp"}},
	{name: "registry only localhost with port", spec: "localhost:5000", want: reference.DockerImageReference{Registry: "localhost:5000"}},
	{name: "registry only by localhost prefix", spec: "localhostfoo", want: reference.DockerImageReference{Registry: "localhostfoo"}},
	{name: "registry only swallows digest", spec: "quay.io:v1@" + sha256ID, want: reference.DockerImageReference{Registry: "quay.io:v1@" + sha256ID}},
	// Grammar corners.
	{name: "sha256 digest alone is name and tag", spec: sha256ID, want: reference.DockerImageReference{Name: "sha256", Tag: sha256Hex}},
	{name: "bare hex is a name", spec: sha256Hex, want: reference.DockerImageReference{Name: sha256Hex}},
	{name: "separators in namespace", spec: "a_b__c---d/e-f", want: reference.DockerImageReference{Namespace: "a_b__c---d", Name: "e-f"}},
	// The registry test looks for "." only, not for a valid hostname.
	{name: "dotted first component with underscores is a registry", spec: "a.b_c__d/f", want: reference.DockerImageReference{Registry: "a.b_c__d", Name: "f"}},
	{name: "tag of 128 characters", spec: "foo:" + strings.Repeat("t", 128), want: reference.DockerImageReference{Name: "foo", Tag: strings.Repeat("t", 128)}},
	{name: "tag with upper case and punctuation", spec: "foo:V1_2.3-RC", want: reference.DockerImageReference{Name: "foo", Tag: "V1_2.3-RC"}},
	{name: "sha384 digest", spec: "foo@" + sha384ID, want: reference.DockerImageReference{Name: "foo", ID: sha384ID}},
	{name: "sha512 digest", spec: "foo@" + sha512ID, want: reference.DockerImageReference{Name: "foo", ID: sha512ID}},
	{name: "name of 255 characters", spec: "r.io/" + strings.Repeat("a", 250), want: reference.DockerImageReference{Registry: "r.io", Name: strings.Repeat("a", 250)}},
	// Errors, with OpenShift's texts.
	{name: "empty", spec: "", wantErr: reference.ErrNameEmpty},
	{name: "upper-case name", spec: "FOO", wantErr: reference.ErrNameContainsUppercase},
	{name: "upper-case second component", spec: "foo/Bar", wantErr: reference.ErrNameContainsUppercase},
	{name: "upper-case path after registry", spec: "quay.io/Foo", wantErr: reference.ErrNameContainsUppercase},
	// doc.go "Leniency": upper case is allowed only in a first component
	// that a hostname can match (SEMANTICS §9 grammar).
	{name: "upper-case only component", spec: "Foo:v1", wantErr: reference.ErrNameContainsUppercase},
	{name: "upper-case first component with underscore", spec: "Foo_bar/baz", wantErr: reference.ErrNameContainsUppercase},
	{name: "Kelvin sign lower-cases to ASCII", spec: "\u212a", wantErr: reference.ErrNameContainsUppercase},
	// SEMANTICS §9 checks case on the grammar alone, before length and digest.
	{name: "upper case reported before name length", spec: "A" + strings.Repeat("a", 255), wantErr: reference.ErrNameContainsUppercase},
	{name: "upper case reported before digest", spec: "Foo@sha256:" + sha256Hex[:63], wantErr: reference.ErrNameContainsUppercase},
	{name: "name of 256 characters", spec: strings.Repeat("a", 256), wantErr: reference.ErrNameTooLong},
	{name: "registry counts toward name length", spec: "r.io/" + strings.Repeat("a", 251), wantErr: reference.ErrNameTooLong},
	{name: "name length checked before digest", spec: strings.Repeat("a", 256) + "@sha256:" + strings.Repeat("0", 32), wantErr: reference.ErrNameTooLong},
	{name: "tag of 129 characters", spec: "foo:" + strings.Repeat("t", 129), wantErr: reference.ErrReferenceInvalidFormat},
	{name: "tag starting with dot", spec: "foo:.tag", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "empty path components", spec: "bar/foo/baz////biz", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "leading slashes", spec: "//foo/bar", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "URL scheme", spec: "ftp://baz/biz", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "trailing colon", spec: "foo:", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "trailing at", spec: "foo@", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "tag before slash", spec: "foo:tag/bar", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "port without host", spec: ":5000/foo", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "leading separator", spec: "-foo", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "trailing separator", spec: "foo-", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "two periods", spec: "a..b", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "three underscores", spec: "a___b", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "whitespace", spec: "foo bar", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "IPv6 registry", spec: "[::1]:5000/foo", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "IPv6 registry with upper-case path", spec: "[::1]/Foo", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "digest under 32 hex digits", spec: "foo@sha256:0000", wantErr: reference.ErrReferenceInvalidFormat},
	{name: "digest of invalid length", spec: "foo@sha256:" + sha256Hex[:63], wantErr: reference.ErrDigestInvalidLength},
	{name: "digest longer than sha256", spec: "foo@sha256:" + sha256Hex + "0", wantErr: reference.ErrDigestInvalidLength},
	{name: "digest with unsupported algorithm", spec: "foo@md5:" + sha256Hex, wantErr: reference.ErrDigestUnsupported},
	{name: "digest with upper-case hex", spec: "foo@sha256:" + strings.ToUpper(sha256Hex), wantErr: reference.ErrDigestInvalidFormat},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := reference.Parse(tc.spec)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %v", tc.spec, err, tc.wantErr)
				}
				// OpenShift embeds the bare text in validation messages.
				if err.Error() != tc.wantErr.Error() {
					t.Errorf("Parse(%q) error text = %q, want %q", tc.spec, err, tc.wantErr)
				}
				if diff := cmp.Diff(reference.DockerImageReference{}, got); diff != "" {
					t.Errorf("Parse(%q) returned a non-zero reference with an error (-want +got):\n%s", tc.spec, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tc.spec, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.spec, diff)
			}
		})
	}
}

// TestErrorText pins the messages of SEMANTICS §9.
func TestErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "empty", err: reference.ErrNameEmpty, want: "repository name must have at least one component"},
		{name: "uppercase", err: reference.ErrNameContainsUppercase, want: "repository name must be lowercase"},
		{name: "format", err: reference.ErrReferenceInvalidFormat, want: "invalid reference format"},
		{name: "too long", err: reference.ErrNameTooLong, want: "repository name must not be more than 255 characters"},
		{name: "digest format", err: reference.ErrDigestInvalidFormat, want: "invalid checksum digest format"},
		{name: "digest length", err: reference.ErrDigestInvalidLength, want: "invalid checksum digest length"},
		{name: "digest algorithm", err: reference.ErrDigestUnsupported, want: "unsupported digest algorithm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("error text mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsRegistryDockerHub(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		registry string
		want     bool
	}{
		{name: "docker.io", registry: "docker.io", want: true},
		{name: "index.docker.io", registry: "index.docker.io", want: true},
		{name: "registry-1.docker.io", registry: "registry-1.docker.io", want: true},
		{name: "empty", registry: "", want: false},
		{name: "with port", registry: "docker.io:443", want: false},
		{name: "upper case", registry: "Docker.io", want: false},
		{name: "other registry", registry: "quay.io", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := reference.IsRegistryDockerHub(tc.registry); got != tc.want {
				t.Errorf("IsRegistryDockerHub(%q) = %v, want %v", tc.registry, got, tc.want)
			}
		})
	}
}

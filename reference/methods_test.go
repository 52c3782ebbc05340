package reference_test

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/reference"
)

// ref is shorthand for the table literals below.
type ref = reference.DockerImageReference

// transformCase is a row of a table for a method returning a reference.
type transformCase struct {
	name string
	in   ref
	want ref
}

func runTransform(t *testing.T, method string, fn func(ref) ref, tests []transformCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := tc.in
			got := fn(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%+v.%s() mismatch (-want +got):\n%s", tc.in, method, diff)
			}
			if in != tc.in {
				t.Errorf("%s modified its receiver", method)
			}
		})
	}
}

func TestAsRepository(t *testing.T) {
	t.Parallel()
	runTransform(t, "AsRepository", ref.AsRepository, []transformCase{
		{name: "plain name", in: ref{Name: "foo"}, want: ref{Name: "foo"}},
		{name: "tag dropped", in: ref{Registry: "quay.io", Namespace: "ns", Name: "foo", Tag: "v1"}, want: ref{Registry: "quay.io", Namespace: "ns", Name: "foo"}},
		{name: "tag and ID dropped", in: ref{Registry: "quay.io", Name: "foo", Tag: "v1", ID: sha256ID}, want: ref{Registry: "quay.io", Name: "foo"}},
	})
}

// TestDaemonMinimal follows the eight cases OpenShift tests (SEMANTICS §9).
func TestDaemonMinimal(t *testing.T) {
	t.Parallel()
	runTransform(t, "DaemonMinimal", ref.DaemonMinimal, []transformCase{
		{name: "plain name", in: ref{Name: "foo"}, want: ref{Name: "foo"}},
		{name: "latest dropped", in: ref{Name: "foo", Tag: "latest"}, want: ref{Name: "foo"}},
		{name: "other tag kept", in: ref{Name: "foo", Tag: "v1"}, want: ref{Name: "foo", Tag: "v1"}},
		{name: "docker.io library dropped", in: ref{Registry: "docker.io", Namespace: "library", Name: "foo"}, want: ref{Registry: "docker.io", Name: "foo"}},
		{name: "index.docker.io becomes docker.io", in: ref{Registry: "index.docker.io", Namespace: "library", Name: "foo", Tag: "latest"}, want: ref{Registry: "docker.io", Name: "foo"}},
		{name: "registry-1.docker.io becomes docker.io", in: ref{Registry: "registry-1.docker.io", Namespace: "user", Name: "foo", Tag: "latest", ID: sha256ID}, want: ref{Registry: "docker.io", Namespace: "user", Name: "foo", ID: sha256ID}},
		{name: "library kept off Docker Hub", in: ref{Registry: "quay.io", Namespace: "library", Name: "foo"}, want: ref{Registry: "quay.io", Namespace: "library", Name: "foo"}},
		{name: "library kept without registry", in: ref{Namespace: "library", Name: "foo", Tag: "latest"}, want: ref{Namespace: "library", Name: "foo"}},
	})
}

func TestMinimal(t *testing.T) {
	t.Parallel()
	runTransform(t, "Minimal", ref.Minimal, []transformCase{
		{name: "latest dropped", in: ref{Registry: "docker.io", Namespace: "library", Name: "foo", Tag: "latest"}, want: ref{Registry: "docker.io", Namespace: "library", Name: "foo"}},
		{name: "other tag kept", in: ref{Name: "foo", Tag: "Latest"}, want: ref{Name: "foo", Tag: "Latest"}},
		{name: "ID kept", in: ref{Name: "foo", Tag: "latest", ID: sha256ID}, want: ref{Name: "foo", ID: sha256ID}},
	})
}

func TestAsV2(t *testing.T) {
	t.Parallel()
	runTransform(t, "AsV2", ref.AsV2, []transformCase{
		{name: "docker.io", in: ref{Registry: "docker.io", Name: "foo"}, want: ref{Registry: "registry-1.docker.io", Name: "foo"}},
		{name: "index.docker.io", in: ref{Registry: "index.docker.io", Name: "foo"}, want: ref{Registry: "registry-1.docker.io", Name: "foo"}},
		{name: "registry-1.docker.io", in: ref{Registry: "registry-1.docker.io", Name: "foo"}, want: ref{Registry: "registry-1.docker.io", Name: "foo"}},
		{name: "empty registry not defaulted", in: ref{Name: "foo"}, want: ref{Name: "foo"}},
		{name: "other registry", in: ref{Registry: "quay.io", Name: "foo"}, want: ref{Registry: "quay.io", Name: "foo"}},
	})
}

func TestDockerClientDefaults(t *testing.T) {
	t.Parallel()
	runTransform(t, "DockerClientDefaults", ref.DockerClientDefaults, []transformCase{
		{name: "bare name", in: ref{Name: "foo"}, want: ref{Registry: "docker.io", Namespace: "library", Name: "foo", Tag: "latest"}},
		{name: "namespace kept", in: ref{Namespace: "user", Name: "foo"}, want: ref{Registry: "docker.io", Namespace: "user", Name: "foo", Tag: "latest"}},
		{name: "index.docker.io gets library", in: ref{Registry: "index.docker.io", Name: "foo"}, want: ref{Registry: "index.docker.io", Namespace: "library", Name: "foo", Tag: "latest"}},
		{name: "other registry gets no namespace", in: ref{Registry: "quay.io", Name: "foo"}, want: ref{Registry: "quay.io", Name: "foo", Tag: "latest"}},
		{name: "latest added next to ID", in: ref{Name: "foo", ID: sha256ID}, want: ref{Registry: "docker.io", Namespace: "library", Name: "foo", Tag: "latest", ID: sha256ID}},
		{name: "tag kept", in: ref{Registry: "quay.io", Name: "foo", Tag: "v1"}, want: ref{Registry: "quay.io", Name: "foo", Tag: "v1"}},
		{name: "zero value", in: ref{}, want: ref{Registry: "docker.io", Namespace: "library", Tag: "latest"}},
	})
}

func TestMostSpecific(t *testing.T) {
	t.Parallel()
	runTransform(t, "MostSpecific", ref.MostSpecific, []transformCase{
		{name: "no ID", in: ref{Name: "foo", Tag: "v1"}, want: ref{Name: "foo", Tag: "v1"}},
		{name: "digest drops tag", in: ref{Name: "foo", Tag: "v1", ID: sha256ID}, want: ref{Name: "foo", ID: sha256ID}},
		{name: "digest alone", in: ref{Name: "foo", ID: sha256ID}, want: ref{Name: "foo", ID: sha256ID}},
		{name: "non-digest ID becomes tag", in: ref{Name: "foo", ID: "abc123"}, want: ref{Name: "foo", Tag: "abc123"}},
		{name: "non-digest ID next to tag unchanged", in: ref{Name: "foo", Tag: "v1", ID: "abc123"}, want: ref{Name: "foo", Tag: "v1", ID: "abc123"}},
		{name: "short sha256 is not a digest", in: ref{Name: "foo", ID: "sha256:abc"}, want: ref{Name: "foo", Tag: "sha256:abc"}},
	})
}

func TestEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b ref
		want bool
	}{
		{name: "defaults make them equal", a: ref{Name: "foobar"}, b: ref{Registry: "docker.io", Namespace: "library", Name: "foobar", Tag: "latest"}, want: true},
		{name: "latest is the default tag", a: ref{Registry: "quay.io", Name: "foo"}, b: ref{Registry: "quay.io", Name: "foo", Tag: "latest"}, want: true},
		{name: "digest with and without latest", a: ref{Name: "foo", ID: sha256ID}, b: ref{Name: "foo", Tag: "latest", ID: sha256ID}, want: true},
		{name: "Hub hostnames are not unified", a: ref{Registry: "index.docker.io", Namespace: "library", Name: "foobar"}, b: ref{Name: "foobar"}, want: false},
		{name: "library not added off Docker Hub", a: ref{Registry: "quay.io", Name: "foo"}, b: ref{Registry: "quay.io", Namespace: "library", Name: "foo"}, want: false},
		{name: "different tags", a: ref{Name: "foo", Tag: "v1"}, b: ref{Name: "foo", Tag: "v2"}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.a.Equal(tc.b); got != tc.want {
				t.Errorf("%+v.Equal(%+v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := tc.b.Equal(tc.a); got != tc.want {
				t.Errorf("Equal is not symmetric for %+v and %+v", tc.a, tc.b)
			}
		})
	}
}

// stringCase is a row of a table for a method returning a string.
type stringCase struct {
	name string
	in   ref
	want string
}

func runString(t *testing.T, method string, fn func(ref) string, tests []stringCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, fn(tc.in)); diff != "" {
				t.Errorf("%#v.%s() mismatch (-want +got):\n%s", tc.in, method, diff)
			}
		})
	}
}

// TestString follows the seventeen cases OpenShift tests (SEMANTICS §9).
func TestString(t *testing.T) {
	t.Parallel()
	runString(t, "String", ref.String, []stringCase{
		{name: "name", in: ref{Name: "foo"}, want: "foo"},
		{name: "name and tag", in: ref{Name: "foo", Tag: "tag"}, want: "foo:tag"},
		{name: "name and digest", in: ref{Name: "foo", ID: sha256ID}, want: "foo@" + sha256ID},
		{name: "digest wins over tag", in: ref{Name: "foo", Tag: "tag", ID: sha256ID}, want: "foo@" + sha256ID},
		{name: "non-digest ID as tag", in: ref{Name: "foo", ID: "abc123"}, want: "foo:abc123"},
		{name: "namespace", in: ref{Namespace: "bar", Name: "foo"}, want: "bar/foo"},
		{name: "namespace and tag", in: ref{Namespace: "bar", Name: "foo", Tag: "tag"}, want: "bar/foo:tag"},
		{name: "no library without registry", in: ref{Name: "foo", Tag: "latest"}, want: "foo:latest"},
		{name: "registry with port", in: ref{Registry: "bar:5000", Namespace: "foo", Name: "baz"}, want: "bar:5000/foo/baz"},
		{name: "registry without namespace", in: ref{Registry: "localhost:5000", Name: "foo"}, want: "localhost:5000/foo"},
		{name: "docker.io gets library", in: ref{Registry: "docker.io", Name: "foo"}, want: "docker.io/library/foo"},
		{name: "index.docker.io gets library", in: ref{Registry: "index.docker.io", Name: "foo", Tag: "tag"}, want: "index.docker.io/library/foo:tag"},
		{name: "registry-1.docker.io gets library", in: ref{Registry: "registry-1.docker.io", Name: "foo", ID: sha256ID}, want: "registry-1.docker.io/library/foo@" + sha256ID},
		{name: "docker.io namespace kept", in: ref{Registry: "docker.io", Namespace: "user", Name: "foo"}, want: "docker.io/user/foo"},
		{name: "no library off Docker Hub", in: ref{Registry: "quay.io", Name: "foo"}, want: "quay.io/foo"},
		{name: "zero value", in: ref{}, want: ""},
		{name: "registry only", in: ref{Registry: "docker.io"}, want: ""},
	})
}

func TestExact(t *testing.T) {
	t.Parallel()
	runString(t, "Exact", ref.Exact, []stringCase{
		{name: "name", in: ref{Name: "foo"}, want: "foo"},
		{name: "docker.io gets no library", in: ref{Registry: "docker.io", Name: "foo", Tag: "v1"}, want: "docker.io/foo:v1"},
		{name: "full", in: ref{Registry: "quay.io", Namespace: "a", Name: "b/c", Tag: "v1", ID: sha256ID}, want: "quay.io/a/b/c@" + sha256ID},
		{name: "no name", in: ref{Registry: "quay.io", Namespace: "a", Tag: "v1"}, want: ""},
	})
}

func TestNameString(t *testing.T) {
	t.Parallel()
	runString(t, "NameString", ref.NameString, []stringCase{
		{name: "empty name", in: ref{Registry: "quay.io", Tag: "v1", ID: sha256ID}, want: ""},
		{name: "name", in: ref{Registry: "quay.io", Namespace: "ns", Name: "foo"}, want: "foo"},
		{name: "tag", in: ref{Name: "foo", Tag: "v1"}, want: "foo:v1"},
		{name: "digest", in: ref{Name: "foo", ID: sha256ID}, want: "foo@" + sha256ID},
		{name: "digest wins over tag", in: ref{Name: "foo", Tag: "v1", ID: sha256ID}, want: "foo@" + sha256ID},
		{name: "non-digest ID wins over tag", in: ref{Name: "foo", Tag: "v1", ID: "abc123"}, want: "foo:abc123"},
		{name: "deep name", in: ref{Namespace: "a", Name: "b/c", Tag: "v1"}, want: "b/c:v1"},
	})
}

func TestRepositoryName(t *testing.T) {
	t.Parallel()
	runString(t, "RepositoryName", ref.RepositoryName, []stringCase{
		{name: "name", in: ref{Registry: "quay.io", Name: "foo", Tag: "v1"}, want: "foo"},
		{name: "namespace", in: ref{Registry: "quay.io", Namespace: "ns", Name: "foo", ID: sha256ID}, want: "ns/foo"},
		{name: "no library added", in: ref{Registry: "docker.io", Name: "foo"}, want: "foo"},
		{name: "registry only", in: ref{Registry: "docker.io"}, want: ""},
	})
}

func TestRegistryHostPort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		spec     string
		insecure bool
		wantHost string
		wantPort string
	}{
		// The asymmetry of SEMANTICS §9: AsV2 runs before the defaults.
		{name: "implicit Docker Hub", spec: "a/b", wantHost: "docker.io", wantPort: "443"},
		{name: "explicit docker.io", spec: "docker.io/a", wantHost: "registry-1.docker.io", wantPort: "443"},
		{name: "explicit index.docker.io", spec: "index.docker.io/a", wantHost: "registry-1.docker.io", wantPort: "443"},
		{name: "implicit Docker Hub insecure", spec: "busybox", insecure: true, wantHost: "docker.io", wantPort: "80"},
		{name: "other registry", spec: "quay.io/a/b", wantHost: "quay.io", wantPort: "443"},
		{name: "other registry insecure", spec: "quay.io/a/b", insecure: true, wantHost: "quay.io", wantPort: "80"},
		{name: "explicit port", spec: "localhost:5000/a", wantHost: "localhost", wantPort: "5000"},
		{name: "explicit port insecure", spec: "10.0.0.1:8443/a", insecure: true, wantHost: "10.0.0.1", wantPort: "8443"},
		{name: "registry-only spec with tag", spec: "17b.30.56.218:5000bapp", wantHost: "17b.30.56.218", wantPort: "5000bapp"},
		{name: "registry-only spec that does not split", spec: "quay.io:v1@" + sha256ID, wantHost: "", wantPort: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := reference.Parse(tc.spec)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tc.spec, err)
			}
			host, port := r.RegistryHostPort(tc.insecure)
			if diff := cmp.Diff([2]string{tc.wantHost, tc.wantPort}, [2]string{host, port}); diff != "" {
				t.Errorf("RegistryHostPort(%v) of %q mismatch (-want +got):\n%s", tc.insecure, tc.spec, diff)
			}
		})
	}
}

func TestRegistryURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ref
		want *url.URL
	}{
		{name: "docker.io", in: ref{Registry: "docker.io", Name: "foo"}, want: &url.URL{Scheme: "https", Host: "registry-1.docker.io"}},
		{name: "with port", in: ref{Registry: "localhost:5000", Name: "foo"}, want: &url.URL{Scheme: "https", Host: "localhost:5000"}},
		{name: "empty registry not defaulted", in: ref{Name: "foo"}, want: &url.URL{Scheme: "https"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tc.in.RegistryURL()); diff != "" {
				t.Errorf("%+v.RegistryURL() mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		id     string
		want   digest.Digest
		wantOK bool
	}{
		{name: "sha256", id: sha256ID, want: digest.Digest(sha256ID), wantOK: true},
		{name: "sha512", id: sha512ID, want: digest.Digest(sha512ID), wantOK: true},
		{name: "empty", id: ""},
		{name: "legacy v1 ID", id: sha256Hex},
		{name: "wrong length", id: "sha256:abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ref{Name: "foo", ID: tc.id}.Digest()
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.wantOK {
				t.Errorf("Digest() of ID %q = %q, %v; want %q, %v", tc.id, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

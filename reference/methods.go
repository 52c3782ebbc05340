package reference

import (
	"net"
	"net/url"
	"strings"

	"github.com/opencontainers/go-digest"
)

// The methods below follow OpenShift's DockerImageReference methods rule
// by rule (SEMANTICS §9). Each takes a value receiver and returns a copy.

// Digest returns ID as a digest when it is a valid one (supported
// algorithm, right length, lower-case hex). It reports false for an empty
// ID and for a legacy v1 image ID stored in ID.
func (r DockerImageReference) Digest() (digest.Digest, bool) {
	if r.ID == "" {
		return "", false
	}
	d, err := digest.Parse(r.ID)
	if err != nil {
		return "", false
	}
	return d, true
}

// Equal reports whether r and other name the same image once both are
// completed with DockerClientDefaults, so "foobar" equals
// "docker.io/library/foobar:latest". Registries are compared as written:
// "index.docker.io/library/foobar" does not equal "foobar".
func (r DockerImageReference) Equal(other DockerImageReference) bool {
	return r.DockerClientDefaults() == other.DockerClientDefaults()
}

// DockerClientDefaults fills in what a Docker client assumes: registry
// docker.io when empty, namespace library on a Docker Hub registry, and
// tag latest when empty — even when ID is set.
func (r DockerImageReference) DockerClientDefaults() DockerImageReference {
	if r.Registry == "" {
		r.Registry = DockerDefaultRegistry
	}
	if r.Namespace == "" && IsRegistryDockerHub(r.Registry) {
		r.Namespace = DockerDefaultNamespace
	}
	if r.Tag == "" {
		r.Tag = DefaultTag
	}
	return r
}

// Minimal drops the tag when it is the default tag "latest".
func (r DockerImageReference) Minimal() DockerImageReference {
	if r.Tag == DefaultTag {
		r.Tag = ""
	}
	return r
}

// AsRepository drops the tag and the ID, leaving the repository.
func (r DockerImageReference) AsRepository() DockerImageReference {
	r.Tag = ""
	r.ID = ""
	return r
}

// RepositoryName returns the repository path without the registry:
// "namespace/name", or "name" when there is no namespace.
func (r DockerImageReference) RepositoryName() string {
	r.Registry = ""
	r.Tag = ""
	r.ID = ""
	return r.Exact()
}

// AsV2 replaces Docker Hub's docker.io and index.docker.io with
// registry-1.docker.io, the host that serves the v2 API. Other registries
// are left alone.
func (r DockerImageReference) AsV2() DockerImageReference {
	switch r.Registry {
	case DockerDefaultRegistry, DockerDefaultV1Registry:
		r.Registry = DockerDefaultV2Registry
	}
	return r
}

// RegistryHostPort returns the host and port to contact for r's registry,
// taken from AsV2().DockerClientDefaults().Registry. Without an explicit
// port it returns "80" when insecure and "443" otherwise.
//
// Because AsV2 runs before the defaults, an explicit Docker Hub registry
// ("docker.io/a") yields host registry-1.docker.io while an implicit one
// ("a/b") yields docker.io. OpenShift behaves so and callers compare these
// hosts, so the asymmetry is kept. A registry that does not split as
// host:port (several colons, say) yields two empty strings.
func (r DockerImageReference) RegistryHostPort(insecure bool) (host, port string) {
	registry := r.AsV2().DockerClientDefaults().Registry
	if strings.Contains(registry, ":") {
		// The error is dropped on purpose: OpenShift returns the empty
		// results of a failed split rather than an error.
		host, port, _ = net.SplitHostPort(registry)
		return host, port
	}
	if insecure {
		return registry, "80"
	}
	return registry, "443"
}

// RegistryURL returns the https URL of r's registry after AsV2. No
// defaults are applied: an empty Registry gives an empty host.
func (r DockerImageReference) RegistryURL() *url.URL {
	return &url.URL{Scheme: "https", Host: r.AsV2().Registry}
}

// DaemonMinimal returns the shortest form a Docker daemon accepts: Docker
// Hub's other hostnames become docker.io, the library namespace on Docker
// Hub is dropped, and then Minimal drops a "latest" tag. The docker.io
// registry itself is kept when it was given.
func (r DockerImageReference) DaemonMinimal() DockerImageReference {
	switch r.Registry {
	case DockerDefaultV1Registry, DockerDefaultV2Registry:
		r.Registry = DockerDefaultRegistry
	}
	if IsRegistryDockerHub(r.Registry) && r.Namespace == DockerDefaultNamespace {
		r.Namespace = ""
	}
	return r.Minimal()
}

// MostSpecific returns the reference that pins the image most precisely:
// with a valid digest ID the tag is dropped; with a non-digest ID and no
// tag, the ID moves into Tag (it is a legacy v1 tag-like ID). Otherwise r
// is returned unchanged.
func (r DockerImageReference) MostSpecific() DockerImageReference {
	if r.ID == "" {
		return r
	}
	if _, ok := r.Digest(); ok {
		r.Tag = ""
		return r
	}
	if r.Tag == "" {
		r.Tag, r.ID = r.ID, ""
	}
	return r
}

// NameString returns the name with its most specific suffix: "name@id"
// when ID is a valid digest, "name:id" when ID is set but is not a digest
// (a legacy v1 ID), "name:tag" when only Tag is set, and "name" otherwise.
// A tag next to a digest ID is omitted. It returns "" when Name is empty.
func (r DockerImageReference) NameString() string {
	if r.Name == "" {
		return ""
	}
	sep, suffix := r.nameSuffix()
	return r.Name + sep + suffix
}

// nameSuffix returns what NameString appends to Name, split so that Exact
// can build its result in one allocation.
func (r DockerImageReference) nameSuffix() (sep, suffix string) {
	switch {
	case r.ID != "":
		if _, ok := r.Digest(); ok {
			return "@", r.ID
		}
		return ":", r.ID
	case r.Tag != "":
		return ":", r.Tag
	}
	return "", ""
}

// Exact returns the pull spec exactly as r spells it, with no defaults:
// "[registry/][namespace/]" followed by NameString. It returns "" when
// Name is empty, which includes every registry-only reference.
func (r DockerImageReference) Exact() string {
	if r.Name == "" {
		return ""
	}
	sep, suffix := r.nameSuffix()
	var b strings.Builder
	b.Grow(len(r.Registry) + len(r.Namespace) + len(r.Name) + len(sep) + len(suffix) + 2)
	if r.Registry != "" {
		b.WriteString(r.Registry)
		b.WriteByte('/')
	}
	if r.Namespace != "" {
		b.WriteString(r.Namespace)
		b.WriteByte('/')
	}
	b.WriteString(r.Name)
	b.WriteString(sep)
	b.WriteString(suffix)
	return b.String()
}

// String returns Exact after adding the library namespace when the
// registry is Docker Hub and no namespace is set. With an empty registry
// nothing is added, so "busybox" stays "busybox" while "docker.io/busybox"
// becomes "docker.io/library/busybox".
func (r DockerImageReference) String() string {
	if r.Namespace == "" && IsRegistryDockerHub(r.Registry) {
		r.Namespace = DockerDefaultNamespace
	}
	return r.Exact()
}

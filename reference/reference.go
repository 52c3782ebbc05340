package reference

import (
	// go-digest only accepts algorithms whose hash is linked into the
	// binary; OpenShift's binaries link both, so every caller of this
	// package must see sha256/sha384/sha512 as supported (SEMANTICS §9).
	_ "crypto/sha256"
	_ "crypto/sha512"
	"strings"

	distref "github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// Docker Hub names and the defaults a Docker client fills in
// (SEMANTICS §1.3, §9).
const (
	// DockerDefaultRegistry is the registry a Docker client assumes when a
	// pull spec names none.
	DockerDefaultRegistry = "docker.io"
	// DockerDefaultV1Registry is Docker Hub's legacy (v1 "index") hostname.
	DockerDefaultV1Registry = "index.docker.io"
	// DockerDefaultV2Registry is the hostname that actually serves Docker
	// Hub's v2 registry API.
	DockerDefaultV2Registry = "registry-1.docker.io"
	// DockerDefaultNamespace is the namespace of Docker Hub's official
	// images ("library/ubuntu").
	DockerDefaultNamespace = "library"
	// DefaultTag is the tag assumed when a pull spec has none.
	DefaultTag = "latest"
	// NameTotalLengthMax is the maximum length of the name part of a pull
	// spec, registry included (everything before ":tag" and "@digest").
	NameTotalLengthMax = 255
)

// DockerImageReference is a pull spec split the way OpenShift splits it:
// "registry/namespace/name:tag@id". Every field may be empty. The zero
// value is a valid, empty reference whose Exact form is "".
//
// Methods have value receivers and return modified copies, so a
// DockerImageReference can be shared freely.
type DockerImageReference struct {
	// Registry is the host[:port] of the registry, or the whole spec for a
	// registry-only pull spec such as "docker.io" (see Parse).
	Registry string
	// Namespace is the first path component when the path has more than
	// one ("library" in "docker.io/library/busybox").
	Namespace string
	// Name is the rest of the path; it contains "/" for deep paths
	// ("b/c/d" in "a/b/c/d").
	Name string
	// Tag is the tag without its ":".
	Tag string
	// ID is the digest ("sha256:<hex>") without its "@". A hand-built
	// reference may hold a legacy v1 image ID here instead; see NameString.
	ID string
}

// Parse splits a pull spec into a DockerImageReference using OpenShift's
// grammar and rules (SEMANTICS §9). It applies no defaults: "busybox"
// yields just Name "busybox"; use DockerClientDefaults to fill them in.
//
// Specs without "/" whose name contains "." or starts with "localhost" are
// registry-only: the whole spec, including any ":tag" or "@digest", becomes
// Registry and every other field stays empty. Otherwise the first path
// component is the registry only if it contains ":" or "." or is exactly
// "localhost", and the first remaining component (if another follows) is
// the namespace.
//
// Errors are returned unwrapped, because OpenShift embeds their exact text
// in validation messages; compare them with errors.Is against
// ErrNameEmpty, ErrNameContainsUppercase, ErrReferenceInvalidFormat,
// ErrNameTooLong, ErrDigestInvalidFormat, ErrDigestInvalidLength or
// ErrDigestUnsupported. On error the returned reference is the zero value.
func Parse(spec string) (DockerImageReference, error) {
	if ref, ok := parseFast(spec); ok {
		return ref, nil
	}
	return parseRegexp(spec)
}

// parseRegexp is Parse done with distribution/reference's ReferenceRegexp
// and go-digest. It is the reference implementation: it decides every spec
// parseFast declines, and alone produces Parse's errors.
func parseRegexp(spec string) (DockerImageReference, error) {
	// OpenShift's hostname production has no bracketed IPv6 literal, which
	// is the only way distribution/reference's grammar is wider. "[" and "]"
	// appear in no other production, and lower-casing cannot create them,
	// so such a spec is "invalid reference format" under OpenShift's
	// algorithm.
	if strings.ContainsAny(spec, "[]") {
		return DockerImageReference{}, ErrReferenceInvalidFormat
	}
	m := distref.ReferenceRegexp.FindStringSubmatch(spec)
	if m == nil {
		return DockerImageReference{}, mismatchError(spec)
	}
	name, tag, id := m[1], m[2], m[3]
	// The 2.x grammar OpenShift copied limits the whole name, registry
	// included; distribution/reference v0.6.0 limits only the path.
	if len(name) > NameTotalLengthMax {
		return DockerImageReference{}, ErrNameTooLong
	}
	if id != "" {
		if _, err := digest.Parse(id); err != nil {
			return DockerImageReference{}, err
		}
	}
	return split(spec, name, tag, id), nil
}

// split builds the reference from the name, tag and digest that the
// grammar captured from spec, applying OpenShift's registry and namespace
// rules (SEMANTICS §9).
func split(spec, name, tag, id string) DockerImageReference {
	var ref DockerImageReference
	slash := strings.IndexByte(name, '/')
	if slash < 0 && (strings.Contains(name, ".") || strings.HasPrefix(name, "localhost")) {
		// OpenShift stores namedRef.String() here, which for a matched
		// spec is the spec itself, tag and digest included.
		ref.Registry = spec
		return ref
	}
	if slash < 0 || !isRegistryComponent(name[:slash]) {
		ref.Name = name
	} else {
		ref.Registry, ref.Name = name[:slash], name[slash+1:]
	}
	ref.Tag = tag
	ref.ID = id
	if ns, rest, ok := strings.Cut(ref.Name, "/"); ok {
		ref.Namespace, ref.Name = ns, rest
	}
	return ref
}

// isRegistryComponent reports whether the first of several path
// components names a registry: it contains ":" or "." or is exactly
// "localhost" (SEMANTICS §9). It uses IndexByte because strings.ContainsAny
// walks short strings rune by rune, which was a fifth of Parse's fast path.
func isRegistryComponent(first string) bool {
	return strings.IndexByte(first, ':') >= 0 || strings.IndexByte(first, '.') >= 0 || first == "localhost"
}

// mismatchError classifies a spec the grammar rejected. distribution/
// reference's Parse runs exactly OpenShift's classification (empty, then
// "would match if lower-cased", then invalid format) on the same grammar,
// so its error is used as is.
func mismatchError(spec string) error {
	if _, err := distref.Parse(spec); err != nil {
		return err
	}
	// Unreachable: both parsers share ReferenceRegexp.
	return ErrReferenceInvalidFormat
}

// IsRegistryDockerHub reports whether registry is one of Docker Hub's
// hostnames: docker.io, index.docker.io or registry-1.docker.io. The
// comparison is exact (case-sensitive, no port), as in OpenShift.
func IsRegistryDockerHub(registry string) bool {
	switch registry {
	case DockerDefaultRegistry, DockerDefaultV1Registry, DockerDefaultV2Registry:
		return true
	}
	return false
}

// Validate reports whether spec is a valid pull spec, returning the error
// Parse would return. It is faster than Parse for callers that only need
// the verdict, such as validation of large image streams.
func Validate(spec string) error {
	if _, _, _, ok := scan(spec); ok {
		return nil
	}
	_, err := parseRegexp(spec)
	return err
}

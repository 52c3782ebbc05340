// Package reference parses image pull specs the way OpenShift does and
// offers the helpers OpenShift's image API uses on them (SEMANTICS §9).
//
// A pull spec such as "quay.io/openshift/origin-cli:4.16@sha256:…" is split
// into a [DockerImageReference] with five fields: Registry, Namespace, Name,
// Tag and ID (the digest). Users of OpenShift's library-go will recognise
// the type and its methods; the behaviour, quirks included, is OpenShift's,
// because the image API reports and compares specs in this form.
//
// # Grammar
//
// [Parse] accepts the docker/distribution 2.x grammar that OpenShift copied:
//
//	reference      := name [ ":" tag ] [ "@" digest ]
//	name           := [ hostname "/" ] component ( "/" component )*
//	hostname       := hostcomponent ( "." hostcomponent )* [ ":" port ]
//	hostcomponent  := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//	component      := [a-z0-9]+ ( separator [a-z0-9]+ )*
//	separator      := [._] | "__" | "-"*
//	tag            := [\w][\w.-]{0,127}
//	digest         := algorithm ":" hex{32,}   (then checked by go-digest)
//
// The name, registry included, may be at most [NameTotalLengthMax] (255)
// characters. A digest must use sha256, sha384 or sha512 with exactly the
// right number of lower-case hex digits.
//
// # Defaults: docker.io, library, latest
//
// Parse fills in nothing: "busybox" has only Name set, and [DockerImageReference.Exact]
// gives back "busybox". A Docker client would pull
// "docker.io/library/busybox:latest", and [DockerImageReference.DockerClientDefaults]
// returns exactly that: registry docker.io when none is given, namespace
// library when the registry is one of Docker Hub's hostnames (see
// [IsRegistryDockerHub]) and no namespace is given, and tag latest when none
// is given, even if the reference also pins a digest. [DockerImageReference.Equal]
// compares two references after these defaults, so "busybox" equals
// "docker.io/library/busybox:latest", but it does not unify Docker Hub's
// hostnames: "index.docker.io/busybox" is a different reference.
//
// [DockerImageReference.String] adds only the library namespace, and only
// when the registry is written and is Docker Hub. [DockerImageReference.Minimal]
// and [DockerImageReference.DaemonMinimal] go the other way and drop what the
// defaults would restore.
//
// # Registry-only and name-only specs
//
// The first path component is the registry only if it contains "." or ":"
// or is exactly "localhost"; otherwise it is the namespace, so "a/b/c/d" is
// namespace "a" and name "b/c/d", and "quay.io/a/b/c" is registry
// "quay.io", namespace "a", name "b/c". A spec without "/" is a bare name
// ("busybox:1.36"), unless its name contains "." or starts with "localhost":
// then the whole spec is taken as a registry and nothing else is set.
// "docker.io" gives Registry "docker.io", and "17b.30.56.218:5000bapp" gives
// Registry "17b.30.56.218:5000bapp", the ":5000bapp" tag kept inside it
// (SEMANTICS §9). Such references have an empty Exact and String. A bare
// "sha256:<64 hex>" is not a digest reference but name "sha256" with that
// hex as its tag, as the grammar says.
//
// # Docker Hub and RegistryHostPort
//
// [DockerImageReference.AsV2] rewrites docker.io and index.docker.io to
// registry-1.docker.io, the host that serves Docker Hub's v2 API.
// [DockerImageReference.RegistryHostPort] applies AsV2 first and the client
// defaults second, so the two spellings of a Hub image disagree: "a/b"
// resolves to host docker.io while "docker.io/a/b" resolves to
// registry-1.docker.io. Without an explicit port the port is 443, or 80 for
// an insecure registry. This package keeps the asymmetry because OpenShift
// has it; callers that need one Hub host should normalise first.
//
// # Leniency compared with strict parsing
//
// OpenShift parses more loosely than Docker's normalising parser
// (distribution/reference's ParseNormalizedNamed and ParseDockerRef):
//
//   - Nothing is normalised: no docker.io or library/ is added, and
//     index.docker.io is kept as written.
//   - A first path component may contain upper case ("Foo/bar" is namespace
//     "Foo") when "/" follows it and it has no "_", because the grammar
//     then lets a hostname match it. Every other component must be lower
//     case, and so must a spec's only component: "Foo" and "Foo_bar/baz"
//     are rejected.
//   - A bare 64-hex-digit string is an ordinary name, not refused as an
//     image ID.
//   - A spec may carry both a tag and a digest; both are kept, and
//     [DockerImageReference.MostSpecific] and Exact prefer the digest.
//   - The registry-only rule above turns some specs that a strict parser
//     reads as name:tag into registries.
//
// # Differences from github.com/distribution/reference v0.6.0
//
// Parse matches with distribution/reference's ReferenceRegexp, takes its
// error values and its Parse for classifying rejected specs, and checks
// digests with go-digest. The grammars differ in these ways, all found by
// reading v0.6.0's regexp.go and reference.go, and this package follows
// OpenShift in each:
//
//   - IPv6 literals: v0.6.0 accepts a bracketed IPv6 host ("[::1]:5000/x");
//     OpenShift's hostname has no such form. Parse rejects any spec with "["
//     or "]" as "invalid reference format", the error OpenShift gives.
//   - Name length: v0.6.0 limits the path without the registry to 255
//     characters; OpenShift's 2.x copy limits the whole name, registry
//     included (SEMANTICS §1.3 NameTotalLengthMax). Parse checks the whole
//     name, before the digest, as OpenShift does.
//   - Separators: OpenShift writes the dash separator as "-"* and v0.6.0 as
//     "-"+. Both allow ".", "_", "__" and runs of "-", and an empty separator
//     between two alphanumeric runs adds nothing, so the accepted names are
//     the same.
//   - Upper case in hostnames, the tag and digest patterns, the reading of
//     a bare "sha256:<hex>" as name and tag, and the error texts are the
//     same in both and need no special handling.
//   - Normalisation and the registry-only rule live outside the grammar:
//     v0.6.0's Parse neither normalises nor splits registries the way
//     OpenShift does, so Parse does its own split on the matched name.
//
// # Speed
//
// Parse first tries a hand-written scanner that reads the spec once,
// without allocating, and is fifteen to thirty times faster than the regular
// expression; validating an ImageStream parses every spec in its tag
// history. The scanner decides only specs it can prove valid, with a name
// of at most 255 characters and a sha256, sha384 or sha512 digest in
// lower-case hex. Every other spec, valid or not, goes through the regular
// expression above, which alone produces errors. A fuzz test holds the two
// paths to identical results.
//
// # Errors
//
// Parse returns the error values of distribution/reference and go-digest
// unwrapped, so that their text is exactly OpenShift's (validation messages
// embed it). They are re-exported here as [ErrNameEmpty],
// [ErrNameContainsUppercase], [ErrReferenceInvalidFormat], [ErrNameTooLong],
// [ErrDigestInvalidFormat], [ErrDigestInvalidLength] and
// [ErrDigestUnsupported] for use with errors.Is.
package reference

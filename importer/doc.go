// Package importer performs ImageStreamImports the way OpenShift's API
// server does (SEMANTICS §8): it fetches manifests and configs from
// registries, turns them into Images and reports one result per image,
// with OpenShift's statuses. It implements [imagestream.Importer];
// applying the results to a stream is the imagestream package's job
// (imagestream.ApplyImportResults), so an import never writes anything
// and a failed one cannot corrupt a stream.
//
// # What is imported
//
// Each spec.images entry is imported from its DockerImage pull spec, by
// tag (latest when none is given) or by digest; spec.repository imports
// the repository's tags in [image.PrioritizeTags] order, at most
// Options.MaxTagsPerRepository of them (50 by default), and reports the
// rest in additionalTags. Entries asking for the same thing share one
// fetch, and a manifest or config met twice in one import is fetched once.
// Tags are fetched in parallel, Options.Concurrency at a time; a
// PreserveOriginal list fetches its children in a nested group with the
// same limit, so up to Concurrency² fetches may run at once.
//
// Docker schema 1 (signed or not), schema 2 and OCI image manifests all
// give complete Images — layers base first, config metadata, media type,
// size — built by [image.Manifest.BuildImage]. An image whose size comes
// out 0 (a schema 1 manifest whose history carries no layer sizes) gets
// its layer sizes from a HEAD request per distinct layer blob, as
// OpenShift's calculateImageSize does (SEMANTICS §8.6); a layer the
// registry cannot size fails the entry. A successful result's
// dockerImageReference keeps the spelling of the request with the digest
// in place of the tag: "busybox:latest" gives "busybox@sha256:…"
// (QUIRK §14.12). Images are returned with their manifest and config;
// OpenShift drops both from the response unless includeManifest is set.
//
// # Manifest lists
//
// OCI indexes and Docker manifest lists are handled by the entry's
// importPolicy.importMode (SEMANTICS §8.4):
//
//   - Legacy (or empty) imports one child, as if it had been requested by
//     digest. The child is chosen in this order: the first whose OS and
//     architecture are the target spec tag's
//     importer.image.openshift.io/prefer-os and prefer-arch annotations
//     (tag imports only), each falling back to the control plane's
//     platform, Options.ControlPlaneOS and ControlPlaneArch (runtime.GOOS
//     and runtime.GOARCH by default); else the first linux/amd64 child;
//     else the first child. The variant is ignored (QUIRK §14.13), but
//     platforms are normalized first, so "aarch64" is arm64 and "x86_64"
//     amd64.
//   - PreserveOriginal imports the list itself as an Image (with
//     dockerImageManifests and no layers) and every child, returned in
//     the result's Manifests; one failing child fails the entry, and so
//     does, with [ErrTooLarge], a list of more than
//     Options.MaxListChildren children (1000 by default; OpenShift has
//     no such bound).
//   - Any other mode fails with "valid ImportMode values are Legacy or
//     PreserveOriginal", whatever the manifest.
//
// # Statuses
//
// Every entry gets a status. Success carries only Status "Success".
// Failures carry OpenShift's reason, code and message (SEMANTICS §8.11,
// §8.12), the pull spec being the request's with Docker's defaults filled
// in ("docker.io/library/busybox:latest"):
//
//	Invalid 422        ` "" is invalid: from.name: Invalid value: "…": invalid name: …`
//	Invalid 422        ` "" is invalid: from.name: Invalid value: "library/*": the provided repository name is not valid`
//	NotFound 404       dockerimage.image.openshift.io "<spec>" not found
//	Unauthorized 401   you may not have access to the container image "<spec>"
//	Unauthorized 401   incorrect username or password for image "<spec>"
//	InternalError 500  Internal error occurred: <spec>: <cause>
//	Forbidden 403      forbidden: registry <registry> blocked
//	NotV2Registry 403  forbidden: endpoint "https://<host>" does not support v2 API (got <status>)
//	BadRequest 400     the repository <spec> is HTTP only and requires the insecure flag to import
//
// The second Invalid is the legacy from.name "*", which parses but names
// no repository; nothing is sent for it. Unauthorized says "you may not
// have access" when the registry refuses a request of the repository,
// whatever its message, and "incorrect username or password" when a
// token server refuses the credential with that text.
//
// NotFound is a manifest or tag the registry reports as MANIFEST_UNKNOWN
// and, for a repository import, a repository whose tag list is
// NAME_UNKNOWN. A manifest fetch answered with NAME_UNKNOWN, another code
// or a 404 with no error body is InternalError, since OpenShift's
// formatRepositoryError maps only MANIFEST_UNKNOWN; for NAME_UNKNOWN
// SEMANTICS infers this rather than quoting it (§8.11, §8.12). A missing
// config or layer blob, a timeout, a refused connection, a digest
// mismatch, an oversize or malformed manifest and a registry that keeps
// failing are all InternalError, as in OpenShift. NotV2Registry (a server whose /v2/ is
// not a registry's) and BadRequest (a plain HTTP registry without
// insecure) are reported for repository imports only, as OpenShift's
// formatPingError means to — its lazy ping makes both unreachable there
// (SEMANTICS §8.3, §8.11) — while image imports keep InternalError naming
// the cause. A repository import
// whose tags partly failed is ImportFailed, "<n> of the images from this repository failed
// to import". When the namespace's credentials were refused for an image
// as an incorrect username or password, the whole import, images and
// repository, is run again with only Options.NodeSecrets, as in OpenShift
// (SEMANTICS §8.1 step 7, QUIRK §14.15): its results are the import's,
// except that an image still Unauthorized keeps its first status. So an
// image the namespace's credentials could read may end with the second
// run's failure, and the repository's status is the second run's.
//
// # Credentials
//
// Pull secrets of type kubernetes.io/dockerconfigjson (.dockerconfigjson),
// kubernetes.io/dockercfg (.dockercfg) and, beyond OpenShift, podman's
// auth.json in a [SecretTypePodmanConfigJSON] secret are read; others are
// ignored, and one that does not decode fails the import with
// [ErrInvalidSecret]. The credential of a repository is chosen as
// OpenShift's kubelet keyring chooses it (SEMANTICS §8.7): entry keys are
// host[:port][/path] (scheme and a /v1/ or /v2/ prefix dropped), tried in
// reverse lexical order so that "quay.io/repository-main" comes before
// "quay.io"; a key matches when the ports are equal, the host labels match
// (globs such as "*.quay.io" allowed) and the key's path is a plain string
// prefix of the repository's — so "quay.io/repo" also matches
// "quay.io/repository-main" (QUIRK §14.14). The first credential of the
// first match is used. The namespace's secrets are searched before
// Options.NodeSecrets, as a union keyring is, so any match among them
// wins over a node match however specific; the reverse order applies
// within each.
//
// Two choices differ from OpenShift, both to avoid surprises: to the
// keyring, docker.io, index.docker.io and registry-1.docker.io are one
// registry, so an entry for any of them (with or without a path) serves
// Docker Hub images (the cluster configuration below still tells them
// apart); and the keyring's Docker Hub fallback is not applied to other
// registries such as "localhost/…", which OpenShift would send Docker Hub
// credentials to.
//
// Basic and bearer-token challenges are both answered (via oras-go); a
// token is reused for every request of the import with the same registry,
// credential and scope. Nothing is shared between imports, so one
// namespace's credentials never serve another's.
//
// # Cluster registry configuration and mirrors
//
// Options.Registries carries what OpenShift reads from
// image.config.openshift.io/cluster and the mirror sets (SEMANTICS §8.1
// step 4, §8.5). Registries are named there by the host[:port] of the
// defaulted pull spec and matched exactly, as in OpenShift: "docker.io"
// covers "busybox" and "docker.io/…" but not "index.docker.io/…" or
// "registry-1.docker.io/…", which reach Docker Hub too, so list each
// spelling. An import from a registry in BlockedRegistries fails with
// Forbidden without contacting it, unless mirrors are configured for it:
// then they alone serve it. The message is OpenShift's, naming the
// registry as the pull spec writes it, so "busybox" gives "forbidden:
// registry  blocked" with no name (SEMANTICS §8.2). One in InsecureRegistries is imported from as
// if importPolicy.insecure were set. A pull is tried from its mirrors
// first, in order: DigestMirrors (ImageContentSourcePolicy,
// ImageDigestMirrorSet) for pulls by digest, TagMirrors
// (ImageTagMirrorSet) for pulls by tag, chosen by the longest source
// prefix covering the repository; then from the source itself, unless a
// set says NeverContactSource (or the registry is blocked). The first
// source that has the manifest serves the config and the list children
// too. Mirrors are invisible in the result: the Image names the repository
// the user asked for. When every source fails the status is InternalError
// with all their errors, "[e1, e2]"; when none may serve a pull (a tag of
// a NeverContactSource repository with only digest mirrors) it is
// OpenShift's "unknown error … please try again."
//
// # Rate limits
//
// Each Import is held to OpenShift's limits (SEMANTICS §8.11): 2 tag or
// digest fetches a second after a burst of 3, and 5 registry calls a
// second per repository after a burst of 5. They protect registries from
// repository imports, and make a 50-tag repository import take about 25
// s; Options.RateLimits changes or removes them ([Unlimited]). Waits
// follow Options.Clock.
//
// # Scheduled re-import
//
// A [Scheduler] re-imports the tags with importPolicy.scheduled as
// OpenShift's scheduled image controller does (SEMANTICS §8.10). Like
// it, each import is the one OpenShift's regular image stream controller
// would post once the scheduled tags' generations are bumped, so other
// importable tags needing an import ride along, and a stream never
// checked (no dockerRepositoryCheck annotation) with a
// spec.dockerImageRepository imports every importable tag and that
// repository; the library has no regular controller, so nothing else
// imports them. [NewServiceScheduler] runs it over an
// imagestream.Service whose importer is this package's:
//
//	imp := importer.New(importer.Options{})
//	svc := imagestream.NewService(store, imagestream.WithImporter(imp))
//	go importer.NewServiceScheduler(svc, importer.SchedulerOptions{}).Run(ctx)
//
// # Security defaults
//
// TLS certificates are verified, and a redirect from HTTPS to plain HTTP
// is refused. importPolicy.insecure, for that entry only, accepts any
// certificate, follows such redirects and falls back to plain HTTP when
// the registry does not speak TLS. Reads are bounded: manifests to
// [MaxManifestBytes], configs to [MaxConfigBytes], error bodies to a few
// KiB, tag lists to [MaxManifestBytes] per page and [MaxTagListBytes]
// in all (and 1000 pages); redirects to [MaxRedirects]; the children of
// a PreserveOriginal list to Options.MaxListChildren
// ([DefaultMaxListChildren]), checked before any is fetched. A manifest,
// config, tag list or list of children past its bound fails with
// [ErrTooLarge] in the status. Every manifest must hash to the digest it
// was asked by and to the registry's Docker-Content-Digest, computed
// with that digest's algorithm (a sha512 request verifies; the Image is
// still named by its sha256 digest), every config to its descriptor. Temporary failures (429, 500, 502, 503, 504,
// timeouts, reset connections) are retried Options.Retries times,
// honouring Retry-After up to Options.MaxRetryWait; each registry operation is
// bounded by Options.Timeout. Credentials never appear in errors or log
// records, and statuses, where a registry may echo what it was sent, are
// scrubbed of every credential of the import: each password, auth value
// and base64 user:password of the keyring, and each token obtained, as
// sent or escaped for a URL's query or path. Values shorter than 4 characters (only a password or a token can be)
// are not scrubbed, as replacing them would garble messages.
package importer

package importer

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// Defaults and limits. Each bound protects the importer from a slow,
// broken or hostile registry.
const (
	// DefaultConcurrency is the number of tags of one import fetched at
	// once when Options.Concurrency is not set. Manifests and configs are
	// small, so the wall time of an import is dominated by round trips; ten
	// in flight hide most of the latency without flooding a registry.
	DefaultConcurrency = 10
	// DefaultTimeout bounds one registry operation (a manifest, a config
	// blob, a tag list), retries included.
	DefaultTimeout = time.Minute
	// DefaultRetries is OpenShift's number of extra attempts after a
	// temporary failure (SEMANTICS §8.11).
	DefaultRetries = 2
	// DefaultMaxRetryWait caps the wait before a retry, so that a
	// registry's Retry-After cannot stall an import for long.
	DefaultMaxRetryWait = 30 * time.Second
	// MaxManifestBytes is the largest manifest or manifest list read.
	MaxManifestBytes = 4 << 20
	// MaxTagListBytes is the most a repository's tag list is read, over
	// all its pages (each at most MaxManifestBytes): about 700,000 short
	// tags, far beyond real repositories, while bounding the memory a
	// registry can make a repository import hold.
	MaxTagListBytes = 16 << 20
	// MaxConfigBytes is the largest image config blob read.
	MaxConfigBytes = 8 << 20
	// DefaultMaxListChildren is the most children a PreserveOriginal
	// manifest list may have when Options.MaxListChildren is not set.
	// OpenShift has no such bound; it is hardening: a MaxManifestBytes
	// list can name some 20,000 children, each fetched and kept in
	// memory with its manifest and config until the import ends, while
	// real lists have tens of entries.
	DefaultMaxListChildren = 1000
	// MaxRedirects is the number of HTTP redirects followed per request.
	MaxRedirects = 5
)

// Options configure an Importer. The zero value imports as OpenShift's
// API server would on this machine.
type Options struct {
	// ControlPlaneArch and ControlPlaneOS are the platform a Legacy import
	// prefers in a manifest list when the target tag has no prefer-arch or
	// prefer-os annotation; empty means runtime.GOARCH and runtime.GOOS,
	// the platform OpenShift's API server runs on (SEMANTICS §8.4).
	ControlPlaneArch string
	ControlPlaneOS   string
	// MaxTagsPerRepository is how many tags a repository import imports;
	// the rest are reported in additionalTags. 0 means
	// image.MaxImagesBulkImportedPerRepository (50), -1 means no limit
	// (SEMANTICS §8.3).
	MaxTagsPerRepository int
	// MaxListChildren is the most children a PreserveOriginal manifest
	// list may have; a longer list fails its entry with ErrTooLarge
	// before any child is fetched. 0 means DefaultMaxListChildren, a
	// negative value no limit. A Legacy import fetches one child of any
	// list and is not bounded.
	MaxListChildren int
	// Concurrency is how many tags of one import are fetched at once;
	// ≤ 0 means DefaultConcurrency. Each PreserveOriginal list among them
	// fetches its children up to Concurrency at a time too, so up to
	// Concurrency² fetches may be in flight; the rate limits still hold.
	Concurrency int
	// Transport carries every secure request. nil means a clone of
	// http.DefaultTransport keeping enough idle connections for
	// Concurrency. TLS certificates are verified unless the import asks
	// for insecure.
	Transport http.RoundTripper
	// InsecureTransport carries the requests of imports with
	// importPolicy.insecure. nil means Transport with certificate
	// verification turned off when Transport is nil or an
	// *http.Transport, and Transport unchanged otherwise (then only the
	// plain HTTP fallback is insecure).
	InsecureTransport http.RoundTripper
	// Timeout bounds each registry operation, retries included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Retries is the number of extra attempts after a 429, a 500, 502,
	// 503 or 504, a timeout or a reset connection; 0 means DefaultRetries
	// and a negative value no retry.
	Retries int
	// MaxRetryWait caps each wait between attempts, Retry-After included;
	// 0 means DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// NodeSecrets are pull secrets used after the namespace's, as
	// OpenShift uses the node's /var/lib/kubelet/config.json; they are
	// also the only credentials of the anonymous retry (SEMANTICS §8.1).
	// A node secret that does not decode is left out, as OpenShift
	// ignores a node keyring it cannot read (§8.7), where a namespace's
	// bad secret fails the import.
	NodeSecrets []image.Secret
	// UserAgent is sent with every request; empty means "imagestreams".
	UserAgent string
	// Logger receives debug records of each import; nil discards them.
	// Records name images and statuses, never credentials.
	Logger *slog.Logger
	// Progress, when set, is called after each tag of a repository import
	// finishes. Calls are serialized.
	Progress func(Progress)
	// Now is the clock that stamps manifest-list metadata; nil means
	// Clock.Now.
	Now func() time.Time
	// Clock times rate-limit waits; nil means the time package.
	Clock Clock
	// RateLimits bound how fast one import calls registries; the zero
	// value is OpenShift's 2 fetches a second (burst 3) per import and 5
	// calls a second (burst 5) per repository (SEMANTICS §8.11).
	RateLimits RateLimits
	// Registries is the cluster's registry configuration: insecure and
	// blocked registries and mirrors (SEMANTICS §8.1 step 4, §8.5).
	Registries RegistryConfig
}

// Progress reports how far a repository import has come.
type Progress struct {
	// Repository is the repository's pull spec as requested.
	Repository string
	// Total is the number of tags being imported (at most
	// MaxTagsPerRepository).
	Total int
	// Done is the number of those tags finished, Failed of which failed.
	Done, Failed int
}

// Importer imports images from registries into ImageStreamImport
// results. It implements [imagestream.Importer] and is safe for
// concurrent use.
type Importer struct {
	opts     Options
	log      *slog.Logger
	clock    Clock
	regs     *registries
	secure   *http.Client
	insecure *http.Client
}

var _ imagestream.Importer = (*Importer)(nil)

// New returns an Importer with the given options, defaults filled in.
func New(opts Options) *Importer {
	if opts.ControlPlaneArch == "" {
		opts.ControlPlaneArch = runtime.GOARCH
	}
	if opts.ControlPlaneOS == "" {
		opts.ControlPlaneOS = runtime.GOOS
	}
	if opts.MaxTagsPerRepository == 0 {
		opts.MaxTagsPerRepository = image.MaxImagesBulkImportedPerRepository
	}
	if opts.MaxListChildren == 0 {
		opts.MaxListChildren = DefaultMaxListChildren
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = DefaultRetries
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = DefaultMaxRetryWait
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "imagestreams"
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Now == nil {
		opts.Now = opts.Clock.Now
	}
	opts.RateLimits = opts.RateLimits.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts.NodeSecrets = decodableSecrets(opts.NodeSecrets, log)
	secure, insecure := transports(opts)
	policy := &retryPolicy{retries: opts.Retries, maxWait: opts.MaxRetryWait}
	return &Importer{
		opts:     opts,
		log:      log,
		clock:    opts.Clock,
		regs:     newRegistries(opts.Registries),
		secure:   newHTTPClient(secure, policy, false),
		insecure: newHTTPClient(insecure, policy, true),
	}
}

// Import performs the registry side of isi (SEMANTICS §8.2–§8.7) and
// writes one result per spec.images entry into isi.Status.Images and,
// when spec.repository is set, the repository's results into
// isi.Status.Repository. Each result is the imported Image, with its
// manifest and config, or a failure status with OpenShift's reason,
// message and code. stream (which may be nil) is read for the target
// tags' prefer-arch and prefer-os annotations and never modified.
// secrets are the namespace's pull secrets.
//
// Import returns an error only when it cannot run at all: a pull secret
// that does not decode (wrapping ErrInvalidSecret) or a canceled ctx.
// Registry failures are results. Applying the results to the stream is
// the caller's job (imagestream.ApplyImportResults).
func (imp *Importer) Import(ctx context.Context, isi *image.ImageStreamImport, stream *image.ImageStream, secrets []image.Secret) error {
	kr, err := newKeyring(secrets, imp.opts.NodeSecrets)
	if err != nil {
		return err
	}
	imp.run(ctx, kr, isi, stream)
	if err := ctx.Err(); err != nil {
		return err
	}
	imp.retryAnonymously(ctx, isi, stream, secrets)
	return ctx.Err()
}

// run imports isi.Spec with the credentials of kr into isi.Status.
func (imp *Importer) run(ctx context.Context, kr *keyring, isi *image.ImageStreamImport, stream *image.ImageStream) {
	s := imp.newSession(kr)
	p := s.plan(isi, stream)
	if p.repo != nil {
		s.listRepository(ctx, p)
	}
	s.execute(ctx, p)
	p.fill(isi)
}

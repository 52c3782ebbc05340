package imagestream

import (
	"context"
	"log/slog"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/internal/keylock"
	"github.com/imagestreams/imagestreams/storage"
)

// Service is the ImageStream family of OpenShift's API server over a
// storage.Interface, shaped like client-go:
//
//	svc := imagestream.NewService(store, imagestream.WithRegistryHostname(host, ""))
//	is, err := svc.ImageStreams("ns").Get(ctx, "ruby")
//	_, err = svc.ImageStreamMappings("ns").Create(ctx, mapping)
//
// Every write is a compare-and-swap on the stored resourceVersion. A
// client's Update must carry the resourceVersion it read and fails with a
// Conflict when it is stale; the writes the server makes for a caller
// retry conflicts, mappings and most tag edits as OpenShift does
// (SEMANTICS §6.2, §12), signatures and imports although OpenShift
// returns the Conflict (§10.4, §8.1), since all their caller could do is
// resend, so concurrent writers lose nothing. Writers of one stream in one
// process take turns, and concurrent pushes into one stream share writes.
//
// Objects handed in are never modified, and objects handed out are copies
// the caller owns. Errors are *StatusError values with OpenShift's
// reasons and messages; errors.Is matches them against storage.ErrNotFound,
// storage.ErrExists, storage.ErrConflict, storage.ErrTooOld and
// image.ErrInvalid. A Service is safe for concurrent use.
type Service struct {
	store    storage.Interface
	strategy Strategy
	now      func() time.Time
	log      *slog.Logger
	importer Importer
	secrets  SecretProvider

	cache   streamCache   // decoded streams, see cache.go
	locks   keylock.Locks // one writer per stream key at a time
	pushes  pushQueues    // mappings waiting to share a write, see pushqueue.go
	buffers encodeBuffers // recycled encode buffers
}

// Option configures a Service.
type Option func(*Service)

// WithRegistryHostname sets the integrated registry's internal host[:port]
// and, optionally, its public host (SEMANTICS §4.2): streams then report
// status.dockerImageRepository "<internal>/<ns>/<name>", and mappings
// without a pull spec get "<internal>/<ns>/<name>@<image>" (§6.1).
func WithRegistryHostname(internal, public string) Option {
	return func(s *Service) {
		s.strategy.RegistryHostname, s.strategy.PublicRegistryHostname = internal, public
	}
}

// WithClock sets the source of time for creation timestamps and tag
// events; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.log = l
		}
	}
}

// WithValidation sets validation options such as a registry allow-list
// (SEMANTICS §3.11).
func WithValidation(opts image.ValidationOptions) Option {
	return func(s *Service) { s.strategy.Validation = opts }
}

// WithImportMode sets the import mode given to tags and imports that do
// not choose one (SEMANTICS §2.1); the default is Legacy. As in
// OpenShift, a mode other than Legacy or PreserveOriginal is ignored.
func WithImportMode(mode image.ImportModeType) Option {
	return func(s *Service) { s.strategy.Defaults.ImportMode = mode }
}

// WithImporter sets the Importer that ImageStreamImports use.
func WithImporter(imp Importer) Option {
	return func(s *Service) { s.importer = imp }
}

// WithSecrets sets where pull secrets come from.
func WithSecrets(p SecretProvider) Option {
	return func(s *Service) { s.secrets = p }
}

// WithTagVerifier sets the cross-namespace tag permission hook
// (SEMANTICS §4.6): it is asked about every new or changed spec tag that
// points into another namespace, and an error rejects the write.
func WithTagVerifier(fn func(ctx context.Context, is *image.ImageStream, tag *image.TagReference) error) Option {
	return func(s *Service) { s.strategy.VerifyTags = fn }
}

// WithLimitVerifier sets the quota-like limit hook (SEMANTICS §4.7). It
// sees every stream write, pushes included (other writes only when their
// spec tags resolve, as tag errors come first), and must not modify the
// streams it is given. An error rejects the write, as in OpenShift, with
// a 422 Invalid that carries it as the Forbidden
// `imagestreams.image.openshift.io "<name>" is forbidden: <err>`: for
// UpdateStatus and pushes (ImageStreamMappings), which are status
// updates, in a Forbidden cause at field "imageStream", ahead of any
// status validation errors (SEMANTICS §4.5); for every other write in an
// InternalError cause at field "" (QUIRK §14.3). A push from a registry
// the allow-list refuses fails on that alone, before limits are checked.
func WithLimitVerifier(fn func(ctx context.Context, is, old *image.ImageStream) error) Option {
	return func(s *Service) { s.strategy.VerifyLimits = fn }
}

// WithStreamCache sets how many decoded streams the Service keeps (256 by
// default); 0 turns the cache off. The cache makes a push into a large
// stream cost about the same as into a small one (see the package
// documentation); each entry holds one stream as decoded plus its JSON.
func WithStreamCache(n int) Option {
	return func(s *Service) { s.cache.size = max(n, 0) }
}

// NewService returns a Service storing its objects in store under
// /imagestreams/<namespace>/<name> and /images/<name>.
//
// NewService panics if store is nil: a Service cannot do anything without
// one, and a nil store is a programming error that should surface where
// it is made, as http.Handle panics on a nil handler, rather than as a
// nil pointer panic on the first call.
func NewService(store storage.Interface, opts ...Option) *Service {
	if store == nil {
		panic("imagestream: NewService called with a nil store")
	}
	s := &Service{store: store, now: time.Now, log: slog.New(slog.DiscardHandler)}
	s.cache.size = defaultStreamCacheSize
	for _, o := range opts {
		o(s)
	}
	s.strategy.Now = s.now
	s.strategy.Streams = streamGetter{s}
	return s
}

// Store returns the store the service writes to.
func (s *Service) Store() storage.Interface { return s.store }

// Key layout (DESIGN.md "Storage"): images are cluster-scoped, streams
// namespaced, as in OpenShift.
const (
	imagesPrefix  = "/images/"
	streamsPrefix = "/imagestreams/"
)

// streamKey is the storage key of stream ns/name.
func streamKey(ns, name string) string { return streamsPrefix + ns + "/" + name }

// imageKey is the storage key of the image called name.
func imageKey(name string) string { return imagesPrefix + name }

// streamPrefix is the list and watch prefix of a namespace's streams, or
// of all streams when ns is empty.
func streamPrefix(ns string) string {
	if ns == "" {
		return streamsPrefix
	}
	return streamsPrefix + ns + "/"
}

// streamGetter lets the strategy read other streams (SEMANTICS §4.4 step 5).
type streamGetter struct{ s *Service }

func (g streamGetter) GetImageStream(ctx context.Context, ns, name string) (*image.ImageStream, error) {
	is, _, err := g.s.getStream(ctx, ns, name)
	return is, err
}

// maxConflictRetries is OpenShift's bound on retries of the writes the
// server makes for a caller (SEMANTICS §6.2, §12.1).
const maxConflictRetries = 10

// Internal helpers for the clients and views of this package. They are
// the only paths to the store; build on them rather than on s.store:
//
//   - getStream: a stream the caller owns, decorated (§4.2), and its
//     revision;
//   - loadStream: the shared, read-only decoded stream (no copy) — use it
//     when only reading, and never modify it; pass it through decorated
//     before handing out pull specs derived from it;
//   - getImage: an image the caller owns;
//   - updateStreamWithRetry / upsertStreamWithRetry: server-side stream
//     writes through the internal strategy, with OpenShift's retry loop;
//   - createStream, storeStream: single writes of prepared streams;
//   - createImageIfAbsent: the Image strategy's create, AlreadyExists kept
//     apart (images.go);
//   - storageError: storage failures as StatusErrors (codec.go).

// getStream reads stream ns/name and returns a copy the caller owns, with
// metadata.resourceVersion set, and its revision.
func (s *Service) getStream(ctx context.Context, ns, name string) (*image.ImageStream, int64, error) {
	cur, err := s.loadStream(ctx, ns, name)
	if err != nil {
		return nil, 0, err
	}
	is := cur.stream().DeepCopy()
	s.strategy.Decorate(is)
	return is, cur.rv, nil
}

// decorated returns the shared stream is with its status repositories as
// this Service derives them (SEMANTICS §4.2): is itself when the stored
// ones agree, the usual case, else a shallow copy, since is may not be
// modified. Read paths that hand out pull specs use it.
func (s *Service) decorated(is *image.ImageStream) *image.ImageStream {
	d := *is
	s.strategy.Decorate(&d)
	if d.Status.DockerImageRepository == is.Status.DockerImageRepository && d.Status.PublicDockerImageRepository == is.Status.PublicDockerImageRepository {
		return is
	}
	return &d
}

// loadStream reads stream ns/name as a shared value that nobody may
// modify: the decoded stream of the cache when the store still holds that
// revision, else a fresh decode (then cached). The stream is normalized
// (SEMANTICS §2.3).
func (s *Service) loadStream(ctx context.Context, ns, name string) (*cachedStream, error) {
	key := streamKey(ns, name)
	if r, ok := s.store.(revisioner); ok {
		rv, err := r.Revision(ctx, key)
		if err != nil {
			return nil, storageError(err, ResourceImageStreams, name)
		}
		if e := s.cache.get(key, rv); e != nil {
			return e, nil
		}
	}
	obj, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, name)
	}
	if e := s.cache.get(key, obj.ResourceVersion); e != nil {
		return e, nil
	}
	is, err := s.decodeStream(obj)
	if err != nil {
		return nil, err
	}
	e := newFlatEntry(obj.ResourceVersion, is, nil, nil, len(obj.Value), s.strategy.factsOf(is))
	s.cache.put(key, e)
	return e, nil
}

// getImage reads the image called name; the caller owns the result.
func (s *Service) getImage(ctx context.Context, name string) (*image.Image, error) {
	img, _, err := s.readImage(ctx, name)
	return img, err
}

// readImage is getImage that also returns the stored value, which an
// update compares its own with (see updateImage).
func (s *Service) readImage(ctx context.Context, name string) (*image.Image, []byte, error) {
	obj, err := s.store.Get(ctx, imageKey(name))
	if err != nil {
		return nil, nil, storageError(err, ResourceImages, name)
	}
	img, err := decodeImage(obj)
	return img, obj.Value, err
}

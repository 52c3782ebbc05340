package imagestream

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/internal/keylock"
	"github.com/imagestreams/imagestreams/reference"
	"github.com/imagestreams/imagestreams/storage"
)

// Service is the ImageStream family of OpenShift's API server over a
// storage.Interface, shaped like client-go: svc.ImageStreams(ns).Get,
// svc.ImageStreamMappings(ns).Create, svc.Images().List, ... Every write
// is a compare-and-swap on the stored resourceVersion; operations the
// server performs for the caller (mappings, imports, signatures) retry
// conflicts the way OpenShift does, so concurrent writers lose nothing.
//
// Objects handed in are not modified and objects handed out are copies
// the caller owns. Errors are *StatusError values; errors.Is works with
// storage.ErrNotFound, storage.ErrExists, storage.ErrConflict and
// image.ErrInvalid.
type Service struct {
	store    storage.Interface
	strategy Strategy
	now      func() time.Time
	log      *slog.Logger
	importer Importer
	secrets  SecretProvider
	cache    streamCache
	locks    keylock.Locks
	buffers  encodeBuffers
}

// Option configures a Service.
type Option func(*Service)

// WithRegistryHostname sets the integrated registry's internal host[:port]
// and, optionally, its public host (SEMANTICS §4.2): streams then report
// status.dockerImageRepository "<internal>/<ns>/<name>".
func WithRegistryHostname(internal, public string) Option {
	return func(s *Service) {
		s.strategy.RegistryHostname, s.strategy.PublicRegistryHostname = internal, public
	}
}

// WithClock sets the source of time for creation timestamps and tag
// events; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) { s.log = l }
}

// WithValidation sets validation options such as a registry allow-list.
func WithValidation(opts image.ValidationOptions) Option {
	return func(s *Service) { s.strategy.Validation = opts }
}

// WithImportMode sets the import mode given to tags and imports that do
// not choose one (SEMANTICS §2.1); the default is Legacy.
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

// WithTagVerifier sets the cross-namespace tag permission hook (SEMANTICS §4.6).
func WithTagVerifier(fn func(ctx context.Context, is *image.ImageStream, tag *image.TagReference) error) Option {
	return func(s *Service) { s.strategy.VerifyTags = fn }
}

// NewService returns a Service storing its objects in store under
// /imagestreams/<namespace>/<name> and /images/<name>.
func NewService(store storage.Interface, opts ...Option) *Service {
	s := &Service{store: store, now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	s.strategy.Now = s.now
	s.strategy.Streams = streamGetter{s}
	return s
}

// Store returns the store the service writes to.
func (s *Service) Store() storage.Interface { return s.store }

func streamKey(ns, name string) string { return "/imagestreams/" + ns + "/" + name }

func streamPrefix(ns string) string {
	if ns == "" {
		return "/imagestreams/"
	}
	return "/imagestreams/" + ns + "/"
}

func imageKey(name string) string { return "/images/" + name }

type streamGetter struct{ s *Service }

func (g streamGetter) GetImageStream(ctx context.Context, ns, name string) (*image.ImageStream, error) {
	is, _, err := g.s.getStream(ctx, ns, name)
	return is, err
}

// getStream reads a stream and its revision; the stream is the caller's.
func (s *Service) getStream(ctx context.Context, ns, name string) (*image.ImageStream, int64, error) {
	cur, err := s.loadStream(ctx, ns, name)
	if err != nil {
		return nil, 0, err
	}
	return cur.is.DeepCopy(), cur.rv, nil
}

// loadStream reads a stream as a shared, immutable cached value.
func (s *Service) loadStream(ctx context.Context, ns, name string) (*cachedStream, error) {
	key := streamKey(ns, name)
	obj, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, name)
	}
	if e := s.cache.get(key, obj.ResourceVersion); e != nil {
		return e, nil
	}
	is, err := decodeStream(obj)
	if err != nil {
		return nil, err
	}
	e := &cachedStream{rv: obj.ResourceVersion, is: is, tags: make([][]byte, len(is.Status.Tags))}
	for i := range is.Status.Tags {
		if e.tags[i], err = json.Marshal(&is.Status.Tags[i]); err != nil {
			return nil, NewInternalError(err)
		}
	}
	s.cache.put(key, e)
	return e, nil
}

func decodeStream(obj storage.Object) (*image.ImageStream, error) {
	is := new(image.ImageStream)
	if err := json.Unmarshal(obj.Value, is); err != nil {
		return nil, NewInternalError(fmt.Errorf("decode %s: %w", obj.Key, err))
	}
	is.ResourceVersion = strconv.FormatInt(obj.ResourceVersion, 10)
	Normalize(is)
	return is, nil
}

func decodeImage(obj storage.Object) (*image.Image, error) {
	img := new(image.Image)
	if err := json.Unmarshal(obj.Value, img); err != nil {
		return nil, NewInternalError(fmt.Errorf("decode %s: %w", obj.Key, err))
	}
	img.ResourceVersion = strconv.FormatInt(obj.ResourceVersion, 10)
	return img, nil
}

// encode stores obj without its resourceVersion, which the store keeps.
func encode(obj image.Object, meta *image.ObjectMeta) ([]byte, error) {
	rv := meta.ResourceVersion
	meta.ResourceVersion = ""
	defer func() { meta.ResourceVersion = rv }()
	b, err := image.Encode(obj)
	if err != nil {
		return nil, NewInternalError(err)
	}
	return b, nil
}

// parseRV reads a resourceVersion; "" is 0.
func parseRV(rv string) (int64, error) {
	if rv == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, NewBadRequest(fmt.Sprintf("invalid resourceVersion %q", rv))
	}
	return n, nil
}

// storageError turns storage failures into API errors.
func storageError(err error, gr GroupResource, name string) error {
	var se *StatusError
	var ce *storage.ConflictError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return err
	case errors.Is(err, storage.ErrNotFound):
		return NewNotFound(gr, name)
	case errors.Is(err, storage.ErrExists):
		return NewAlreadyExists(gr, name)
	case errors.As(err, &ce):
		return NewConflict(gr, name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, storage.ErrTooLarge):
		e := NewBadRequest(fmt.Sprintf("%s %q is too large to store: %v", gr, name, err))
		e.Err = err
		return e
	}
	return NewInternalError(err)
}

// newUID returns a random RFC 4122 version 4 UUID.
func newUID() image.UID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return image.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// maxConflictRetries is OpenShift's bound on retries of server-side
// writes (SEMANTICS §6.2, §12.1).
const maxConflictRetries = 10

// validateNewPullSpec checks a pull spec a server-side write adds to a
// stream's status, as a status update does (SEMANTICS §3.5, §4.5).
func (s *Service) validateNewPullSpec(stream, tag, spec string) error {
	p := image.NewPath("status", "tags").Key(tag).Child("items").Index(0).Child("dockerImageReference")
	var fe *image.FieldError
	if spec == "" {
		fe = p.Required("")
	} else if ref, err := reference.Parse(spec); err != nil {
		fe = p.Invalid(spec, err.Error())
	} else if allow := s.strategy.Validation.AllowRegistry; allow != nil {
		if err := allow(ref, false); err != nil {
			fe = p.Forbidden(err.Error())
		}
	}
	if fe == nil {
		return nil
	}
	return NewInvalid("ImageStream", stream, &image.InvalidError{Kind: "ImageStream", Name: stream, Errs: image.ErrorList{fe}})
}

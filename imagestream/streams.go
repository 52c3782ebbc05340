package imagestream

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ListOptions selects a page of a list.
type ListOptions struct {
	// Limit is the page size; <= 0 returns everything.
	Limit int64
	// Continue is the token of the previous page.
	Continue string
}

// DeleteOptions are preconditions of a delete.
type DeleteOptions struct {
	// ResourceVersion, when set, must be the object's current one.
	ResourceVersion string
	// UID, when set, must be the object's UID.
	UID image.UID
}

// ImageStreams returns the client for the image streams of namespace ns.
func (s *Service) ImageStreams(ns string) *ImageStreams {
	return &ImageStreams{s: s, ns: ns}
}

// ImageStreams reads and writes the image streams of one namespace
// through the API server's strategy (SEMANTICS §4).
type ImageStreams struct {
	s  *Service
	ns string
}

// Get returns the stream called name.
func (c *ImageStreams) Get(ctx context.Context, name string) (*image.ImageStream, error) {
	is, _, err := c.s.getStream(ctx, c.ns, name)
	return is, err
}

// List returns the streams of the namespace sorted by name; with an empty
// namespace, every stream sorted by namespace and name.
func (c *ImageStreams) List(ctx context.Context, opts ListOptions) (*image.ImageStreamList, error) {
	res, err := c.s.store.List(ctx, streamPrefix(c.ns), storage.ListOptions{Limit: opts.Limit, Continue: opts.Continue})
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, "")
	}
	list := &image.ImageStreamList{
		TypeMeta: image.TypeMeta{Kind: "ImageStreamList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: fmt.Sprint(res.ResourceVersion), Continue: res.Continue},
		Items:    make([]image.ImageStream, 0, len(res.Items)),
	}
	for _, obj := range res.Items {
		is, err := decodeStream(obj)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, *is)
	}
	return list, nil
}

// Create stores a new stream. Like OpenShift it discards the status the
// caller sent, sets metadata.generation and every spec tag's generation to
// 1, and resolves spec tags that point at other tags or images.
func (c *ImageStreams) Create(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	is := in.DeepCopy()
	if err := c.checkNamespace(&is.ObjectMeta); err != nil {
		return nil, err
	}
	c.s.strategy.PrepareForCreate(is)
	return c.s.createStream(ctx, is, false)
}

// createStream stores a prepared stream; internal creates keep the
// status they carry.
func (s *Service) createStream(ctx context.Context, is *image.ImageStream, _ bool) (*image.ImageStream, error) {
	is.UID = newUID()
	is.CreationTimestamp = image.NewTime(s.now())
	is.ResourceVersion = ""
	if err := s.strategy.ValidateCreate(ctx, is); err != nil {
		return nil, err
	}
	b, err := encode(is, &is.ObjectMeta)
	if err != nil {
		return nil, err
	}
	rv, err := s.store.Create(ctx, streamKey(is.Namespace, is.Name), b)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, is.Name)
	}
	is.ResourceVersion = fmt.Sprint(rv)
	return is, nil
}

// Update replaces the stream's spec and metadata; the caller's status is
// ignored. metadata.resourceVersion must be the stored one.
func (c *ImageStreams) Update(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	return c.update(ctx, in, func(is, old *image.ImageStream) error {
		c.s.strategy.PrepareForUpdate(is, old)
		return c.s.strategy.ValidateUpdate(ctx, is, old)
	})
}

// UpdateStatus replaces the stream's status (the status subresource,
// SEMANTICS §4.5); spec tags cannot change this way.
func (c *ImageStreams) UpdateStatus(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	return c.update(ctx, in, func(is, old *image.ImageStream) error {
		c.s.strategy.PrepareForStatusUpdate(is, old)
		return c.s.strategy.ValidateStatusUpdate(ctx, is, old)
	})
}

func (c *ImageStreams) update(ctx context.Context, in *image.ImageStream, prepare func(is, old *image.ImageStream) error) (*image.ImageStream, error) {
	is := in.DeepCopy()
	if err := c.checkNamespace(&is.ObjectMeta); err != nil {
		return nil, err
	}
	if is.ResourceVersion == "" {
		return nil, NewInvalid("ImageStream", is.Name, &image.InvalidError{Kind: "ImageStream", Name: is.Name,
			Errs: image.ErrorList{image.NewPath("metadata", "resourceVersion").Invalid(is.ResourceVersion, "must be specified for an update")}})
	}
	rv, err := parseRV(is.ResourceVersion)
	if err != nil {
		return nil, err
	}
	old, oldRV, err := c.s.getStream(ctx, c.ns, is.Name)
	if err != nil {
		return nil, err
	}
	if rv != oldRV {
		return nil, NewConflict(ResourceImageStreams, is.Name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
	}
	if err := prepare(is, old); err != nil {
		return nil, err
	}
	return c.s.writeStream(ctx, is, oldRV)
}

// writeStream stores a prepared and validated stream over revision rv and
// returns a copy of it for the caller.
func (s *Service) writeStream(ctx context.Context, is *image.ImageStream, rv int64) (*image.ImageStream, error) {
	e, err := s.storeStream(ctx, is, rv, nil)
	if err != nil {
		return nil, err
	}
	return e.is.DeepCopy(), nil
}

// storeStream writes is over revision rv, reusing the JSON of the status
// tags it shares with prev, and caches it. is belongs to the cache
// afterwards and must not be changed.
func (s *Service) storeStream(ctx context.Context, is *image.ImageStream, rv int64, prev *cachedStream) (*cachedStream, error) {
	b, tags, err := encodeStream(s.buffers.get(), is, prev)
	if err != nil {
		return nil, NewInternalError(err)
	}
	key := streamKey(is.Namespace, is.Name)
	nrv, err := s.store.Update(ctx, key, b, rv)
	s.buffers.put(b)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, is.Name)
	}
	is.ResourceVersion = fmt.Sprint(nrv)
	e := &cachedStream{rv: nrv, is: is, tags: tags}
	s.cache.put(key, e)
	return e, nil
}

// Delete removes the stream. Its images stay: they are cluster objects
// that pruning removes.
func (c *ImageStreams) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	rv, err := parseRV(opts.ResourceVersion)
	if err != nil {
		return err
	}
	if opts.UID != "" {
		is, cur, err := c.s.getStream(ctx, c.ns, name)
		if err != nil {
			return err
		}
		if is.UID != opts.UID {
			// Kubernetes' wording, capital letter included.
			msg := fmt.Sprintf("Precondition failed: UID in precondition: %s, UID in object meta: %s", opts.UID, is.UID)
			return NewConflict(ResourceImageStreams, name, errors.New(msg))
		}
		if rv == 0 {
			rv = cur
		}
	}
	_, err = c.s.store.Delete(ctx, streamKey(c.ns, name), rv)
	return storageError(err, ResourceImageStreams, name)
}

// checkNamespace fills an empty namespace and rejects another one.
func (c *ImageStreams) checkNamespace(m *image.ObjectMeta) error {
	if m.Namespace == "" {
		m.Namespace = c.ns
	}
	if m.Namespace != c.ns {
		return NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// updateStreamWithRetry reads, changes and writes a stream through the
// internal strategy, retrying on conflict up to OpenShift's bound, as the
// server does for writes it makes for a caller. mutate may return
// errNoChange to stop without writing.
func (s *Service) updateStreamWithRetry(ctx context.Context, ns, name string, gr GroupResource, op string, mutate func(is *image.ImageStream) error) (*image.ImageStream, error) {
	for range maxConflictRetries {
		old, rv, err := s.getStream(ctx, ns, name)
		if err != nil {
			return nil, err
		}
		is := old.DeepCopy()
		if err := mutate(is); err != nil {
			if errors.Is(err, errNoChange) {
				return old, nil
			}
			return nil, err
		}
		s.strategy.PrepareForInternalUpdate(is, old)
		if err := s.strategy.ValidateUpdate(ctx, is, old); err != nil {
			return nil, err
		}
		out, err := s.writeStream(ctx, is, rv)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		return out, err
	}
	return nil, NewServerTimeout(gr, op, 2)
}

// errNoChange tells updateStreamWithRetry that nothing needs writing.
var errNoChange = errors.New("no change")

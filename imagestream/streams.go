package imagestream

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// ListOptions selects a page of a list, as in Kubernetes: all pages of
// one chain of continue tokens are read from the snapshot of the first.
type ListOptions struct {
	// Limit is the page size; <= 0 returns everything.
	Limit int64
	// Continue is the token of the previous page's list metadata.
	Continue string
	// LabelSelector keeps only objects whose labels match it, in the
	// syntax of ParseSelector ("app=ruby,env in (dev,test),!old"); empty
	// keeps everything. The selector filters each page, so a page may
	// hold fewer than Limit items while more follow. One that does not
	// parse is a BadRequest wrapping a *SelectorError.
	LabelSelector string
	// FieldSelector keeps only objects whose fields match it:
	// "metadata.name=ruby",
	// "metadata.name!=ruby:latest,metadata.namespace==demo". As in
	// OpenShift, every kind has metadata.name and metadata.namespace,
	// ImageStreams also spec.dockerImageRepository and
	// status.dockerImageRepository (SEMANTICS §1.1), the latter as List
	// reports it (§4.2), and Secrets type; any other field is a
	// BadRequest. Like the label selector it filters each page. The tag views (ImageStreamTags,
	// ImageTags) match it against their own names, "<stream>:<tag>".
	FieldSelector string
}

// selector parses opts.LabelSelector.
func (opts ListOptions) selector() (Selector, error) {
	sel, err := ParseSelector(opts.LabelSelector)
	if err != nil {
		e := NewBadRequest(err.Error())
		e.Err = err
		return Selector{}, e
	}
	return sel, nil
}

// DeleteOptions are the options of a delete.
type DeleteOptions struct {
	// Preconditions, when set, must hold for the object to be deleted.
	Preconditions *Preconditions
}

// Preconditions are conditions on the object a delete removes; an empty
// field is not checked. A failed precondition is a Conflict.
type Preconditions struct {
	// UID must be the object's uid.
	UID image.UID
	// ResourceVersion must be the object's resourceVersion.
	ResourceVersion string
}

// ImageStreams returns the client for the image streams of namespace ns;
// with ns empty, List and Watch cover every namespace.
func (s *Service) ImageStreams(ns string) *ImageStreams {
	return &ImageStreams{s: s, ns: ns}
}

// ImageStreams reads and writes the image streams of one namespace
// through OpenShift's ImageStream strategy (SEMANTICS §4).
type ImageStreams struct {
	s  *Service
	ns string
}

// Get returns the stream called name.
func (c *ImageStreams) Get(ctx context.Context, name string) (*image.ImageStream, error) {
	if err := c.needNamespace(); err != nil {
		return nil, err
	}
	is, _, err := c.s.getStream(ctx, c.ns, name)
	return is, err
}

// List returns the streams of the namespace sorted by name; for the
// client of all namespaces, every stream in the order of its storage key
// (byte order of "<namespace>/<name>"), as Kubernetes lists, the order
// that stays the same across pages. That is by namespace and name, except
// that a namespace comes after those that extend it with '-': "a-b/y"
// before "a/x". opts.LabelSelector, when set, keeps the streams whose
// labels match.
func (c *ImageStreams) List(ctx context.Context, opts ListOptions) (*image.ImageStreamList, error) {
	sel, fields, err := opts.selectors(streamFields)
	if err != nil {
		return nil, err
	}
	match := c.matcher(sel, fields)
	res, err := c.s.store.List(ctx, streamPrefix(c.ns), storage.ListOptions{Limit: opts.Limit, Continue: opts.Continue})
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, "")
	}
	list := &image.ImageStreamList{
		TypeMeta: image.TypeMeta{Kind: "ImageStreamList", APIVersion: image.APIVersion},
		ListMeta: image.ListMeta{ResourceVersion: formatRV(res.ResourceVersion), Continue: res.Continue},
		Items:    make([]image.ImageStream, 0, len(res.Items)),
	}
	for _, obj := range res.Items {
		if e := c.s.cache.get(obj.Key, obj.ResourceVersion); e != nil {
			if match(e.stream()) {
				list.Items = append(list.Items, *e.stream().DeepCopy())
				c.s.strategy.Decorate(&list.Items[len(list.Items)-1])
			}
			continue
		}
		is, err := c.s.decodeStream(obj)
		if err != nil {
			return nil, err
		}
		if match(is) {
			c.s.strategy.Decorate(is)
			list.Items = append(list.Items, *is)
		}
	}
	return list, nil
}

// matcher returns whether a stream, as List hands it out, matches both
// selectors.
func (c *ImageStreams) matcher(sel Selector, fields fieldSelector) func(*image.ImageStream) bool {
	return func(is *image.ImageStream) bool {
		return sel.Matches(is.Labels) && fields.matches(&is.ObjectMeta, func(field string) string { return c.s.streamField(is, field) })
	}
}

// Create stores a new stream. Like OpenShift (SEMANTICS §4.1) it discards
// the status the caller sent, sets metadata.generation and every spec
// tag's generation to 1, resolves spec tags that point at other tags or
// images, and fills the system fields (uid, creationTimestamp, a name from
// generateName).
func (c *ImageStreams) Create(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	if err := needObject(in, "ImageStream"); err != nil {
		return nil, err
	}
	is := in.DeepCopy()
	if err := c.checkNamespace(&is.ObjectMeta); err != nil {
		return nil, err
	}
	generateName(&is.ObjectMeta)
	c.s.strategy.PrepareForCreate(is)
	return c.s.createStream(ctx, is)
}

// Update replaces the stream's metadata and spec (SEMANTICS §4.3): the
// status sent is ignored, a spec change adds one to metadata.generation,
// and new or changed spec tags are resolved. metadata.resourceVersion must
// be the stored one: a stale one is a Conflict, none at all is Invalid.
// As in OpenShift, an update that would store the same bytes again is not
// written: the stream keeps its resourceVersion and watchers see no event.
func (c *ImageStreams) Update(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	return c.update(ctx, in, func(is, old *image.ImageStream) error {
		c.s.strategy.PrepareForUpdate(is, old)
		return c.s.strategy.ValidateUpdate(ctx, is, old)
	})
}

// UpdateStatus replaces the stream's status through the status
// subresource (SEMANTICS §4.5): spec tags and the spec repository stay as
// stored, and new newest events sent with generation 0 get the generation
// they answer. resourceVersion rules, and the skipping of an update that
// changes nothing, are those of Update.
func (c *ImageStreams) UpdateStatus(ctx context.Context, in *image.ImageStream) (*image.ImageStream, error) {
	return c.update(ctx, in, func(is, old *image.ImageStream) error {
		c.s.strategy.PrepareForStatusUpdate(is, old)
		return c.s.strategy.ValidateStatusUpdate(ctx, is, old)
	})
}

func (c *ImageStreams) update(ctx context.Context, in *image.ImageStream, prepare func(is, old *image.ImageStream) error) (*image.ImageStream, error) {
	if err := needObject(in, "ImageStream"); err != nil {
		return nil, err
	}
	is := in.DeepCopy()
	if err := c.checkNamespace(&is.ObjectMeta); err != nil {
		return nil, err
	}
	rv, err := requireResourceVersion("ImageStream", &is.ObjectMeta)
	if err != nil {
		return nil, err
	}
	key := streamKey(c.ns, is.Name)
	unlock, err := c.s.locks.Lock(ctx, key)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := c.s.loadStream(ctx, c.ns, is.Name)
	if err != nil {
		return nil, err
	}
	if rv != cur.rv {
		return nil, NewConflict(ResourceImageStreams, is.Name, errModified)
	}
	old := cur.stream() // shared: the strategy only reads old
	beforeUpdate(&is.ObjectMeta, &old.ObjectMeta, true)
	if err := prepare(is, old); err != nil {
		return nil, err
	}
	if sameAsStored(is, cur) {
		return old.DeepCopy(), nil
	}
	e, err := c.s.storeStream(ctx, is, cur.rv, cur, false, nil)
	if err != nil {
		return nil, err
	}
	return e.stream().DeepCopy(), nil
}

// Delete removes the stream. Its images stay: they are cluster objects
// that pruning removes.
func (c *ImageStreams) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	if err := c.needNamespace(); err != nil {
		return err
	}
	key := streamKey(c.ns, name)
	err := c.s.deleteKey(ctx, key, ResourceImageStreams, name, opts.Preconditions, func(obj storage.Object) (image.UID, error) {
		is, err := c.s.decodeStream(obj)
		if err != nil {
			return "", err
		}
		return is.UID, nil
	})
	c.s.cache.remove(key)
	return err
}

// Watch streams the changes to the namespace's streams (all streams for
// the client of all namespaces) after opts.ResourceVersion, of those
// matching opts' selectors when set; see WatchOptions. A selector that
// List refuses is a BadRequest here too.
func (c *ImageStreams) Watch(ctx context.Context, opts WatchOptions) (<-chan ImageStreamEvent, error) {
	sel, fields, err := opts.selectors(streamFields)
	if err != nil {
		return nil, err
	}
	var match func(*image.ImageStream) bool
	if !sel.Empty() || len(fields) > 0 {
		match = c.matcher(sel, fields)
	}
	decode := func(obj storage.Object) (*image.ImageStream, error) {
		is, err := c.s.decodeStream(obj)
		if err == nil {
			c.s.strategy.Decorate(is)
		}
		return is, err
	}
	return watchObjects(ctx, c.s, streamPrefix(c.ns), opts, ResourceImageStreams, decode, func(key string, rv int64) *image.ImageStream {
		ns, name := splitStreamKey(key)
		return &image.ImageStream{ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: formatRV(rv)}}
	}, match)
}

// checkNamespace fills an empty namespace and rejects another one.
func (c *ImageStreams) checkNamespace(m *image.ObjectMeta) error {
	if err := c.needNamespace(); err != nil {
		return err
	}
	if m.Namespace == "" {
		m.Namespace = c.ns
	}
	if m.Namespace != c.ns {
		return NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// needNamespace rejects single-object calls on the client of all
// namespaces.
func (c *ImageStreams) needNamespace() error {
	if c.ns == "" {
		return NewBadRequest("a namespace must be specified for this request")
	}
	return nil
}

// deleteKey deletes key once preconditions hold, checking them against
// the object as it is when the delete happens (a concurrent write makes
// it check again). uidOf reads the uid of a stored object.
func (s *Service) deleteKey(ctx context.Context, key string, gr GroupResource, name string, pre *Preconditions, uidOf func(storage.Object) (image.UID, error)) error {
	if pre == nil || (pre.UID == "" && pre.ResourceVersion == "") {
		_, err := s.store.Delete(ctx, key, 0)
		return storageError(err, gr, name)
	}
	wantRV, err := parseRV(pre.ResourceVersion)
	if err != nil {
		return err
	}
	for {
		obj, err := s.store.Get(ctx, key)
		if err != nil {
			return storageError(err, gr, name)
		}
		var uid image.UID
		if pre.UID != "" {
			if uid, err = uidOf(obj); err != nil {
				return err
			}
		}
		if err := pre.check(gr, name, uid, wantRV, obj.ResourceVersion); err != nil {
			return err
		}
		_, err = s.store.Delete(ctx, key, obj.ResourceVersion)
		if errors.Is(err, storage.ErrConflict) {
			continue // written meanwhile: check the preconditions again
		}
		return storageError(err, gr, name)
	}
}

// check returns the Conflict for the first precondition the object fails,
// given its uid and resourceVersion rv; wantRV is pre.ResourceVersion
// parsed, 0 when not set.
func (pre *Preconditions) check(gr GroupResource, name string, uid image.UID, wantRV, rv int64) error {
	if pre.UID != "" && pre.UID != uid {
		return NewConflict(gr, name, preconditionError("UID", string(pre.UID), string(uid)))
	}
	if wantRV != 0 && wantRV != rv {
		return NewConflict(gr, name, preconditionError("ResourceVersion", pre.ResourceVersion, formatRV(rv)))
	}
	return nil
}

// preconditionError is Kubernetes' message for a failed delete
// precondition, capital letter included.
func preconditionError(field, want, got string) error {
	msg := fmt.Sprintf("Precondition failed: %s in precondition: %s, %s in object meta: %s", field, want, field, got)
	return errors.New(msg)
}

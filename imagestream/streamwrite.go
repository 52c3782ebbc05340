package imagestream

import (
	"bytes"
	"context"
	"errors"
	"slices"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// errNoChange, returned by the mutate function of updateStreamWithRetry
// or upsertStreamWithRetry, ends the write without storing anything.
var errNoChange = errors.New("no change")

// createStream validates and stores a new stream that went through
// Strategy.PrepareForCreate or PrepareForInternalCreate, after filling its
// system fields (uid, creationTimestamp). It takes ownership of is and
// returns a copy for the caller. A name from generateName must have been
// chosen before the strategy ran (generateName), since the status
// repository derives from the name.
func (s *Service) createStream(ctx context.Context, is *image.ImageStream) (*image.ImageStream, error) {
	s.beforeCreate(&is.ObjectMeta, true)
	is.TypeMeta = streamTypeMeta
	if err := s.strategy.ValidateCreate(ctx, is); err != nil {
		return nil, err
	}
	b, err := encode(is, &is.ObjectMeta)
	if err != nil {
		return nil, err
	}
	key := streamKey(is.Namespace, is.Name)
	rv, err := s.store.Create(ctx, key, b)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, is.Name)
	}
	is.ResourceVersion = formatRV(rv)
	s.cache.put(key, newFlatEntry(rv, is, nil, nil, len(b), s.strategy.factsOf(is)))
	return is.DeepCopy(), nil
}

// ownedUpdater is implemented by stores that can take over the buffer of
// an update instead of copying it (memory.Store.UpdateOwned). Every write
// of a stream encodes it into a buffer of its own, so handing that buffer
// over saves copying the whole stream once more per write, which for a
// large stream is most of the cost of a push. The caller must not touch
// the buffer afterwards, whatever the outcome.
type ownedUpdater interface {
	UpdateOwned(ctx context.Context, key string, value []byte, rv int64) (int64, error)
}

// partsUpdater is implemented by stores that can keep a value as the
// list of parts it is the concatenation of (memory.Store.UpdateParts),
// sharing the parts with earlier values: a push hands over the JSON of
// the stream's chunks (chunks.go) without joining them. The store owns
// parts afterwards, and no part is ever modified.
type partsUpdater interface {
	UpdateParts(ctx context.Context, key string, parts [][]byte, rv int64) (int64, error)
}

// revisioner is implemented by stores that tell the revision of a key
// without reading its value (memory.Store.Revision): a cached stream is
// then validated without the store joining the parts of its value.
type revisioner interface {
	Revision(ctx context.Context, key string) (int64, error)
}

// storeChunks writes over revision rv the stream whose status tags are
// chunks and whose everything else is meta (Status.Tags nil), and caches
// it. It reuses prev's JSON of everything but the tags when sameHead.
// meta belongs to the cache afterwards. It fails like storeStream.
func (s *Service) storeChunks(ctx context.Context, meta *image.ImageStream, chunks []*tagChunk, rv int64, prev *cachedStream, sameHead bool, facts *streamFacts) (*cachedStream, error) {
	meta.TypeMeta = streamTypeMeta
	key := streamKey(meta.Namespace, meta.Name)
	head, prefix := prev.head, prev.prefix
	if !sameHead || head == nil {
		var err error
		if head, err = encodeHead(meta); err != nil {
			return nil, NewInternalError(err)
		}
		prefix = nil
	}
	if prefix == nil {
		var ok bool
		if prefix, ok = tagsPrefix(head); !ok {
			return nil, NewInternalError(errors.New("unexpected encoding of the stream"))
		}
	}
	parts, size := streamParts(prefix, chunks)
	if len(chunks) == 0 {
		parts, size = [][]byte{head}, len(head) // no status tags: no "tags" either
	}
	var nrv int64
	var err error
	if pu, ok := s.store.(partsUpdater); ok {
		nrv, err = pu.UpdateParts(ctx, key, parts, rv)
	} else {
		b := s.buffers.get()
		if cap(b) < size {
			b = make([]byte, 0, size)
		}
		b = b[:0]
		for _, p := range parts {
			b = append(b, p...)
		}
		nrv, err = s.store.Update(ctx, key, b, rv)
		s.buffers.put(b)
	}
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, meta.Name)
	}
	meta.ResourceVersion = formatRV(nrv)
	e := &cachedStream{rv: nrv, meta: meta, head: head, prefix: prefix, size: size, facts: *facts}
	e.chunks.Store(&chunks)
	s.cache.put(key, e)
	return e, nil
}

// storeStream writes is over revision rv and caches it. It reuses the
// JSON of the status tags is shares with prev and, with sameHead, prev's
// JSON of the rest (see encodeStream). facts are those of is when the
// caller knows them, else nil and they are computed. is belongs to the cache afterwards
// and must not be changed. A failed compare-and-swap is a Conflict
// StatusError for which errors.Is(err, storage.ErrConflict) holds.
func (s *Service) storeStream(ctx context.Context, is *image.ImageStream, rv int64, prev *cachedStream, sameHead bool, facts *streamFacts) (*cachedStream, error) {
	is.TypeMeta = streamTypeMeta
	key := streamKey(is.Namespace, is.Name)
	if pu, ok := s.store.(partsUpdater); ok && len(is.Status.Tags) > 0 {
		if e, done, err := s.storeStreamParts(ctx, pu, is, rv, prev, sameHead, facts); done {
			return e, err
		}
	}
	owner, owned := s.store.(ownedUpdater)
	var dst []byte
	if !owned {
		dst = s.buffers.get()
	}
	b, tags, head, err := encodeStream(dst, is, prev, sameHead)
	if err != nil {
		return nil, NewInternalError(err)
	}
	var nrv int64
	if owned {
		nrv, err = owner.UpdateOwned(ctx, key, b, rv) // b is the store's now
	} else {
		nrv, err = s.store.Update(ctx, key, b, rv)
		s.buffers.put(b)
	}
	size := len(b)
	if err != nil {
		return nil, storageError(err, ResourceImageStreams, is.Name)
	}
	is.ResourceVersion = formatRV(nrv)
	if facts == nil {
		f := s.strategy.factsOf(is)
		facts = &f
	}
	e := newFlatEntry(nrv, is, tags, head, size, *facts)
	s.cache.put(key, e)
	return e, nil
}

// sameAsStored reports whether storing is over cur would write cur's
// value again, byte for byte. OpenShift's storage compares a write with
// the stored value and skips an identical one, so an update that changes
// nothing keeps the resourceVersion and sends watchers no event; a
// controller that writes back what it read does not wake itself up.
// An encoding error counts as a change: the write reports it.
//
// It encodes no more than the head (everything but the status tags) in
// the usual cases: equal tags encode alike, and tags that differ in
// number, names or history lengths cannot.
func sameAsStored(is *image.ImageStream, cur *cachedStream) bool {
	old := cur.stream()
	h := *is
	h.TypeMeta = streamTypeMeta // as storeStream stores it
	head, err := encodeHead(&h)
	if err != nil {
		return false
	}
	oldHead := cur.head
	if oldHead == nil {
		if oldHead, err = encodeHead(old); err != nil {
			return false
		}
	}
	if !bytes.Equal(head, oldHead) {
		return false
	}
	a, b := is.Status.Tags, old.Status.Tags
	if len(a) != len(b) {
		return false
	}
	equal := true
	for i := range a {
		if a[i].Tag != b[i].Tag || len(a[i].Items) != len(b[i].Items) {
			return false
		}
		equal = equal && eventsEqual(a[i].Items, b[i].Items) && slices.Equal(a[i].Conditions, b[i].Conditions) &&
			(a[i].Items == nil) == (b[i].Items == nil)
	}
	if equal {
		return true
	}
	// Values that differ may still encode alike (times are stored to the
	// second): compare the encodings.
	nb, _, _, err := encodeStream(nil, &h, cur, false)
	if err != nil || len(nb) != cur.size {
		return false
	}
	ob, _, _, err := encodeStream(nil, old, cur, true)
	return err == nil && bytes.Equal(nb, ob)
}

// storeStreamParts is storeStream for a store that keeps values as
// parts: the status tags are cut into chunks at once (which costs what
// joining them would), so the pushes that follow find them ready. done is
// false, with nothing written, when the stream's JSON does not have the
// usual shape (see tagsPrefix).
func (s *Service) storeStreamParts(ctx context.Context, pu partsUpdater, is *image.ImageStream, rv int64, prev *cachedStream, sameHead bool, facts *streamFacts) (e *cachedStream, done bool, err error) {
	head, err := encodeStreamHead(is, prev, sameHead)
	if err != nil {
		return nil, true, NewInternalError(err)
	}
	prefix, ok := tagsPrefix(head)
	if !ok {
		return nil, false, nil
	}
	tags, err := encodeStatusTags(is, prev)
	if err != nil {
		return nil, true, NewInternalError(err)
	}
	chunks := cutChunks(is.Status.Tags, tags)
	parts, size := streamParts(prefix, chunks)
	nrv, err := pu.UpdateParts(ctx, streamKey(is.Namespace, is.Name), parts, rv)
	if err != nil {
		return nil, true, storageError(err, ResourceImageStreams, is.Name)
	}
	is.ResourceVersion = formatRV(nrv)
	if facts == nil {
		f := s.strategy.factsOf(is)
		facts = &f
	}
	e = newFlatEntry(nrv, is, tags, head, size, *facts)
	e.prefix = prefix
	e.chunks.Store(&chunks)
	s.cache.put(streamKey(is.Namespace, is.Name), e)
	return e, true, nil
}

// updateStreamWithRetry changes stream ns/name the way the server's own
// writes do (imports, tag edits): mutate gets a copy of the stream as
// stored (metadata.resourceVersion set) and changes it; the result goes
// through Strategy.PrepareForInternalUpdate, which keeps the status
// mutate wrote, and ValidateUpdate, and is stored with compare-and-swap.
// On a conflict everything runs again on the fresh stream, at most
// maxConflictRetries times, after which the error is ServerTimeout on
// (gr, op) as in OpenShift (SEMANTICS §12.1). A missing stream is
// NotFound. An error from mutate is returned as is; errNoChange ends
// without a write and returns the stream as stored.
func (s *Service) updateStreamWithRetry(ctx context.Context, ns, name string, gr GroupResource, op string, mutate func(is *image.ImageStream) error) (*image.ImageStream, error) {
	out, _, err := s.upsertStreamWithRetry(ctx, ns, name, gr, op, func(is *image.ImageStream, exists bool) error {
		if !exists {
			return NewNotFound(ResourceImageStreams, name)
		}
		return mutate(is)
	})
	return out, err
}

// upsertStreamWithRetry is updateStreamWithRetry that also creates the
// stream when it does not exist, as ImageStreamTag and ImageTag creates
// do (SEMANTICS §12.1): mutate then gets exists == false and an empty
// stream with only its namespace and name, and the result is created
// through the public strategy (Strategy.PrepareForCreate, which discards
// any status). Losing a create race retries like a conflict. created
// reports whether the stream was created.
func (s *Service) upsertStreamWithRetry(ctx context.Context, ns, name string, gr GroupResource, op string, mutate func(is *image.ImageStream, exists bool) error) (out *image.ImageStream, created bool, err error) {
	key := streamKey(ns, name)
	unlock, err := s.locks.Lock(ctx, key)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	for range maxConflictRetries {
		cur, err := s.loadStream(ctx, ns, name)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Namespace: ns, Name: name}}
			if err := mutate(is, false); err != nil {
				return nil, false, err
			}
			s.strategy.PrepareForCreate(is)
			out, err := s.createStream(ctx, is)
			if errors.Is(err, storage.ErrExists) {
				continue
			}
			return out, err == nil, err
		case err != nil:
			return nil, false, err
		}
		is := cur.stream().DeepCopy()
		if err := mutate(is, true); err != nil {
			if errors.Is(err, errNoChange) {
				return cur.stream().DeepCopy(), false, nil
			}
			return nil, false, err
		}
		s.strategy.PrepareForInternalUpdate(is, cur.stream())
		if err := s.strategy.ValidateUpdate(ctx, is, cur.stream()); err != nil {
			return nil, false, err
		}
		if sameAsStored(is, cur) {
			return cur.stream().DeepCopy(), false, nil
		}
		e, err := s.storeStream(ctx, is, cur.rv, cur, false, nil)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		return e.stream().DeepCopy(), false, nil
	}
	return nil, false, NewServerTimeout(gr, op, 2)
}

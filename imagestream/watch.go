package imagestream

import (
	"context"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/storage"
)

// WatchOptions says where a watch starts.
type WatchOptions struct {
	// ResourceVersion is the revision after which changes are reported:
	// the resourceVersion of a list (to see every change after it, as
	// client-go's informers do) or of an event (to resume after it). Empty
	// or "0" starts from now. Unlike Kubernetes, a watch never begins with
	// synthetic ADDED events for the objects that exist: list first.
	// A revision the store has compacted fails with an Expired
	// StatusError (errors.Is(err, storage.ErrTooOld)), at once or as the
	// last event.
	ResourceVersion string
}

// WatchEvent is one change seen by a watch of objects of type T.
type WatchEvent[T any] struct {
	// Type is storage.Added, storage.Modified, storage.Deleted or
	// storage.Error.
	Type storage.EventType
	// Object is the object after the change; for Deleted, the object as
	// it was last stored (only its namespace and name when the store no
	// longer has it), with the revision of the delete. Its
	// metadata.resourceVersion resumes a watch after this event. Zero for
	// Error.
	Object T
	// Err says why the watch ended, for Error events: an Expired
	// StatusError when the watch fell behind the store's history, or the
	// store's failure.
	Err error
}

// ImageStreamEvent is a change to an image stream.
type ImageStreamEvent = WatchEvent[*image.ImageStream]

// ImageEvent is a change to an image.
type ImageEvent = WatchEvent[*image.Image]

// watchObjects runs a storage watch of prefix and decodes its events.
// The channel is closed when ctx ends or after an Error event; the
// storage watch ends with it, as the caller may stop reading there.
// decode sets the object's resourceVersion from the storage.Object it is
// given; placeholder builds the object of a deleted key whose old value
// the store no longer has.
func watchObjects[T any](ctx context.Context, s *Service, prefix string, opts WatchOptions, gr GroupResource,
	decode func(storage.Object) (T, error), placeholder func(key string, rv int64) T) (<-chan WatchEvent[T], error) {
	rv, err := parseRV(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	events, err := s.store.Watch(ctx, prefix, rv)
	if err != nil {
		cancel()
		return nil, storageError(err, gr, "")
	}
	out := make(chan WatchEvent[T])
	go func() {
		defer close(out)
		defer cancel() // also when we end first, after a value that does not decode
		for ev := range events {
			we := toWatchEvent(ev, gr, decode, placeholder)
			select {
			case out <- we:
			case <-ctx.Done():
				return
			}
			if we.Type == storage.Error {
				return
			}
		}
	}()
	return out, nil
}

func toWatchEvent[T any](ev storage.Event, gr GroupResource, decode func(storage.Object) (T, error), placeholder func(key string, rv int64) T) WatchEvent[T] {
	if ev.Type == storage.Error {
		return WatchEvent[T]{Type: storage.Error, Err: storageError(ev.Err, gr, "")}
	}
	value := ev.Value
	if ev.Type == storage.Deleted {
		value = ev.PrevValue
	}
	if value == nil {
		return WatchEvent[T]{Type: ev.Type, Object: placeholder(ev.Key, ev.ResourceVersion)}
	}
	obj, err := decode(storage.Object{Key: ev.Key, Value: value, ResourceVersion: ev.ResourceVersion})
	if err != nil {
		return WatchEvent[T]{Type: storage.Error, Err: err}
	}
	return WatchEvent[T]{Type: ev.Type, Object: obj}
}

// splitStreamKey returns the namespace and name of a stream key.
func splitStreamKey(key string) (ns, name string) {
	ns, name, _ = strings.Cut(strings.TrimPrefix(key, streamsPrefix), "/")
	return ns, name
}

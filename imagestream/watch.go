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
	// LabelSelector and FieldSelector, in the syntax of ListOptions, keep
	// the changes of matching objects only, as a Kubernetes watch does:
	// an object that comes to match is reported ADDED, one that stops
	// matching DELETED (with its last matching state and the revision of
	// the change), changes to objects that match before and after
	// MODIFIED, and changes to objects that match neither time nothing.
	// When the store no longer has the state before a change, a change
	// to an object that matches is reported MODIFIED, and one to an
	// object that does not DELETED (with only its namespace and name), as
	// the watcher may hold it.
	LabelSelector string
	FieldSelector string
}

// selectors parses both selectors of opts, like ListOptions.selectors.
func (opts WatchOptions) selectors(supported fieldSet) (Selector, fieldSelector, error) {
	return ListOptions{LabelSelector: opts.LabelSelector, FieldSelector: opts.FieldSelector}.selectors(supported)
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
// the store no longer has. match, when not nil, filters the events as
// WatchOptions' selectors say.
func watchObjects[T any](ctx context.Context, s *Service, prefix string, opts WatchOptions, gr GroupResource,
	decode func(storage.Object) (T, error), placeholder func(key string, rv int64) T, match func(T) bool) (<-chan WatchEvent[T], error) {
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
			var we WatchEvent[T]
			if match == nil {
				we = toWatchEvent(ev, gr, decode, placeholder)
			} else if we = toFilteredEvent(ev, gr, decode, placeholder, match); we.Type == "" {
				continue
			}
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

// toFilteredEvent is toWatchEvent for a watch with selectors: it reports
// an event as the objects before and after it match (see WatchOptions),
// and returns a WatchEvent with no Type when there is nothing to report.
func toFilteredEvent[T any](ev storage.Event, gr GroupResource, decode func(storage.Object) (T, error), placeholder func(key string, rv int64) T, match func(T) bool) WatchEvent[T] {
	if ev.Type == storage.Error {
		return toWatchEvent(ev, gr, decode, placeholder)
	}
	// state decodes a value of the event, at the event's revision.
	state := func(value []byte) (T, bool, error) {
		if value == nil {
			var zero T
			return zero, false, nil
		}
		obj, err := decode(storage.Object{Key: ev.Key, Value: value, ResourceVersion: ev.ResourceVersion})
		return obj, true, err
	}
	cur, haveCur, err := state(ev.Value)
	if err != nil {
		return WatchEvent[T]{Type: storage.Error, Err: err}
	}
	old, haveOld, err := state(ev.PrevValue)
	if err != nil {
		return WatchEvent[T]{Type: storage.Error, Err: err}
	}
	curMatches := haveCur && match(cur)
	switch ev.Type {
	case storage.Added:
		if curMatches {
			return WatchEvent[T]{Type: storage.Added, Object: cur}
		}
	case storage.Deleted:
		switch {
		case !haveOld:
			return WatchEvent[T]{Type: storage.Deleted, Object: placeholder(ev.Key, ev.ResourceVersion)}
		case match(old):
			return WatchEvent[T]{Type: storage.Deleted, Object: old}
		}
	default: // Modified
		switch {
		case !haveOld && curMatches:
			return WatchEvent[T]{Type: storage.Modified, Object: cur}
		case !haveOld:
			return WatchEvent[T]{Type: storage.Deleted, Object: placeholder(ev.Key, ev.ResourceVersion)}
		case curMatches && match(old):
			return WatchEvent[T]{Type: storage.Modified, Object: cur}
		case curMatches:
			return WatchEvent[T]{Type: storage.Added, Object: cur}
		case match(old):
			return WatchEvent[T]{Type: storage.Deleted, Object: old}
		}
	}
	return WatchEvent[T]{}
}

// splitStreamKey returns the namespace and name of a stream key.
func splitStreamKey(key string) (ns, name string) {
	ns, name, _ = strings.Cut(strings.TrimPrefix(key, streamsPrefix), "/")
	return ns, name
}

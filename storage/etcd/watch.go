package etcd

import (
	"context"
	"errors"
	"fmt"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// watchBuffer decouples etcd's delivery from a briefly slow consumer; the
// etcd client buffers further behind it.
const watchBuffer = 64

// errWatchClosed ends a watch whose etcd channel closed while the caller's
// context was still live: the client was closed under it.
var errWatchClosed = errors.New("etcd watch channel closed")

// Watch streams the changes under prefix after revision rv, with previous
// values.
//
// It asks etcd for the events from revision rv itself (not rv+1, as
// Kubernetes does) and drops those at rv: etcd refuses a watch that starts
// below its compaction revision, so a watch is accepted exactly when a
// list at rv would be, and an event at the compaction revision that etcd
// may already have discarded is never needed. With rv == 0 the watch
// starts at the current revision, read before Watch returns, so no write
// completed after Watch returns is missed.
//
// A compacted start revision fails at once with storage.ErrTooOld; if etcd
// compacts past it in the instant before the watch starts, the watch ends
// with an Error event wrapping it instead. The watch requires a leader: on
// a member that loses quorum it ends with an Error event instead of going
// silent.
func (s *Store) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	if s.closed.Load() {
		return nil, &storage.KeyError{Op: "watch", Key: prefix, Err: storage.ErrClosed}
	}
	if err := validate.Prefix("watch", prefix); err != nil {
		return nil, err
	}
	if rv < 0 {
		return nil, &storage.KeyError{Op: "watch", Key: prefix, Err: fmt.Errorf("%w: negative resourceVersion %d", storage.ErrTooOld, rv)}
	}
	p := s.key(prefix)
	// A one-key read returns the current revision in its header and, read
	// at rv, fails at once if rv is compacted; a future rv is left to the
	// watch, which waits for it.
	var opts []clientv3.OpOption
	if rv > 0 {
		opts = append(opts, clientv3.WithRev(rv))
	}
	resp, err := s.client.Get(ctx, p, append(opts, clientv3.WithCountOnly())...)
	switch {
	case errors.Is(err, rpctypes.ErrFutureRev):
	case err != nil:
		return nil, s.wrap("watch", prefix, err)
	case rv == 0:
		rv = resp.Header.Revision
	}
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	wch := s.client.Watch(wctx, p,
		clientv3.WithRange(clientv3.GetPrefixRangeEnd(p)),
		clientv3.WithRev(rv),
		clientv3.WithPrevKV(),
	)
	out := make(chan storage.Event, watchBuffer)
	go func() {
		defer close(out)
		defer cancel()
		s.forward(ctx, prefix, rv, wch, out)
	}()
	return out, nil
}

// forward converts etcd's watch responses into events on out until ctx
// ends or etcd ends the watch.
func (s *Store) forward(ctx context.Context, prefix string, rv int64, wch clientv3.WatchChan, out chan<- storage.Event) {
	send := func(e storage.Event) bool {
		select {
		case out <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		var resp clientv3.WatchResponse
		var ok bool
		select {
		case resp, ok = <-wch:
		case <-ctx.Done():
			// Do not wait for the client to wind the watch down: the
			// deferred cancel tells it to.
			return
		case <-s.done:
			send(storage.Event{Type: storage.Error, Key: prefix, Err: &storage.KeyError{Op: "watch", Key: prefix, Err: storage.ErrClosed}})
			return
		}
		if !ok {
			// Closed by the client: ctx ended, or the client was closed.
			if ctx.Err() == nil {
				send(storage.Event{Type: storage.Error, Key: prefix, Err: s.wrap("watch", prefix, errWatchClosed)})
			}
			return
		}
		if err := resp.Err(); err != nil {
			send(storage.Event{Type: storage.Error, Key: prefix, Err: s.wrap("watch", prefix, err)})
			return
		}
		for _, ev := range resp.Events {
			if ev.Kv.ModRevision <= rv {
				continue
			}
			if !send(s.event(ev)) {
				return
			}
		}
	}
}

// event converts one etcd event. A put whose CreateRevision equals its
// ModRevision created the key.
func (s *Store) event(ev *clientv3.Event) storage.Event {
	e := storage.Event{Key: s.unkey(ev.Kv.Key), ResourceVersion: ev.Kv.ModRevision}
	if ev.PrevKv != nil {
		e.PrevValue = value(ev.PrevKv.Value)
	}
	switch {
	case ev.Type == mvccpb.DELETE:
		e.Type = storage.Deleted
	case ev.IsCreate():
		e.Type, e.Value, e.PrevValue = storage.Added, value(ev.Kv.Value), nil
	default:
		e.Type, e.Value = storage.Modified, value(ev.Kv.Value)
	}
	return e
}

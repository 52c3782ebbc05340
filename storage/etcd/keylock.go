package etcd

import (
	"context"
	"sync"
)

// keyLocks serializes work per key. A lock exists only while someone
// holds or awaits it, so the map stays as small as the set of keys in use.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock // guarded by mu
}

type keyLock struct {
	sem  chan struct{} // holds a token while locked; a channel so waiting honours ctx
	refs int           // holders and waiters; guarded by keyLocks.mu
}

// lock locks key, waiting at most until ctx ends; unlock with the
// returned function.
func (l *keyLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = make(map[string]*keyLock)
	}
	k := l.m[key]
	if k == nil {
		k = &keyLock{sem: make(chan struct{}, 1)}
		l.m[key] = k
	}
	k.refs++
	l.mu.Unlock()
	select {
	case k.sem <- struct{}{}:
		return func() {
			<-k.sem
			l.release(key, k)
		}, nil
	case <-ctx.Done():
		l.release(key, k)
		return nil, ctx.Err()
	}
}

func (l *keyLocks) release(key string, k *keyLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k.refs--; k.refs == 0 {
		delete(l.m, key)
	}
}

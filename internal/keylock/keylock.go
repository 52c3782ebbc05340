package keylock

import (
	"context"
	"sync"
)

// Locks is a set of per-key locks. The zero value is ready to use.
type Locks struct {
	mu sync.Mutex
	m  map[string]*keyLock // guarded by mu
}

type keyLock struct {
	sem  chan struct{} // holds a token while locked; a channel so waiting honours ctx
	refs int           // holders and waiters; guarded by Locks.mu
}

// Lock locks key, waiting at most until ctx ends; unlock with the
// returned function.
func (l *Locks) Lock(ctx context.Context, key string) (unlock func(), err error) {
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

func (l *Locks) release(key string, k *keyLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k.refs--; k.refs == 0 {
		delete(l.m, key)
	}
}

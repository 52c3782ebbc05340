package keylock

import (
	"context"
	"sync"
	"testing"
)

func TestKeyLocks(t *testing.T) {
	var l Locks
	ctx := t.Context()

	// Holders of one key exclude each other.
	const goroutines, rounds = 8, 100
	counter := 0 // guarded by l's lock of "/k"
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range rounds {
				unlock, err := l.Lock(ctx, "/k")
				if err != nil {
					t.Error(err)
					return
				}
				counter++
				unlock()
			}
		})
	}
	wg.Wait()
	if counter != goroutines*rounds {
		t.Errorf("counter = %d, want %d", counter, goroutines*rounds)
	}

	// Other keys are independent, and waiting honours the context.
	unlock, err := l.Lock(ctx, "/a")
	if err != nil {
		t.Fatal(err)
	}
	unlockB, err := l.Lock(ctx, "/b")
	if err != nil {
		t.Fatalf("lock of another key: %v", err)
	}
	unlockB()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Lock(cctx, "/a"); err == nil {
		t.Error("lock of a held key with a cancelled context succeeded")
	}
	unlock()

	// Nothing is left behind once every lock is released.
	if n := len(l.m); n != 0 {
		t.Errorf("%d locks left in the map, want 0", n)
	}
}

package etcd_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/internal/etcdtest"
	"github.com/imagestreams/imagestreams/storage"
)

// opTimeout bounds one write while etcd is down: the client waits for a
// connection until its context ends, and the writers must see failures
// to prove they kept trying through the outage.
const opTimeout = 300 * time.Millisecond

// ledger records the writes etcd acknowledged.
type ledger struct {
	mu       sync.Mutex
	created  map[string]string // key → value of every acknowledged Create
	counters map[string]int    // key → last acknowledged counter value
}

// writer creates fresh keys and increments its own counter until ctx
// ends, counting acknowledged and failed writes.
func writer(ctx context.Context, s storage.Interface, id int, l *ledger, acks, fails *atomic.Int64) {
	counter := fmt.Sprintf("/counters/%d", id)
	for i := 0; ctx.Err() == nil; i++ {
		key := fmt.Sprintf("/w/%d/%06d", id, i)
		value := strconv.Itoa(i)
		octx, cancel := context.WithTimeout(ctx, opTimeout)
		_, err := s.Create(octx, key, []byte(value))
		if err == nil {
			l.mu.Lock()
			l.created[key] = value
			l.mu.Unlock()
		}
		var n int
		_, uerr := storage.GuaranteedUpdate(octx, s, counter, true, func(cur storage.Object) ([]byte, error) {
			n = 0
			if cur.Value != nil {
				var err error
				if n, err = strconv.Atoi(string(cur.Value)); err != nil {
					return nil, err
				}
			}
			n++
			return []byte(strconv.Itoa(n)), nil
		})
		cancel()
		if uerr == nil {
			l.mu.Lock()
			l.counters[counter] = n
			l.mu.Unlock()
		}
		for _, e := range []error{err, uerr} {
			if e == nil {
				acks.Add(1)
			} else {
				fails.Add(1)
			}
		}
	}
}

// waitFor polls cond; the deadline only turns a hang into a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRestartKeepsAcknowledgedWrites stops etcd gracefully and then kills
// it while writers run, restarts it each time, and checks that every write
// etcd acknowledged is there afterwards, and that a watch resumed from its
// last revision saw every acknowledged create exactly once.
func TestRestartKeepsAcknowledgedWrites(t *testing.T) {
	srv := etcdtest.Start(t)
	s := newStoreAt(t, srv.Endpoint(), uniquePrefix())
	ctx, stop := context.WithCancel(t.Context())
	defer stop()

	// The watch starts from the revision before any write, so it must see
	// them all.
	start, err := s.List(ctx, "/w/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var lastRV atomic.Int64
	lastRV.Store(start.ResourceVersion)

	l := &ledger{created: map[string]string{}, counters: map[string]int{}}
	var acks, fails atomic.Int64
	var wg sync.WaitGroup
	const writers = 4
	for id := range writers {
		wg.Go(func() { writer(ctx, s, id, l, &acks, &fails) })
	}
	seen := make(map[string]int)
	var watchErr error
	watchDone := make(chan struct{})
	// The watch outlives the writers: it must catch up by itself.
	wctx, stopWatch := context.WithCancel(t.Context())
	defer stopWatch()
	go func() {
		defer close(watchDone)
		watchErr = follow(wctx, s, seen, &lastRV)
	}()

	for _, halt := range []struct {
		name string
		do   func()
	}{{"stop", srv.Stop}, {"kill", srv.Kill}} {
		before := acks.Load()
		waitFor(t, "writes before "+halt.name, func() bool { return acks.Load() >= before+20 })
		halt.do()
		t.Logf("%s: etcd down after %d acknowledged writes", halt.name, acks.Load())
		failed := fails.Load()
		waitFor(t, "failed writes while etcd is down", func() bool { return fails.Load() >= failed+writers })
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		after := acks.Load()
		t.Logf("%s: etcd restarted", halt.name)
		waitFor(t, "writes after restart", func() bool { return acks.Load() >= after+20 })
	}
	stop()
	wg.Wait()
	t.Log("writers stopped")

	// Every acknowledged create and counter value is in etcd.
	check := context.Background()
	for key, want := range l.created {
		got, err := s.Get(check, key)
		if err != nil {
			t.Errorf("acknowledged create of %s lost: %v", key, err)
			continue
		}
		if string(got.Value) != want {
			t.Errorf("%s = %q, want %q", key, got.Value, want)
		}
	}
	for key, want := range l.counters {
		got, err := s.Get(check, key)
		if err != nil {
			t.Errorf("acknowledged counter %s lost: %v", key, err)
			continue
		}
		// A write whose acknowledgement was lost with the connection may
		// still have been applied, so the counter can be ahead, never behind.
		if n, err := strconv.Atoi(string(got.Value)); err != nil || n < want {
			t.Errorf("counter %s = %q, want >= %d", key, got.Value, want)
		}
	}
	t.Logf("%d acknowledged writes, %d failed, %d creates checked", acks.Load(), fails.Load(), len(l.created))

	// The watch, resumed by the client or re-established after an Error
	// event, reaches the final revision, and has then seen every
	// acknowledged create exactly once.
	res, err := s.List(check, "/", storage.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	waitStart := time.Now()
	waitFor(t, "the watch to catch up", func() bool {
		select {
		case <-watchDone:
			return true
		default:
			return lastRV.Load() >= res.ResourceVersion
		}
	})
	stopWatch()
	<-watchDone
	if watchErr != nil {
		t.Fatalf("watch: %v", watchErr)
	}
	if got := lastRV.Load(); got < res.ResourceVersion {
		t.Fatalf("watch ended at revision %d, want %d", got, res.ResourceVersion)
	}
	t.Logf("watch caught up %v after the last write", time.Since(waitStart).Round(time.Millisecond))
	for key := range l.created {
		if n := seen[key]; n != 1 {
			t.Errorf("watch saw the create of %s %d times, want 1", key, n)
		}
	}
}

// follow watches every key from lastRV, counting the creates under /w/ in
// seen, and re-establishes the watch after an Error event or failure that
// is not ErrTooOld, until ctx ends. It fails on an event out of order or
// seen twice.
func follow(ctx context.Context, s storage.Interface, seen map[string]int, lastRV *atomic.Int64) error {
	for ctx.Err() == nil {
		ch, err := s.Watch(ctx, "/", lastRV.Load())
		if err != nil {
			if errors.Is(err, storage.ErrTooOld) {
				return err
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		for ev := range ch {
			if ev.Type == storage.Error {
				if errors.Is(ev.Err, storage.ErrTooOld) {
					return ev.Err
				}
				break
			}
			if ev.ResourceVersion <= lastRV.Load() {
				return fmt.Errorf("event at revision %d after %d: out of order or duplicate", ev.ResourceVersion, lastRV.Load())
			}
			lastRV.Store(ev.ResourceVersion)
			if ev.Type == storage.Added && strings.HasPrefix(ev.Key, "/w/") {
				seen[ev.Key]++
			}
		}
	}
	return nil
}

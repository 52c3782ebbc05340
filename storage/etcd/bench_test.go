package etcd_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/imagestreams/imagestreams/storage"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// BenchmarkVersusClient compares the store's GuaranteedUpdate with the
// same read-modify-write written directly against the etcd client, on the
// same server, the same value sizes and one key per goroutine:
//
//   - store: storage.GuaranteedUpdate on a Store;
//   - client: Get, then Txn(ModRevision == rv) Then(Put) Else(Get), the
//     textbook loop;
//   - client-cached: the Txn alone, starting from the value this goroutine
//     wrote last (Else(Get) on a miss), which is the round trip the store
//     makes after its first update of a key. store/client-cached is the
//     store's overhead over the client.
func BenchmarkVersusClient(b *testing.B) {
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{server.Endpoint()}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for _, size := range []struct {
		name  string
		bytes int
	}{{"small", 0}, {"10KiB", 10 << 10}} {
		for _, goroutines := range []int{1, 8} {
			name := fmt.Sprintf("value=%s/goroutines=%d", size.name, goroutines)
			b.Run("store/"+name, func(b *testing.B) {
				s := newStore(b)
				runParallel(b, goroutines, func(ctx context.Context, g int) func() error {
					key, fn := "/bench/"+strconv.Itoa(g), counter(size.bytes)
					return func() error {
						_, err := storage.GuaranteedUpdate(ctx, s, key, true, fn)
						return err
					}
				})
			})
			b.Run("client/"+name, func(b *testing.B) {
				prefix := uniquePrefix()
				runParallel(b, goroutines, func(ctx context.Context, g int) func() error {
					key, fn := prefix+"/bench/"+strconv.Itoa(g), counter(size.bytes)
					return func() error { return rawUpdate(ctx, c, key, fn, nil) }
				})
			})
			b.Run("client-cached/"+name, func(b *testing.B) {
				prefix := uniquePrefix()
				runParallel(b, goroutines, func(ctx context.Context, g int) func() error {
					key, fn := prefix+"/bench/"+strconv.Itoa(g), counter(size.bytes)
					last := new(storage.Object)
					return func() error { return rawUpdate(ctx, c, key, fn, last) }
				})
			})
		}
	}
}

// rawUpdate is GuaranteedUpdate on the bare client. With last non-nil it
// starts from *last instead of a Get when it holds an object, and keeps
// the object it writes there.
func rawUpdate(ctx context.Context, c *clientv3.Client, key string, fn storage.UpdateFunc, last *storage.Object) error {
	var cur storage.Object
	if last != nil && last.ResourceVersion > 0 {
		cur = *last
	} else {
		resp, err := c.Get(ctx, key)
		if err != nil {
			return err
		}
		if len(resp.Kvs) > 0 {
			cur = storage.Object{Key: key, Value: resp.Kvs[0].Value, ResourceVersion: resp.Kvs[0].ModRevision}
		}
	}
	for {
		next, err := fn(cur)
		if err != nil {
			return err
		}
		resp, err := c.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(key), "=", cur.ResourceVersion)).
			Then(clientv3.OpPut(key, string(next))).
			Else(clientv3.OpGet(key)).
			Commit()
		if err != nil {
			return err
		}
		if resp.Succeeded {
			if last != nil {
				*last = storage.Object{Key: key, Value: next, ResourceVersion: resp.Header.Revision}
			}
			return nil
		}
		cur = storage.Object{Key: key}
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
			cur = storage.Object{Key: key, Value: kvs[0].Value, ResourceVersion: kvs[0].ModRevision}
		}
	}
}

// runParallel runs b.N operations on exactly goroutines goroutines (a
// b.RunParallel count would be a multiple of GOMAXPROCS) and reports
// ops/s. setup makes the operation of goroutine g.
func runParallel(b *testing.B, goroutines int, setup func(ctx context.Context, g int) func() error) {
	ctx := b.Context()
	ops := make([]func() error, goroutines)
	for g := range ops {
		ops[g] = setup(ctx, g)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var done atomic.Int64
	var wg sync.WaitGroup
	for _, op := range ops {
		wg.Go(func() {
			for done.Add(1) <= int64(b.N) {
				if err := op(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if sec := b.Elapsed().Seconds(); sec > 0 {
		b.ReportMetric(float64(b.N)/sec, "ops/s")
	}
}

// counter returns an update function that increments the decimal counter
// at the start of the value and pads the value to size bytes, like the
// benchmarks of storagetest.
func counter(size int) storage.UpdateFunc {
	return func(cur storage.Object) ([]byte, error) {
		digits := cur.Value
		if i := bytes.IndexByte(digits, ' '); i >= 0 {
			digits = digits[:i]
		}
		n := 0
		if len(digits) > 0 {
			var err error
			if n, err = strconv.Atoi(string(digits)); err != nil {
				return nil, err
			}
		}
		next := strconv.AppendInt(make([]byte, 0, max(size, 20)), int64(n+1), 10)
		for len(next) < size {
			next = append(next, ' ')
		}
		return next, nil
	}
}

package keylock_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/imagestreams/imagestreams/internal/keylock"
)

func ExampleLocks() {
	var locks keylock.Locks
	var wg sync.WaitGroup
	counter := 0 // guarded by the lock of "/counter"
	for range 10 {
		wg.Go(func() {
			unlock, err := locks.Lock(context.Background(), "/counter")
			if err != nil {
				return
			}
			defer unlock()
			counter++
		})
	}
	wg.Wait()
	fmt.Println(counter)
	// Output: 10
}

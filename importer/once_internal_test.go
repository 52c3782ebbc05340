package importer

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

// TestOnceKeepsOnlyLiveResults checks that session.once keeps a result
// for the session unless it was obtained after the caller's context
// ended: that failure belongs to the caller, not to the key (SEMANTICS
// §8.4: a child failure fails its own tag only).
func TestOnceKeepsOnlyLiveResults(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		// first is the context of the first call, whose fn fails with
		// firstErr, or with its context's error when firstErr is nil.
		first    context.Context
		firstErr error
		// wantErr is what a second call, with a live context, returns;
		// wantCalls the number of times fn ran in all.
		wantErr   error
		wantCalls int
	}{
		{name: "a failure under a live context is kept", first: context.Background(), firstErr: errBoom, wantErr: errBoom, wantCalls: 1},
		{name: "a failure under an ended context is not kept", first: canceled, wantCalls: 2},
		{name: "any failure under an ended context is not kept", first: canceled, firstErr: errBoom, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &session{done: map[string]onceResult{}}
			calls := 0
			fn := func(ctx context.Context) (any, error) {
				calls++
				if calls > 1 {
					return "fetched", nil
				}
				if tt.firstErr != nil {
					return nil, tt.firstErr
				}
				return nil, ctx.Err()
			}
			if _, err := s.once(tt.first, "k", fn); err == nil {
				t.Fatal("first call succeeded")
			}
			_, err := s.once(context.Background(), "k", fn)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("second call: error %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("calls of fn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOnceWaiterRetries checks that a caller waiting for a fetch another
// caller started, whose context then ends, fetches itself instead of
// taking the other's cancellation (SEMANTICS §8.4).
func TestOnceWaiterRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &session{done: map[string]onceResult{}}
		ctx, cancel := context.WithCancel(context.Background())
		firstErr := make(chan error, 1)
		go func() {
			_, err := s.once(ctx, "k", func(ctx context.Context) (any, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			})
			firstErr <- err
		}()
		synctest.Wait()
		type result struct {
			v   any
			err error
		}
		waiter := make(chan result, 1)
		go func() {
			v, err := s.once(context.Background(), "k", func(context.Context) (any, error) { return "fetched", nil })
			waiter <- result{v, err}
		}()
		synctest.Wait() // the waiter has joined the first call
		cancel()
		if err := <-firstErr; !errors.Is(err, context.Canceled) {
			t.Errorf("first call: error %v, want context.Canceled", err)
		}
		got := <-waiter
		if got.err != nil || got.v != "fetched" {
			t.Errorf("waiter: %v, %v; want its own fetch", got.v, got.err)
		}
	})
}

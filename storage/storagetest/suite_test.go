package storagetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
	"github.com/imagestreams/imagestreams/storage/memory"
	"github.com/imagestreams/imagestreams/storage/storagetest"
)

// brokenEnv selects, in a child test process, which broken backend
// TestBrokenBackend runs the suite on.
const brokenEnv = "STORAGETEST_BROKEN"

// ignoresRV breaks compare-and-swap: Update and Delete act whatever the
// resourceVersion.
type ignoresRV struct{ storage.Interface }

func (s ignoresRV) Update(ctx context.Context, key string, value []byte, _ int64) (int64, error) {
	cur, err := s.Interface.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	return s.Interface.Update(ctx, key, value, cur.ResourceVersion)
}

func (s ignoresRV) Delete(ctx context.Context, key string, _ int64) (storage.Object, error) {
	return s.Interface.Delete(ctx, key, 0)
}

// watchesOneEarly starts watches one revision early, so they repeat an
// event (and watches "from now" replay everything). Its bug shows as wrong
// events, not missing ones, so the suite fails it without waiting.
type watchesOneEarly struct{ storage.Interface }

func (s watchesOneEarly) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	return s.Interface.Watch(ctx, prefix, max(rv-1, 1))
}

// listsAtHead serves every page from the current state, ignoring the
// snapshot of the chain: it re-lists everything and skips what the
// previous pages returned.
type listsAtHead struct {
	storage.Interface
}

func (s listsAtHead) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	if opts.Continue == "" {
		return s.Interface.List(ctx, prefix, opts)
	}
	page, err := s.Interface.List(ctx, prefix, opts)
	if err != nil {
		return page, err
	}
	fresh, err := s.Interface.List(ctx, prefix, storage.ListOptions{})
	if err != nil {
		return page, err
	}
	if len(page.Items) == 0 {
		return page, nil
	}
	// Start after the first item of the snapshot page, but read now.
	i, _ := slices.BinarySearchFunc(fresh.Items, page.Items[0].Key, func(o storage.Object, k string) int {
		switch {
		case o.Key < k:
			return -1
		case o.Key > k:
			return 1
		}
		return 0
	})
	end := min(len(fresh.Items), i+len(page.Items))
	page.Items = fresh.Items[i:end]
	return page, nil
}

// futureTokenUntyped fails a continue token of a revision the store has
// not reached with an error that wraps no sentinel, as etcd's "required
// revision is a future revision" did before it was mapped.
type futureTokenUntyped struct{ storage.Interface }

func (s futureTokenUntyped) List(ctx context.Context, prefix string, opts storage.ListOptions) (storage.ListResult, error) {
	if opts.Continue != "" {
		if rv, _, err := continuetoken.Decode(opts.Continue, prefix); err == nil {
			head, err := s.Interface.List(ctx, "/", storage.ListOptions{Limit: 1})
			if err == nil && rv > head.ResourceVersion {
				return storage.ListResult{}, errors.New("required revision is a future revision")
			}
		}
	}
	return s.Interface.List(ctx, prefix, opts)
}

// emptyAsNil returns a stored empty value as nil, as storage/etcd did.
type emptyAsNil struct{ storage.Interface }

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func (s emptyAsNil) Get(ctx context.Context, key string) (storage.Object, error) {
	o, err := s.Interface.Get(ctx, key)
	o.Value = nilIfEmpty(o.Value)
	return o, err
}

// validateOp reports an invalid key as storage.ValidateKey does, with Op
// "validate", as storage/bolt and storage/etcd did.
type validateOp struct{ storage.Interface }

func (s validateOp) Get(ctx context.Context, key string) (storage.Object, error) {
	if err := storage.ValidateKey(key); err != nil {
		return storage.Object{}, err
	}
	return s.Interface.Get(ctx, key)
}

// closeWithoutError ends its watches at Close by closing their channels
// with no Error event, though a watch the backend ends early must send one.
type closeWithoutError struct{ storage.Interface }

func (s closeWithoutError) Watch(ctx context.Context, prefix string, rv int64) (<-chan storage.Event, error) {
	in, err := s.Interface.Watch(ctx, prefix, rv)
	if err != nil {
		return nil, err
	}
	out := make(chan storage.Event)
	go func() {
		defer close(out)
		for ev := range in {
			if ev.Type == storage.Error && errors.Is(ev.Err, storage.ErrClosed) {
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

var broken = map[string]func() storage.Interface{
	"ignoresRV":          func() storage.Interface { return ignoresRV{storagetest.Minimal(memory.New())} },
	"watchesOneEarly":    func() storage.Interface { return watchesOneEarly{memory.New()} },
	"listsAtHead":        func() storage.Interface { return listsAtHead{memory.New()} },
	"futureTokenUntyped": func() storage.Interface { return futureTokenUntyped{memory.New()} },
	"emptyAsNil":         func() storage.Interface { return emptyAsNil{memory.New()} },
	"validateOp":         func() storage.Interface { return validateOp{memory.New()} },
	"closeWithoutError":  func() storage.Interface { return closeWithoutError{memory.New()} },
}

// TestBrokenBackend runs the suite on a broken backend. It does something
// only in the child process TestSuiteCatchesBugs starts.
func TestBrokenBackend(t *testing.T) {
	newStore, ok := broken[os.Getenv(brokenEnv)]
	if !ok {
		t.Skip("runs only as a child of TestSuiteCatchesBugs")
	}
	storagetest.Run(t, func(*testing.T) storage.Interface { return newStore() })
}

// The suite must fail a backend with a known bug, in the subtests that
// test the broken behaviour.
func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child test processes")
	}
	tests := []struct {
		name       string
		wantFailed []string // subtests that must fail (others may fail too)
	}{
		// Lost updates under concurrency depend on scheduling, so only the
		// deterministic checks are required to catch this backend.
		{name: "ignoresRV", wantFailed: []string{"UpdateCompareAndSwap", "DeletePrecondition"}},
		{name: "watchesOneEarly", wantFailed: []string{"WatchOrdering", "WatchFromNow", "ListThenWatch", "WatchResume"}},
		{name: "listsAtHead", wantFailed: []string{"ListPaginationConsistentUnderWrites"}},
		{name: "futureTokenUntyped", wantFailed: []string{"ListInvalidToken"}},
		{name: "emptyAsNil", wantFailed: []string{"EmptyValue"}},
		{name: "validateOp", wantFailed: []string{"InvalidKeys"}},
		{name: "closeWithoutError", wantFailed: []string{"CloseEndsWatches"}},
	}
	failLine := regexp.MustCompile(`(?m)^    --- FAIL: TestBrokenBackend/(\w+)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenBackend$", "-test.v")
			cmd.Env = append(os.Environ(), brokenEnv+"="+tt.name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a backend that %s", tt.name)
			}
			var failed []string
			for _, m := range failLine.FindAllStringSubmatch(string(out), -1) {
				failed = append(failed, m[1])
			}
			var missed []string
			for _, want := range tt.wantFailed {
				if !slices.Contains(failed, want) {
					missed = append(missed, want)
				}
			}
			if diff := cmp.Diff([]string(nil), missed); diff != "" {
				t.Errorf("subtests that passed but should have failed (-want +got):\n%s\nfailed: %v", diff, failed)
			}
		})
	}
}

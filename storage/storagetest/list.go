package storagetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/continuetoken"
)

func listTests() []test {
	return []test{
		{"ListPrefix", testListPrefix},
		{"ListPagination", testListPagination},
		{"ListPaginationConsistentUnderWrites", testListConsistentUnderWrites},
		{"ListInvalidToken", testListInvalidToken},
		{"ListTokenNotIssued", testListTokenNotIssued},
		{"ListThenWatch", testListThenWatch},
	}
}

// listAll pages through prefix with limit, checking the invariants every
// page chain must hold, and returns all items and the chain's snapshot.
// around, if not nil, is given each List call to run.
func listAll(t *testing.T, s storage.Interface, prefix string, limit int64, around func(list func())) ([]storage.Object, int64) {
	t.Helper()
	var items []storage.Object
	var snapshot int64
	opts := storage.ListOptions{Limit: limit}
	for page := 0; ; page++ {
		var res storage.ListResult
		var err error
		list := func() { res, err = s.List(t.Context(), prefix, opts) }
		if around != nil {
			around(list)
		} else {
			list()
		}
		if err != nil {
			t.Fatalf("List(%q, limit %d) page %d: %v", prefix, limit, page, err)
		}
		if page == 0 {
			snapshot = res.ResourceVersion
		} else if res.ResourceVersion != snapshot {
			t.Errorf("page %d has resourceVersion %d, the first page %d", page, res.ResourceVersion, snapshot)
		}
		if limit > 0 && int64(len(res.Items)) > limit {
			t.Errorf("page %d has %d items, limit %d", page, len(res.Items), limit)
		}
		items = append(items, res.Items...)
		if res.Continue == "" {
			return items, snapshot
		}
		if len(res.Items) == 0 {
			t.Fatalf("page %d is empty but has a continue token", page)
		}
		if page > 10000 {
			t.Fatalf("more than 10000 pages")
		}
		opts.Continue = res.Continue
	}
}

// keysOf lists the keys of objs.
func keysOf(objs []storage.Object) []string {
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return keys
}

func testListPrefix(t *testing.T, s storage.Interface) {
	all := map[string]storage.Object{}
	keys := []string{"/list/c", "/other/e", "/list/b/2", "/listx/d", "/list/a", "/list/b/1"}
	for _, k := range keys {
		all[k] = obj(k, "value of "+k, mustCreate(t, s, k, "value of "+k))
	}
	tests := []struct {
		name   string
		prefix string
		want   []string
	}{
		{name: "root", prefix: "/", want: []string{"/list/a", "/list/b/1", "/list/b/2", "/list/c", "/listx/d", "/other/e"}},
		{name: "directory", prefix: "/list/", want: []string{"/list/a", "/list/b/1", "/list/b/2", "/list/c"}},
		{name: "subdirectory", prefix: "/list/b/", want: []string{"/list/b/1", "/list/b/2"}},
		{name: "string prefix", prefix: "/list", want: []string{"/list/a", "/list/b/1", "/list/b/2", "/list/c", "/listx/d"}},
		{name: "exact key", prefix: "/list/a", want: []string{"/list/a"}},
		{name: "nothing", prefix: "/none/", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.List(t.Context(), tt.prefix, storage.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var want []storage.Object
			for _, k := range tt.want {
				want = append(want, all[k])
			}
			if diff := cmp.Diff(want, res.Items, cmpEmpty); diff != "" {
				t.Errorf("List(%q) (-want +got):\n%s", tt.prefix, diff)
			}
			if res.Continue != "" {
				t.Errorf("List(%q) without a limit returned continue token %q", tt.prefix, res.Continue)
			}
			for _, o := range all {
				if o.ResourceVersion > res.ResourceVersion {
					t.Errorf("List resourceVersion %d is below that of %s, %d", res.ResourceVersion, o.Key, o.ResourceVersion)
				}
			}
		})
	}
}

func testListPagination(t *testing.T, s storage.Interface) {
	const n = 10
	var want []storage.Object
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		k := fmt.Sprintf("/page/%02d", i)
		want = append(want, obj(k, k, mustCreate(t, s, k, k)))
	}
	mustCreate(t, s, "/pagez", "outside the prefix")
	slices.SortFunc(want, func(a, b storage.Object) int { return strings.Compare(a.Key, b.Key) })
	for _, limit := range []int64{1, 3, 4, n - 1, n, n + 1, 0} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			got, _ := listAll(t, s, "/page/", limit, nil)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("all pages (-want +got):\n%s", diff)
			}
		})
	}
}

// Pages of one chain come from one snapshot, whatever happens between them.
// Writers update, delete and recreate keys while a reader pages through
// them; a watch records every change, and the pages must equal the state
// the watch implies at the chain's resourceVersion. The writers write in
// step with the pages, a few writes during each List call, so that every
// backend sees the same amount of interference whatever its speed.
func testListConsistentUnderWrites(t *testing.T, s storage.Interface) {
	const (
		prefix  = "/consistent/"
		keys    = 60
		writers = 4
		perPage = 5 // writes during each List call
		limit   = 7
	)
	ctx := t.Context()
	state := map[string]storage.Object{}
	var base int64
	for i := range keys {
		k := fmt.Sprintf("%sk%02d", prefix, i)
		base = mustCreate(t, s, k, "v0")
		state[k] = obj(k, "v0", base)
	}
	events := startWatch(t, ctx, s, "/", base)

	permits := make(chan struct{}, perPage)
	done := make(chan error, perPage)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			n := 0
			for range permits {
				n++
				k := fmt.Sprintf("%sk%02d", prefix, rng.IntN(keys))
				var err error
				if rng.IntN(4) == 0 {
					if _, err = s.Delete(ctx, k, 0); errors.Is(err, storage.ErrNotFound) {
						err = nil
					}
				} else {
					_, err = storage.GuaranteedUpdate(ctx, s, k, true, func(storage.Object) ([]byte, error) {
						return fmt.Appendf(nil, "writer %d write %d", w, n), nil
					})
				}
				if err != nil {
					err = fmt.Errorf("writer %d: %w", w, err)
				}
				done <- err
			}
		})
	}
	stopWriters := sync.OnceFunc(func() {
		close(permits)
		wg.Wait()
	})
	defer stopWriters()
	around := func(list func()) {
		for range perPage {
			permits <- struct{}{}
		}
		list()
		for range perPage {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
	got, snapshot := listAll(t, s, prefix, limit, around)
	stopWriters()

	for _, o := range got {
		if o.ResourceVersion > snapshot {
			t.Errorf("%s has resourceVersion %d, written after the snapshot %d", o.Key, o.ResourceVersion, snapshot)
		}
	}
	// Replay the watch up to the snapshot. A marker written after the
	// writers stopped tells where the stream ends.
	marker := mustCreate(t, s, "/consistent-done", "marker")
	for {
		ev := next(t, events)
		if ev.ResourceVersion >= marker {
			break
		}
		if ev.ResourceVersion > snapshot {
			continue
		}
		switch ev.Type {
		case storage.Added, storage.Modified:
			state[ev.Key] = obj(ev.Key, string(ev.Value), ev.ResourceVersion)
		case storage.Deleted:
			delete(state, ev.Key)
		}
	}
	var want []storage.Object
	for _, o := range state {
		want = append(want, o)
	}
	slices.SortFunc(want, func(a, b storage.Object) int { return strings.Compare(a.Key, b.Key) })
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("pages differ from the state at their resourceVersion %d (-want +got):\n%s", snapshot, diff)
	}
}

// A continue token belongs to the list that issued it: presented to a
// list of another prefix it fails, also when one prefix contains the
// other, where the token's key would fit both lists. A token naming a
// snapshot the store has not reached (one of another store, or of a store
// since restored from a backup) is invalid too.
func testListInvalidToken(t *testing.T, s storage.Interface) {
	var head int64
	for _, k := range []string{"/tok/a/1", "/tok/a/2", "/tok/b/1", "/tok/b/2"} {
		head = mustCreate(t, s, k, "v")
	}
	// The token format of this module's backends; to a backend with a
	// format of its own it is malformed, which fails the same way.
	future := continuetoken.Encode(head+1_000_000, "/tok/a/", "/tok/a/1")
	// tokenOf returns the continue token of the first page of prefix.
	tokenOf := func(t *testing.T, prefix string) string {
		t.Helper()
		res, err := s.List(t.Context(), prefix, storage.ListOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Continue == "" {
			t.Fatalf("List(%q) with limit 1 of several items returned no continue token", prefix)
		}
		return res.Continue
	}
	tests := []struct {
		name   string
		from   string // the prefix whose list issues the token; "" for token
		token  string
		prefix string // the prefix of the list given the token
	}{
		{name: "garbage", token: "not a token!", prefix: "/tok/a/"},
		{name: "token from the future", token: future, prefix: "/tok/a/"},
		{name: "token of another prefix", from: "/tok/a/", prefix: "/tok/b/"},
		{name: "token of a nested prefix", from: "/tok/a/", prefix: "/tok/"},
		{name: "token of an enclosing prefix", from: "/tok/", prefix: "/tok/a/"},
		{name: "token of the root", from: "/", prefix: "/tok/"},
		{name: "token of a directory on its string prefix", from: "/tok/a/", prefix: "/tok/a"},
		{name: "token of a string prefix on its directory", from: "/tok/a", prefix: "/tok/a/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			if tt.from != "" {
				token = tokenOf(t, tt.from)
			}
			got, err := s.List(t.Context(), tt.prefix, storage.ListOptions{Limit: 1, Continue: token})
			wantErr(t, fmt.Sprintf("List(%q) with token %q of %q", tt.prefix, token, tt.from), err, storage.ErrInvalidToken)
			if len(got.Items) != 0 {
				t.Errorf("List returned items with its error: %v", keysOf(got.Items))
			}
		})
	}
}

// A well-formed token for a past snapshot the store never issued one for
// (made by hand, or by another store) either reads exactly that snapshot,
// as etcd and bolt do, or fails with ErrTooOld (the store did not keep
// it, as the memory store) or ErrInvalidToken (a format of its own). It
// never reads a page missing objects that existed at the snapshot.
func testListTokenNotIssued(t *testing.T, s storage.Interface) {
	a := mustCreate(t, s, "/never/a", "v1")
	v2 := mustUpdate(t, s, "/never/a", "v2", a)
	mustUpdate(t, s, "/never/a", "v3", v2)
	mustCreate(t, s, "/never/0", "z")
	token := continuetoken.Encode(v2, "/never/", "/never/0")
	got, err := s.List(t.Context(), "/never/", storage.ListOptions{Continue: token})
	if err != nil {
		if !errors.Is(err, storage.ErrTooOld) && !errors.Is(err, storage.ErrInvalidToken) {
			t.Fatalf("List from snapshot %d: %v; want the snapshot, or an error wrapping ErrTooOld or ErrInvalidToken", v2, err)
		}
		return
	}
	want := []storage.Object{{Key: "/never/a", Value: []byte("v2"), ResourceVersion: v2}}
	if diff := cmp.Diff(want, got.Items); diff != "" || got.ResourceVersion != v2 {
		t.Errorf("List from snapshot %d read revision %d (-want +got):\n%s", v2, got.ResourceVersion, diff)
	}
}

// A watch from a list's resourceVersion sees every change made after the
// list, and none made before, also when the store is empty.
func testListThenWatch(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	empty, err := s.List(ctx, "/ltw/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rvA := mustCreate(t, s, "/ltw/a", "a1")
	ev := next(t, startWatch(t, ctx, s, "/ltw/", empty.ResourceVersion))
	want := storage.Event{Type: storage.Added, Key: "/ltw/a", Value: []byte("a1"), ResourceVersion: rvA}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("first event after listing an empty store (-want +got):\n%s", diff)
	}

	res, err := s.List(ctx, "/ltw/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rvB := mustUpdate(t, s, "/ltw/a", "a2", rvA)
	ev = next(t, startWatch(t, ctx, s, "/ltw/", res.ResourceVersion))
	want = storage.Event{Type: storage.Modified, Key: "/ltw/a", Value: []byte("a2"), PrevValue: []byte("a1"), ResourceVersion: rvB}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("first event after a list (-want +got):\n%s", diff)
	}
}

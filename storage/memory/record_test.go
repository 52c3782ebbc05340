package memory

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func TestRecordAtAndForget(t *testing.T) {
	newRecord := func() *record {
		return &record{versions: []version{
			{rev: 2, value: []byte("a")},
			{rev: 5, deleted: true},
			{rev: 8, value: []byte("b")},
			{rev: 9, value: []byte("c")},
		}}
	}
	type seen struct {
		Value  string
		Exists bool
	}
	atTests := []struct {
		name string
		rev  int64
		want seen
	}{
		{name: "before creation", rev: 1, want: seen{}},
		{name: "at creation", rev: 2, want: seen{"a", true}},
		{name: "between writes", rev: 4, want: seen{"a", true}},
		{name: "at the delete", rev: 5, want: seen{}},
		{name: "after the delete", rev: 7, want: seen{}},
		{name: "recreated", rev: 8, want: seen{"b", true}},
		{name: "latest", rev: 100, want: seen{"c", true}},
	}
	for _, tt := range atTests {
		t.Run("at/"+tt.name, func(t *testing.T) {
			v, ok := newRecord().at(tt.rev)
			if diff := cmp.Diff(tt.want, seen{string(v.value), ok}); diff != "" {
				t.Errorf("at(%d) (-want +got):\n%s", tt.rev, diff)
			}
		})
	}
	forgetTests := []struct {
		name      string
		rev       int64
		wantRevs  []int64
		wantEmpty bool
	}{
		{name: "nothing older", rev: 2, wantRevs: []int64{2, 5, 8, 9}},
		{name: "keeps the version visible", rev: 4, wantRevs: []int64{2, 5, 8, 9}},
		{name: "drops a visible tombstone", rev: 6, wantRevs: []int64{8, 9}},
		{name: "keeps the latest", rev: 9, wantRevs: []int64{9}},
	}
	for _, tt := range forgetTests {
		t.Run("forget/"+tt.name, func(t *testing.T) {
			r := newRecord()
			empty := r.forget(tt.rev)
			var revs []int64
			for _, v := range r.versions {
				revs = append(revs, v.rev)
			}
			if diff := cmp.Diff(tt.wantRevs, revs); diff != "" {
				t.Errorf("versions after forget(%d) (-want +got):\n%s", tt.rev, diff)
			}
			if empty != tt.wantEmpty {
				t.Errorf("forget(%d) = %v, want %v", tt.rev, empty, tt.wantEmpty)
			}
		})
	}
	r := &record{versions: []version{{rev: 3, value: []byte("x")}, {rev: 4, deleted: true}}}
	if !r.forget(4) {
		t.Errorf("forget of a record ending in a compacted tombstone = false, want true")
	}
}

// A store with a small history forgets deleted keys and old versions as
// its history moves on, so memory stays bounded by the live data plus the
// history, whether or not a page chain made it keep old versions.
func TestStoreForgets(t *testing.T) {
	tests := []struct {
		name      string
		pageChain bool // whether a continue token is issued before the writes
	}{
		{name: "no page chain"},
		{name: "page chain open", pageChain: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s := New(WithHistory(10))
			defer s.Close()
			rvs := map[string]int64{}
			for i := range 100 {
				k := fmt.Sprintf("/f/%d", i)
				rv, err := s.Create(ctx, k, []byte("v"))
				if err != nil {
					t.Fatal(err)
				}
				rvs[k] = rv
			}
			if tt.pageChain {
				if _, err := s.List(ctx, "/f/", storage.ListOptions{Limit: 1}); err != nil {
					t.Fatal(err)
				}
			}
			var keptDeleted bool
			for i := range 100 {
				k := fmt.Sprintf("/f/%d", i)
				if _, err := s.Update(ctx, k, []byte("w"), rvs[k]); err != nil {
					t.Fatal(err)
				}
				if i%2 == 0 {
					if _, err := s.Delete(ctx, k, 0); err != nil {
						t.Fatal(err)
					}
				}
				if i == 0 {
					_, keptDeleted = s.records[k]
				}
			}
			for range 10 { // push the last deletes out of the history
				if _, err := storageUpdate(s, "/f/1"); err != nil {
					t.Fatal(err)
				}
			}
			s.mu.RLock()
			defer s.mu.RUnlock()
			if len(s.records) != 50 || s.index.len() != 50 {
				t.Errorf("%d records, %d index keys; want 50 (the live keys)", len(s.records), s.index.len())
			}
			versions := 0
			for _, r := range s.records {
				versions += len(r.versions)
			}
			if versions > 50+10 {
				t.Errorf("%d versions kept, want at most 60 (one per live key plus the history)", versions)
			}
			// The open page chain's snapshot still sees a deleted key; with
			// no page chain nothing can, and it is dropped at once.
			if keptDeleted != tt.pageChain {
				t.Errorf("deleted key kept right after its delete: %v, want %v", keptDeleted, tt.pageChain)
			}
		})
	}
}

// storageUpdate rewrites key with its own value.
func storageUpdate(s *Store, key string) (int64, error) {
	o, err := s.GuaranteedUpdate(context.Background(), key, false, func(cur storage.Object) ([]byte, error) { return cur.Value, nil })
	return o.ResourceVersion, err
}

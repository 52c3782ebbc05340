package storagetest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func crudTests() []test {
	return []test{
		{"CreateGet", testCreateGet},
		{"CreateExists", testCreateExists},
		{"CopiesValues", testCopiesValues},
		{"ResourceVersionsIncrease", testResourceVersionsIncrease},
		{"UpdateCompareAndSwap", testUpdateCompareAndSwap},
		{"UpdateNotFound", testUpdateNotFound},
		{"Delete", testDelete},
		{"DeletePrecondition", testDeletePrecondition},
		{"DeleteNegativeRV", testDeleteNegativeRV},
		{"Recreate", testRecreate},
		{"EmptyValue", testEmptyValue},
	}
}

func testCreateGet(t *testing.T, s storage.Interface) {
	wantMissing(t, s, "/crud/a")
	rv := mustCreate(t, s, "/crud/a", "one")
	wantObject(t, s, obj("/crud/a", "one", rv))
	wantMissing(t, s, "/crud/b")
}

func testCreateExists(t *testing.T, s storage.Interface) {
	rv := mustCreate(t, s, "/crud/a", "one")
	_, err := s.Create(t.Context(), "/crud/a", []byte("two"))
	wantErr(t, "second Create", err, storage.ErrExists)
	wantObject(t, s, obj("/crud/a", "one", rv))
}

// A store keeps its own copy of a value: the caller may reuse its buffer.
func testCopiesValues(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	buf := []byte("created")
	rv, err := s.Create(ctx, "/copy/a", buf)
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXXXX")
	wantObject(t, s, obj("/copy/a", "created", rv))

	buf = []byte("updated")
	if rv, err = s.Update(ctx, "/copy/a", buf, rv); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXXXX")
	wantObject(t, s, obj("/copy/a", "updated", rv))

	var returned []byte
	o, err := storage.GuaranteedUpdate(ctx, s, "/copy/a", false, func(storage.Object) ([]byte, error) {
		returned = []byte("guaranteed")
		return returned, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copy(returned, "XXXXXXXXXX")
	wantObject(t, s, obj("/copy/a", "guaranteed", o.ResourceVersion))
}

// Every write takes a resourceVersion greater than all before it, and Get
// reports the resourceVersion the write returned.
func testResourceVersionsIncrease(t *testing.T, s storage.Interface) {
	var rvs []int64
	rvs = append(rvs, mustCreate(t, s, "/rv/a", "a1"))
	rvs = append(rvs, mustCreate(t, s, "/rv/b", "b1"))
	rvs = append(rvs, mustUpdate(t, s, "/rv/a", "a2", rvs[0]))
	rvs = append(rvs, mustUpdate(t, s, "/rv/b", "b2", rvs[1]))
	mustDelete(t, s, "/rv/a", 0)
	rvs = append(rvs, mustCreate(t, s, "/rv/a", "a3"))
	for i := 1; i < len(rvs); i++ {
		if rvs[i] <= rvs[i-1] {
			t.Errorf("resourceVersions %v do not increase", rvs)
			break
		}
	}
	wantObject(t, s, obj("/rv/a", "a3", rvs[4]))
	wantObject(t, s, obj("/rv/b", "b2", rvs[3]))
}

func testUpdateCompareAndSwap(t *testing.T, s storage.Interface) {
	rv1 := mustCreate(t, s, "/cas/a", "v1")
	rv2 := mustUpdate(t, s, "/cas/a", "v2", rv1)
	wantObject(t, s, obj("/cas/a", "v2", rv2))

	_, err := s.Update(t.Context(), "/cas/a", []byte("stale"), rv1)
	wantConflict(t, "Update with a stale resourceVersion", err, rv1, obj("/cas/a", "v2", rv2))
	_, err = s.Update(t.Context(), "/cas/a", []byte("future"), rv2+1000)
	wantConflict(t, "Update with a future resourceVersion", err, rv2+1000, obj("/cas/a", "v2", rv2))
	wantObject(t, s, obj("/cas/a", "v2", rv2))
}

func testUpdateNotFound(t *testing.T, s storage.Interface) {
	_, err := s.Update(t.Context(), "/cas/missing", []byte("v"), 1)
	wantErr(t, "Update of a missing key", err, storage.ErrNotFound)
	rv := mustCreate(t, s, "/cas/gone", "v1")
	mustDelete(t, s, "/cas/gone", rv)
	_, err = s.Update(t.Context(), "/cas/gone", []byte("v2"), rv)
	wantErr(t, "Update of a deleted key", err, storage.ErrNotFound)
	wantMissing(t, s, "/cas/missing")
	wantMissing(t, s, "/cas/gone")
}

func testDelete(t *testing.T, s storage.Interface) {
	rv := mustCreate(t, s, "/del/a", "v1")
	mustCreate(t, s, "/del/b", "other")
	got := mustDelete(t, s, "/del/a", 0)
	if diff := cmp.Diff(obj("/del/a", "v1", rv), got); diff != "" {
		t.Errorf("Delete returned (-want +got):\n%s", diff)
	}
	wantMissing(t, s, "/del/a")
	_, err := s.Delete(t.Context(), "/del/a", 0)
	wantErr(t, "second Delete", err, storage.ErrNotFound)
	_, err = s.Delete(t.Context(), "/del/a", rv)
	wantErr(t, "second Delete with a resourceVersion", err, storage.ErrNotFound)
	if _, err := s.Get(t.Context(), "/del/b"); err != nil {
		t.Errorf("Delete of /del/a affected /del/b: %v", err)
	}
}

func testDeletePrecondition(t *testing.T, s storage.Interface) {
	rv1 := mustCreate(t, s, "/del/a", "v1")
	rv2 := mustUpdate(t, s, "/del/a", "v2", rv1)
	_, err := s.Delete(t.Context(), "/del/a", rv1)
	wantConflict(t, "Delete with a stale resourceVersion", err, rv1, obj("/del/a", "v2", rv2))
	wantObject(t, s, obj("/del/a", "v2", rv2))
	got := mustDelete(t, s, "/del/a", rv2)
	if diff := cmp.Diff(obj("/del/a", "v2", rv2), got); diff != "" {
		t.Errorf("Delete returned (-want +got):\n%s", diff)
	}
	wantMissing(t, s, "/del/a")
}

// testDeleteNegativeRV: only rv == 0 is unconditional; a negative rv is
// a precondition no object meets.
func testDeleteNegativeRV(t *testing.T, s storage.Interface) {
	rv := mustCreate(t, s, "/del/a", "v1")
	_, err := s.Delete(t.Context(), "/del/a", -1)
	wantConflict(t, "Delete with rv -1", err, -1, obj("/del/a", "v1", rv))
	wantObject(t, s, obj("/del/a", "v1", rv))
	_, err = s.Delete(t.Context(), "/del/missing", -1)
	wantErr(t, "Delete of a missing key with rv -1", err, storage.ErrNotFound)
}

func testRecreate(t *testing.T, s storage.Interface) {
	rv1 := mustCreate(t, s, "/re/a", "first")
	mustDelete(t, s, "/re/a", rv1)
	rv2 := mustCreate(t, s, "/re/a", "second")
	if rv2 <= rv1 {
		t.Errorf("recreated with resourceVersion %d, not above the first life's %d", rv2, rv1)
	}
	wantObject(t, s, obj("/re/a", "second", rv2))
	_, err := s.Update(t.Context(), "/re/a", []byte("stale"), rv1)
	wantConflict(t, "Update with the first life's resourceVersion", err, rv1, obj("/re/a", "second", rv2))
}

// A stored empty value comes back empty but not nil from every read, as
// nil means "no value": the Value of a Deleted event, the PrevValue of an
// Added one. The comparisons deliberately tell nil from empty.
func testEmptyValue(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	const key = "/empty/a"
	empty := func(rv int64) storage.Object { return storage.Object{Key: key, Value: []byte{}, ResourceVersion: rv} }
	ch := startWatch(t, ctx, s, "/empty/", 0)

	rv1, err := s.Create(ctx, key, []byte{})
	if err != nil {
		t.Fatal(err)
	}
	wantObject(t, s, empty(rv1))
	res, err := s.List(ctx, "/empty/", storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]storage.Object{empty(rv1)}, res.Items); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	rv2 := mustUpdate(t, s, key, "x", rv1)
	rv3, err := s.Update(ctx, key, []byte{}, rv2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(ctx, key, []byte("y"), rv2)
	wantConflict(t, "Update with a stale resourceVersion", err, rv2, empty(rv3))
	got, err := storage.GuaranteedUpdate(ctx, s, key, false, func(cur storage.Object) ([]byte, error) {
		if diff := cmp.Diff(empty(rv3), cur); diff != "" {
			return nil, fmt.Errorf("update function got (-want +got):\n%s", diff)
		}
		return nil, nil
	})
	if err != nil {
		t.Errorf("GuaranteedUpdate: %v", err)
	} else if diff := cmp.Diff(empty(rv3), got); diff != "" {
		t.Errorf("GuaranteedUpdate leaving the value unchanged returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(empty(rv3), mustDelete(t, s, key, rv3)); diff != "" {
		t.Errorf("Delete returned (-want +got):\n%s", diff)
	}

	want := []storage.Event{
		{Type: storage.Added, Key: key, Value: []byte{}, ResourceVersion: rv1},
		{Type: storage.Modified, Key: key, Value: []byte("x"), PrevValue: []byte{}, ResourceVersion: rv2},
		{Type: storage.Modified, Key: key, Value: []byte{}, PrevValue: []byte("x"), ResourceVersion: rv3},
		{Type: storage.Deleted, Key: key, PrevValue: []byte{}},
	}
	wantEvents(t, want, nextN(t, ch, len(want)))
}

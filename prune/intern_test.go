package prune

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

// TestIndexImage checks the image lookups of tag events: sha256 names,
// which are compared against their records in digestText, and every other
// name, which is compared as a string (odd).
func TestIndexImage(t *testing.T) {
	t.Parallel()
	a := string(digest.FromString("a"))
	sha512 := string(digest.SHA512.FromString("b"))
	// twin has a's hashed digits (7 to 22) and differs after them, so it
	// lands on a's slot with a's hash.
	twin := a[:40] + strings.Map(func(r rune) rune {
		if r == '0' {
			return '1'
		}
		return '0'
	}, a[40:])
	images := []*image.Image{
		{ObjectMeta: image.ObjectMeta{Name: a}},
		{ObjectMeta: image.ObjectMeta{Name: sha512}},
		{ObjectMeta: image.ObjectMeta{Name: "not-a-digest"}},
		{ObjectMeta: image.ObjectMeta{Name: "sha256:short"}},
	}
	x := buildIndex(&Snapshot{Images: images}, nil)
	id := func(name string) int32 {
		for i := range x.images {
			if x.images[i].img.Name == name {
				return int32(i)
			}
		}
		t.Fatalf("no image %q", name)
		return -1
	}
	tests := []struct {
		name  string
		query string
		want  int32
	}{
		{name: "sha256", query: a, want: id(a)},
		{name: "sha512", query: sha512, want: id(sha512)},
		{name: "malformed", query: "not-a-digest", want: id("not-a-digest")},
		{name: "short sha256", query: "sha256:short", want: id("sha256:short")},
		{name: "same hashed digits", query: twin, want: -1},
		{name: "upper case", query: strings.ToUpper(a), want: -1},
		{name: "another algorithm, same hex", query: "sha384:" + a[7:], want: -1},
		{name: "absent", query: string(digest.FromString("absent")), want: -1},
		{name: "empty", query: "", want: -1},
		{name: "hex of a without algorithm", query: a[7:], want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := x.image(tc.query)
			if got != tc.want || ok != (tc.want >= 0) {
				t.Errorf("image(%q) = %d, %v; want %d", tc.query, got, ok, tc.want)
			}
		})
	}
	if x.names.slots == nil || twin == a {
		t.Fatal("bad fixture")
	}
	if x.hasher.hash(twin) != x.hasher.hash(a) {
		t.Fatal("twin does not share a's hash; the case tests nothing")
	}
}

// TestDigestText checks that every id gives back its digest, across
// chunks, for records and odd digests alike, and that is matches only the
// id's own digest.
func TestDigestText(t *testing.T) {
	t.Parallel()
	var (
		ds   []string
		text digestText
	)
	images := []string{string(digest.FromString("i0")), "not-a-digest", string(digest.FromString("i2")), string(digest.SHA512.FromString("i3"))}
	text.grow(len(images), 0)
	for i, d := range images {
		if id := text.addImage(d); id != int32(i) {
			t.Fatalf("addImage(%q) = %d, want %d", d, id, i)
		}
		ds = append(ds, d)
	}
	// Three chunks and a bit of the smallest size, with odd digests in
	// the first and the last.
	for i := range 3<<text.bits + 5 {
		d := string(digest.FromString(fmt.Sprint("blob", i)))
		switch i {
		case 3, 3<<text.bits + 2:
			d = "sha256:" + strings.ToUpper(d[7:])[:10]
		case 1 << text.bits:
			d = strings.ToUpper(d) // still a record: checked as a string
		}
		if id := text.add(d); id != int32(len(ds)) {
			t.Fatalf("add(%q) = %d, want %d", d, id, len(ds))
		}
		ds = append(ds, d)
	}
	if text.len() != len(ds) || len(text.chunks) != 4 {
		t.Fatalf("len %d in %d chunks, want %d in 4", text.len(), len(text.chunks), len(ds))
	}
	for id, want := range ds {
		if got := text.at(int32(id)); got != want {
			t.Errorf("at(%d) = %q, want %q", id, got, want)
		}
		if !text.is(int32(id), want) {
			t.Errorf("is(%d, %q) = false", id, want)
		}
		// Every other id's digest, and the blank record, is not this id.
		for _, other := range []string{ds[(id+1)%len(ds)], ds[(id+len(ds)-1)%len(ds)], blankRecord} {
			if text.is(int32(id), other) {
				t.Errorf("is(%d, %q) = true for %q", id, other, want)
			}
		}
	}
}

// TestResolveEvents checks that the events' images found by resolveEvents,
// shared by two callers, are those a plain lookup finds.
func TestResolveEvents(t *testing.T) {
	t.Parallel()
	rs := imagetest.RandomSnapshot(7, imagetest.SnapshotOptions{Images: 300, Streams: 150, Namespaces: 3})
	// Some events name images that do not exist.
	rs.Images = rs.Images[:len(rs.Images)-40]
	s := &Snapshot{Images: rs.Images, Streams: rs.Streams}
	streams := sortStreams(s)
	x := buildIndex(s, streams)
	pl := &planner{d: &Decisions{}}
	pl.layout(streams)
	var next atomic.Int64
	done := make(chan struct{})
	go func() { defer close(done); pl.resolveEvents(x, &next) }()
	pl.resolveEvents(x, &next)
	<-done
	var want []int32
	missing := 0
	for _, is := range streams {
		for _, ti := range sortedTags(is, nil) {
			for _, e := range is.Status.Tags[ti].Items {
				idx, ok := x.image(e.Image)
				if !ok {
					missing++
				}
				want = append(want, idx)
			}
		}
	}
	if diff := cmp.Diff(want, pl.evImage); diff != "" {
		t.Errorf("evImage (-want +got):\n%s", diff)
	}
	if missing == 0 || missing == len(want) {
		t.Errorf("%d of %d events name a missing image; want some", missing, len(want))
	}
}

package prune

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

// TestIndexImage checks the image lookups of tag events: sha256 names,
// which are compared through nameHex, and every other name, which is
// compared as a string (hexless).
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

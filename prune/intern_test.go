package prune

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
)

// image returns the index of the image named name, one lookup at a time
// (the index looks images up in batches, with lookupAll).
func (x *index) image(name string) (int32, bool) {
	id, _ := x.lookup(name, x.hasher.hash(name))
	if id < 0 {
		return -1, false
	}
	i := x.imageOf[id]
	return i, i >= 0
}

// TestIndexImage checks the image lookups of tag events: sha256 names,
// which are compared against their records in digestText, and every other
// name, which is compared as a string (odd).
func TestIndexImage(t *testing.T) {
	t.Parallel()
	a := string(digest.FromString("a"))
	sha512 := string(digest.SHA512.FromString("b"))
	images := []*image.Image{
		{ObjectMeta: image.ObjectMeta{Name: a}},
		{ObjectMeta: image.ObjectMeta{Name: sha512}},
		{ObjectMeta: image.ObjectMeta{Name: "not-a-digest"}},
		{ObjectMeta: image.ObjectMeta{Name: "sha256:short"}},
	}
	var b IndexBuilder
	b.init()
	twin := collide(&b.hasher, a) // lands on a's slot with a's hash
	b.AddImages(images...)
	x := b.Index().x
	id := func(name string) int32 {
		for i := range x.images {
			if x.name(int32(i)) == name {
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
	if twin == a {
		t.Fatal("bad fixture")
	}
	if x.hasher.hash(twin) != x.hasher.hash(a) {
		t.Fatal("twin does not share a's hash; the case tests nothing")
	}
}

// TestDigestText checks that every id gives back its digest, for
// records and odd digests alike, and that is matches only the id's own
// digest.
func TestDigestText(t *testing.T) {
	t.Parallel()
	var (
		ds   []string
		text digestText
	)
	for i := range 300 {
		d := string(digest.FromString(fmt.Sprint("blob", i)))
		switch i {
		case 0, 3, 299:
			d = "sha256:" + strings.ToUpper(d[7:])[:10]
		case 1:
			d = "not-a-digest"
		case 2:
			d = string(digest.SHA512.FromString("b"))
		case 100:
			d = strings.ToUpper(d) // still a record: checked as a string
		}
		if id := text.add(d); id != int32(len(ds)) {
			t.Fatalf("add(%q) = %d, want %d", d, id, len(ds))
		}
		ds = append(ds, d)
	}
	if text.len() != len(ds) {
		t.Fatalf("len %d, want %d", text.len(), len(ds))
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

// TestIndexEvents checks that the index holds every event of the last
// stream of each name, in stream and tag order, with the image a plain
// lookup finds.
func TestIndexEvents(t *testing.T) {
	t.Parallel()
	rs := imagetest.RandomSnapshot(7, imagetest.SnapshotOptions{Images: 300, Streams: 150, Namespaces: 3})
	// Some events name images that do not exist.
	rs.Images = rs.Images[:len(rs.Images)-40]
	// A duplicate stream, which the later one replaces.
	dup := *rs.Streams[5]
	dup.Status.Tags = dup.Status.Tags[:1]
	streams := append(slices.Clone(rs.Streams), &dup)
	x := NewIndex(&Snapshot{Images: rs.Images, Streams: streams}).x
	slices.SortStableFunc(streams, func(a, b *image.ImageStream) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	streams = slices.DeleteFunc(streams, func(is *image.ImageStream) bool { return is == rs.Streams[5] })
	type event struct {
		Stream, Tag, Image string
		Created            image.Time
		Found              bool
	}
	var want, got []event
	missing := 0
	for _, is := range streams {
		for _, ti := range sortedTags(is, nil) {
			for _, e := range is.Status.Tags[ti].Items {
				_, ok := x.image(e.Image)
				if !ok {
					missing++
				}
				want = append(want, event{is.Namespace + "/" + is.Name, is.Status.Tags[ti].Tag, e.Image, e.Created, ok})
			}
		}
	}
	for _, st := range x.streams {
		for _, tg := range x.tags[st.tagStart:st.tagEnd] {
			if label := st.namespace + "/" + st.name + ":" + tg.name(); tg.label != label {
				t.Errorf("tag label %q, want %q", tg.label, label)
			}
			for k := tg.evStart; k < tg.evEnd; k++ {
				img := x.evImage[k]
				if img >= 0 && x.name(img) != x.digest(x.evName[k]) {
					t.Errorf("event %d names %q but resolves to image %q", k, x.digest(x.evName[k]), x.name(img))
				}
				got = append(got, event{st.namespace + "/" + st.name, tg.name(), x.digest(x.evName[k]), x.evCreated[k].time(), img >= 0})
			}
		}
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if missing == 0 || missing == len(want) {
		t.Errorf("%d of %d events name a missing image; want some", missing, len(want))
	}
}

// TestArenaLabel checks the labels the Index cuts from its string blocks,
// across a block boundary and for a label too long for a block.
func TestArenaLabel(t *testing.T) {
	long := strings.Repeat("n", arenaBlock/4)
	type label struct{ ns, name, tag string }
	var in []label
	for i := range 2000 { // about twice a block
		in = append(in, label{fmt.Sprint("ns-", i%7), fmt.Sprint("stream-", i), fmt.Sprint("v", i%3)})
	}
	in = append(in, label{"ns", long, "latest"}, label{"", "", ""}, label{"ns", "s", ""})
	var a strArena
	for _, l := range in {
		got, at := a.label(l.ns, l.name, l.tag)
		if want := l.ns + "/" + l.name + ":" + l.tag; got != want || got[at:] != l.tag {
			t.Fatalf("label(%.20q, %.20q, %q) = %.40q, tag %q; want %.40q, tag %q", l.ns, l.name, l.tag, got, got[at:], want, l.tag)
		}
	}
}

// TestDedupe checks that the last of equal elements wins and that the
// order check of a large input, done in two halves, sees a pair out of
// order or equal wherever it lies, the halves' border included.
func TestDedupe(t *testing.T) {
	type elem struct{ Key, From int }
	const n = 10_000
	tests := []struct {
		name string
		edit func(s []*elem) // of n elements with keys 0 to n-1, in order
	}{
		{"in order", func([]*elem) {}},
		{"swapped at the start", func(s []*elem) { s[0], s[1] = s[1], s[0] }},
		{"swapped before the border", func(s []*elem) { s[n/2-1], s[n/2] = s[n/2], s[n/2-1] }},
		{"swapped after the border", func(s []*elem) { s[n/2], s[n/2+1] = s[n/2+1], s[n/2] }},
		{"swapped at the end", func(s []*elem) { s[n-2], s[n-1] = s[n-1], s[n-2] }},
		{"equal across the border", func(s []*elem) { s[n/2].Key = s[n/2-1].Key }},
		{"equal after the border", func(s []*elem) { s[n/2+1].Key = s[n/2].Key }},
		{"nil in the middle", func(s []*elem) { s[n/2] = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make([]*elem, n)
			for i := range in {
				in[i] = &elem{Key: i, From: i}
			}
			tt.edit(in)
			// The expected result: sorted by key, the last of each key.
			last := map[int]*elem{}
			for _, e := range in {
				if e != nil {
					last[e.Key] = e
				}
			}
			var want []elem
			for _, e := range last {
				want = append(want, *e)
			}
			slices.SortFunc(want, func(a, b elem) int { return cmp.Compare(a.Key, b.Key) })
			orig := slices.Clone(in)

			out := dedupe(in, func(a, b *elem) int { return cmp.Compare(a.Key, b.Key) })
			var got []elem
			for _, e := range out {
				got = append(got, *e)
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("dedupe (-want +got):\n%s", diff)
			}
			if !slices.Equal(in, orig) {
				t.Error("dedupe changed its input")
			}
		})
	}
}

// TestLookupAll checks that a batch lookup finds what lookup finds, one
// digest at a time, in either order of the tables: digests of either
// table, absent ones, odd ones, and digests whose first slot holds
// another digest, with the same hash or not.
func TestLookupAll(t *testing.T) {
	t.Parallel()
	var b IndexBuilder
	b.init()
	a := string(digest.FromString(fmt.Sprint("d", 0)))
	twin := collide(&b.hasher, a)
	var qs []string
	for i := range 600 {
		d := string(digest.FromString(fmt.Sprint("d", i)))
		switch {
		case i%10 == 9:
			d = fmt.Sprint("odd-", i)
		case i%10 == 8:
			d = "sha256:" + d[7:40] // short: kept as odd
		}
		qs = append(qs, d)
		switch i % 3 {
		case 0:
			b.internHashed(d, b.hasher.hash(d), b.names, b.others)
		case 1:
			b.internHashed(d, b.hasher.hash(d), b.others, b.names)
		}
	}
	if qs[0] != a {
		t.Fatal("bad fixture: a")
	}
	qs = append(qs, twin, "", strings.ToUpper(a))
	for _, order := range [][2]*digestTable{{b.names, b.others}, {b.others, b.names}} {
		first := order[0]
		var bt batch
		b.lookupAll(qs, order[0], order[1], &bt)
		taken := 0 // digests whose first slot holds another one
		for i, d := range qs {
			h := b.hasher.hash(d)
			want, _ := b.lookup(d, h)
			if bt.ids[i] != want || bt.hs[i] != h {
				t.Errorf("lookupAll: %q = %d (hash %x), want %d (%x)", d, bt.ids[i], bt.hs[i], want, h)
			}
			if v := first.slots[h>>first.shift]; v != 0 && slotID(v) != want {
				taken++
			}
		}
		if taken < 10 {
			t.Errorf("only %d digests start on a slot taken by another: the fallback is hardly tested", taken)
		}
	}
}

// collide sets hs's keys so that a's hash is 0 and returns another
// sha256 digest with the same hash: with a's even words as their keys,
// those four products are 0 whatever the odd words are, and twin differs
// from a in an odd word. It lets a test reach the comparison behind a
// hash match, which real digests hardly ever do.
func collide(hs *hasher, a string) (twin string) {
	for w := 0; w < 8; w += 2 {
		hs.k[w] = le64(a, 7+8*w)
	}
	b := []byte(a)
	if b[7+8] == '0' {
		b[7+8] = '1'
	} else {
		b[7+8] = '0'
	}
	twin = string(b)
	if twin == a || hs.hash(twin) != hs.hash(a) {
		panic("collide: no twin")
	}
	return twin
}

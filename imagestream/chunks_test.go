package imagestream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
)

// randomTags returns n sorted status tags with random histories; every
// seventh has long events so that chunks are also cut by bytes.
func randomTags(rng *rand.Rand, n int, prefix string) []image.NamedTagEventList {
	tags := make([]image.NamedTagEventList, 0, n)
	for i := range n {
		l := image.NamedTagEventList{Tag: fmt.Sprintf("%s%05d", prefix, i*10)}
		depth := rng.IntN(4)
		if i%7 == 0 {
			depth = 20 + rng.IntN(40)
		}
		for k := range depth {
			l.Items = append(l.Items, image.TagEvent{
				Created:              image.Date(2024, 1, 1+k%28, 0, 0, 0),
				DockerImageReference: fmt.Sprintf("registry.example.com/ns/app@sha256:%064x", rng.Uint64()),
				Image:                fmt.Sprintf("sha256:%064x", rng.Uint64()),
				Generation:           int64(k),
			})
		}
		if rng.IntN(5) == 0 {
			l.Conditions = []image.TagEventCondition{{Type: image.ImportSuccess, Status: "False", Reason: "NotFound", Message: "gone", Generation: 2}}
		}
		tags = append(tags, l)
	}
	return tags
}

func encodeAll(t *testing.T, tags []image.NamedTagEventList) []*tagJSON {
	t.Helper()
	js := make([]*tagJSON, len(tags))
	for i := range tags {
		j, err := encodeTag(&tags[i], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		js[i] = j
	}
	return js
}

// checkChunks checks the invariants of a chunk list: chunks are not
// empty, their tags are in order across chunks, each tag's JSON is what
// json.Marshal writes, joined is the tags' JSON separated by commas, and
// no chunk is over the bounds a push may leave. The JSON is checked
// only in chunks that are not in checked, which it then adds them to.
func checkChunks(t *testing.T, chunks []*tagChunk, checked map[*tagChunk]bool) {
	t.Helper()
	prev := ""
	for ci, c := range chunks {
		if checked[c] {
			prev = c.last()
			continue
		}
		checked[c] = true
		if len(c.tags) == 0 || len(c.tags) != len(c.json) {
			t.Fatalf("chunk %d: %d tags, %d JSON", ci, len(c.tags), len(c.json))
		}
		if len(c.tags) > 2*chunkTags {
			t.Errorf("chunk %d: %d tags, more than %d", ci, len(c.tags), 2*chunkTags)
		}
		var parts [][]byte
		for i := range c.tags {
			if c.tags[i].Tag <= prev {
				t.Fatalf("chunk %d: tag %q after %q", ci, c.tags[i].Tag, prev)
			}
			prev = c.tags[i].Tag
			want, err := json.Marshal(&c.tags[i])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.json[i].b, want) {
				t.Fatalf("chunk %d, tag %q: JSON\n%s\nwant\n%s", ci, c.tags[i].Tag, c.json[i].b, want)
			}
			parts = append(parts, c.json[i].b)
		}
		if want := bytes.Join(parts, []byte(",")); !bytes.Equal(c.joined, want) {
			t.Fatalf("chunk %d: joined JSON differs from its tags'", ci)
		}
	}
}

// TestReplaceTags puts random changes into random chunk lists and checks
// the result against the same changes made to a flat list, the chunk
// invariants, and that the chunks it started from are left as they were
// (earlier revisions share them).
func TestReplaceTags(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n := []int{0, 1, 5, 31, 32, 33, 100, 300}[seed%8]
		flat := randomTags(rng, n, "t")
		chunks := cutChunks(slices.Clone(flat), encodeAll(t, flat))
		checked := map[*tagChunk]bool{}
		checkChunks(t, chunks, checked)
		for round := range 8 {
			before := make([][]byte, len(chunks))
			for i, c := range chunks {
				before[i] = slices.Clone(c.joined)
			}
			// Changes: new events on existing tags, and new tags between,
			// before and after the existing ones (names "s…", "t…5", "u…").
			var changed []image.NamedTagEventList
			for range 1 + rng.IntN(6) {
				var l image.NamedTagEventList
				if len(flat) > 0 && rng.IntN(2) == 0 {
					l = flat[rng.IntN(len(flat))]
					l.Items = append([]image.TagEvent{{Image: fmt.Sprintf("sha256:%064x", rng.Uint64()), Generation: 9}}, l.Items...)
					l.Conditions = nil
				} else {
					p := []string{"s", "t", "u"}[rng.IntN(3)]
					l = randomTags(rng, 1, "")[0]
					l.Tag = fmt.Sprintf("%s%05d", p, rng.IntN(n*10+10)) + "5"
					if rng.IntN(3) == 0 {
						l.Items = append(l.Items, randomTags(rng, 8, "")[0].Items...)
					}
				}
				if i := slices.IndexFunc(changed, func(c image.NamedTagEventList) bool { return c.Tag == l.Tag }); i >= 0 {
					changed[i] = l
					continue
				}
				changed = append(changed, l)
			}
			slices.SortFunc(changed, func(a, b image.NamedTagEventList) int { return strings.Compare(a.Tag, b.Tag) })
			next, err := replaceTags(chunks, changed)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range changed {
				i, ok := slices.BinarySearchFunc(flat, l.Tag, func(x image.NamedTagEventList, t string) int { return strings.Compare(x.Tag, t) })
				if ok {
					flat[i] = l
				} else {
					flat = slices.Insert(flat, i, l)
				}
			}
			got, _ := flattenChunks(next)
			// cmp.Diff only on a mismatch: it is slow on lists this long.
			if !reflect.DeepEqual(flat, got) {
				t.Fatalf("seed %d round %d: tags (-flat +chunks):\n%s", seed, round, cmp.Diff(flat, got))
			}
			checkChunks(t, next, checked)
			for i, c := range chunks {
				if !bytes.Equal(c.joined, before[i]) {
					t.Fatalf("seed %d round %d: chunk %d of the previous revision changed", seed, round, i)
				}
			}
			chunks = next
		}
	}
}

// TestStreamParts checks that the parts of a chunked stream join into
// exactly what json.Marshal writes for the whole stream.
func TestStreamParts(t *testing.T) {
	for _, n := range []int{1, 2, 40, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			is := &image.ImageStream{
				TypeMeta:   streamTypeMeta,
				ObjectMeta: image.ObjectMeta{Name: "app", Namespace: "ns", Labels: map[string]string{"a": "b"}},
				Spec:       image.ImageStreamSpec{Tags: []image.TagReference{{Name: "x", From: &image.ObjectReference{Kind: "DockerImage", Name: "x:1"}}}},
				Status:     image.ImageStreamStatus{DockerImageRepository: "r/ns/app", Tags: randomTags(rng, n, "t")},
			}
			head, err := encodeHead(is)
			if err != nil {
				t.Fatal(err)
			}
			prefix, ok := tagsPrefix(head)
			if !ok {
				t.Fatalf("tagsPrefix(%s) failed", head)
			}
			parts, size := streamParts(prefix, cutChunks(is.Status.Tags, encodeAll(t, is.Status.Tags)))
			got := bytes.Join(parts, nil)
			want, err := json.Marshal(is)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) || size != len(want) {
				t.Errorf("parts join into (size %d)\n%s\nwant (size %d)\n%s", size, got, len(want), want)
			}
		})
	}
}

package prune

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// An Index is a snapshot reduced to what Plan reads (PRUNE.md §6.6):
// digests interned into pointer-free tables, edges as integers, the names
// and times the rules need, and each reference resolved to the tag or
// image it names, with its owner. It keeps no Image or ImageStream object
// and no Reference, so a snapshot can be read page by page into an
// IndexBuilder and each page dropped, and the collector has a few large
// objects to mark rather than the millions of a decoded snapshot.
//
// An Index is immutable: any number of plans, with any options, may read
// it at once.
type Index struct {
	x    *index
	refs *refTable
}

// NewIndex builds the Index of s. Plan(s, opts) is NewIndex(s).Plan(opts).
// The Index keeps nothing of s. NewIndex is NewIndexContext with
// context.Background().
func NewIndex(s *Snapshot) *Index {
	ix, _ := NewIndexContext(context.Background(), s) // never fails: Background never ends
	return ix
}

// NewIndexContext is NewIndex that stops early when ctx ends (PRUNE.md
// §6.14): building the Index is most of a plan's work, about 0.4 s of CPU
// at 100,000 images. It checks ctx between chunks of work, as
// PlanContext does, and then returns nil and ctx.Err(), every goroutine
// it started finished.
func NewIndexContext(ctx context.Context, s *Snapshot) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s == nil {
		s = &Snapshot{}
	}
	images, streams := sortImages(s), sortStreams(s)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return newIndex(ctx, images, streams, s.References)
}

// newIndex builds the Index of images and streams sorted and without
// duplicates, unless ctx ends first. Knowing their sizes, it reserves
// every array at once.
func newIndex(ctx context.Context, images []*image.Image, streams []*image.ImageStream, refs []Reference) (*Index, error) {
	var b IndexBuilder
	blobs, mans, tags, events := 0, 0, 0, 0
	for _, img := range images {
		blobs += len(img.DockerImageLayers) + 1
		mans += len(img.DockerImageManifests)
	}
	for _, is := range streams {
		tags += len(is.Status.Tags)
		for i := range is.Status.Tags {
			events += len(is.Status.Tags[i].Items)
		}
	}
	// At 100,000 images each of these allocations is tens of megabytes,
	// which can take tens of milliseconds while the collector marks the
	// snapshot (the allocation assists it): ctx is checked between them,
	// and before the goroutines start.
	b.init()
	b.names.resize(len(images))
	// Room for every blob distinct: a table doubling half-way through
	// would rehash it into fresh memory.
	b.others.resize(blobs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.imgs.reserve(len(images))
	b.recBlobs.reserve(blobs)
	b.recSizes.reserve(blobs)
	b.recMans.reserve(mans)
	b.streams = make([]streamInfo, 0, len(streams))
	b.tags.reserve(tags)
	b.evName.reserve(events)
	b.evCreated.reserve(events)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The streams' layout and the references' parsing share no field of
	// b with the images, so they are done at once; the events are looked
	// up once the streams and images are done.
	laid, parsed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(parsed)
		b.parsed = parseReferences(ctx, refs, newStreamNames(len(streams), func(i int) (string, string) {
			return streams[i].Namespace, streams[i].Name
		}))
	}()
	go func() {
		defer close(laid)
		for i, is := range streams {
			if stopped(ctx, i, streamChunk) {
				return
			}
			b.addStream(is, false)
		}
	}()
	b.addImages(ctx, images)
	<-laid
	// A step cut short by ctx leaves its arrays partial (streams missing,
	// events' digests -1): they are read only while ctx has not ended.
	if ctx.Err() == nil {
		b.lookUpEvents(ctx, streams)
	}
	<-parsed
	return b.index(ctx)
}

// lookUpEvents fills in the digests of the events of streams, added in
// this order by addStream(is, false). The tables do not change while two
// goroutines look the events up; the digests not found are interned
// afterwards in event order, so ids do not depend on timing. When ctx
// ends it stops, some events' digests still -1.
func (b *IndexBuilder) lookUpEvents(ctx context.Context, streams []*image.ImageStream) {
	type miss struct {
		k int32
		d string
	}
	var (
		next   atomic.Int64
		mu     sync.Mutex
		misses []miss
		wg     sync.WaitGroup
	)
	evName := b.evName.flat
	for range min(2, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			var (
				order []int
				mine  []miss
				qs    []string
				bt    batch
			)
			for {
				start := int(next.Add(streamChunk)) - streamChunk
				if start >= len(streams) || ctx.Err() != nil {
					break
				}
				for si := start; si < min(start+streamChunk, len(streams)); si++ {
					is, k := streams[si], b.streams[si].evStart
					order = sortedTags(is, order)
					qs = eventDigests(qs[:0], is, order)
					b.lookupAll(qs, b.names, b.others, &bt)
					for i, id := range bt.ids {
						if id >= 0 {
							evName[k] = id
						} else {
							mine = append(mine, miss{k, qs[i]})
						}
						k++
					}
				}
			}
			mu.Lock()
			misses = append(misses, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return // the misses are partial
	}
	slices.SortFunc(misses, func(a, c miss) int { return cmp.Compare(a.k, c.k) })
	for _, m := range misses {
		evName[m.k] = b.intern(m.d)
	}
}

// sortImages returns the snapshot's images sorted by name, the last of
// duplicates winning.
func sortImages(s *Snapshot) []*image.Image {
	return dedupe(s.Images, func(a, b *image.Image) int { return strings.Compare(a.Name, b.Name) })
}

// sortStreams returns the snapshot's streams sorted by namespace and
// name, the last of duplicates winning.
func sortStreams(s *Snapshot) []*image.ImageStream {
	return dedupe(s.Streams, func(a, b *image.ImageStream) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
}

// dedupe sorts by compare, keeping the last of equal elements, without
// changing the input slice.
func dedupe[T any](in []*T, compare func(a, b *T) int) []*T {
	out := make([]*T, 0, len(in))
	for _, v := range in {
		if v != nil {
			out = append(out, v)
		}
	}
	if increasing(out, compare) {
		return out // as a listing gives them: no sort, no duplicate
	}
	slices.SortStableFunc(out, compare)
	w := 0
	for i, v := range out {
		if i+1 < len(out) && compare(out[i+1], v) == 0 {
			continue
		}
		out[w] = v
		w++
	}
	return out[:w]
}

// increasing reports whether s is in strictly increasing order. A large
// s is checked in two halves at once: each comparison reads two objects
// of the snapshot, which at 100,000 images are seldom in the cache.
func increasing[T any](s []*T, compare func(a, b *T) int) bool {
	check := func(s []*T) bool {
		for i := 1; i < len(s); i++ {
			if compare(s[i-1], s[i]) >= 0 {
				return false
			}
		}
		return true
	}
	if len(s) < 4096 {
		return check(s)
	}
	mid := len(s) / 2
	first := make(chan bool, 1)
	go func() { first <- check(s[:mid+1]) }()
	second := check(s[mid:])
	return <-first && second
}

// An IndexBuilder builds an Index from images, streams and references
// added in any order and in any number of calls, such as the pages of a
// listing. AddImages and AddStreams keep what planning needs and nothing
// else, so the caller may drop what it added; AddReferences keeps its
// references as given until Index. As in a Snapshot, the last image of a
// name and the last stream of a namespace and name win.
//
// The zero IndexBuilder is ready to use. It is not safe for concurrent
// use.
type IndexBuilder struct {
	digests
	valid  pages[bool]  // digest id → is a valid digest
	latest pages[int32] // digest id → 1 + the last image record of that name

	imgs     pages[imageInfo] // blobStart to blobEnd index recBlobs, manStart to manEnd recMans
	recBlobs pages[int32]     // layers and config of every image record
	recSizes pages[int64]     // their sizes
	recMans  pages[manifestRef]

	streams   []streamInfo
	byKey     map[string]int32 // stream key → last stream record
	tags      pages[tagInfo]
	evName    pages[int32]
	evCreated pages[stamp]
	strs      strArena
	order     []int
	key       []byte
	// AddImages' scratch
	nameIDs []int32
	qs      []string
	batch   batch

	refs   [][]Reference // as added, not copied
	parsed *parsedRefs   // the references, when parsed already
}

// manifestRef is an entry of a manifest list.
type manifestRef struct {
	id   int32
	size int64
}

func (b *IndexBuilder) init() {
	if b.names == nil {
		b.hasher = newHasher()
		b.names, b.others = newDigestTable(1024), newDigestTable(1024)
		b.byKey = make(map[string]int32)
	}
}

// intern returns the id of d, which may be any string.
func (b *IndexBuilder) intern(d string) int32 {
	h := b.hasher.hash(d)
	id, slot := b.lookup(d, h)
	if id < 0 {
		id = b.newID(d)
		b.others.add(h, slot, id)
	}
	return id
}

// internHashed returns the id of d, whose hash is h, looking in table
// first and then in other, unless other is empty, and adds d to table
// when neither has it.
func (b *IndexBuilder) internHashed(d string, h uint64, table, other *digestTable) int32 {
	id, slot := table.find(d, h, &b.text)
	if id >= 0 {
		return id
	}
	if other.n > 0 {
		if id, _ := other.find(d, h, &b.text); id >= 0 {
			return id
		}
	}
	id = b.newID(d)
	table.add(h, slot, id)
	return id
}

func (b *IndexBuilder) newID(d string) int32 {
	b.valid.add(reference.ValidDigest(d))
	b.latest.add(0)
	return b.text.add(d)
}

// AddImages adds images; nil ones are skipped.
func (b *IndexBuilder) AddImages(imgs ...*image.Image) {
	b.addImages(context.Background(), imgs)
}

// addImages is AddImages that stops, some images not added, when ctx
// ends. It checks ctx once per batch: a batch of 64 images takes about
// 0.1 ms at 100,000 images.
func (b *IndexBuilder) addImages(ctx context.Context, imgs []*image.Image) {
	b.init()
	// Names first, so that their records lie together. Their ids are
	// kept for the second pass, which would otherwise look each one up
	// again in a table that, at 100,000 images, misses the cache.
	ids := slices.Grow(b.nameIDs[:0], len(imgs))[:len(imgs)]
	for start := 0; start < len(imgs); start += imageBatch {
		if ctx.Err() != nil {
			return
		}
		part := imgs[start:min(start+imageBatch, len(imgs))]
		qs := b.qs[:0]
		for _, img := range part {
			if img != nil {
				qs = append(qs, img.Name)
			}
		}
		b.lookupAll(qs, b.names, b.others, &b.batch)
		k := 0
		for i, img := range part {
			if img != nil {
				ids[start+i] = b.settled(k, img.Name, b.names, b.others)
				k++
			}
		}
		b.qs = qs
	}
	// Blobs and manifests are seldom images' names, so they are looked
	// for in others first. (No digest is in both tables, so the order
	// changes no id.)
	for start := 0; start < len(imgs); start += imageBatch {
		if ctx.Err() != nil {
			return
		}
		part := imgs[start:min(start+imageBatch, len(imgs))]
		qs := b.qs[:0]
		for _, img := range part {
			if img != nil {
				qs = blobDigests(qs, img)
			}
		}
		b.lookupAll(qs, b.others, b.names, &b.batch)
		k := 0
		for i, img := range part {
			if img != nil {
				k = b.addImage(img, ids[start+i], k)
			}
		}
		b.qs = qs
	}
	b.nameIDs = ids
	clear(b.qs[:cap(b.qs)]) // the caller may drop the images
}

// imageBatch is how many images AddImages looks up at once (see
// lookupAll).
const imageBatch = 64

// imageChunk is how many images a loop over them all handles between
// two checks of its context (PRUNE.md §6.14): a fraction of a
// millisecond of work at 100,000 images, and the check costs nothing
// beside it.
const imageChunk = 1024

// blobDigests appends the digests addImage interns for img, in its order.
func blobDigests(qs []string, img *image.Image) []string {
	for _, l := range img.DockerImageLayers {
		qs = append(qs, l.Name)
	}
	if hasConfig(img) {
		qs = append(qs, img.DockerImageMetadata.ID)
	}
	for _, m := range img.DockerImageManifests {
		qs = append(qs, m.Digest)
	}
	return qs
}

// settled returns the id of the batch's k-th digest d, interning it in
// table when lookupAll did not find it: an earlier digest of the batch
// may have been it.
func (b *IndexBuilder) settled(k int, d string, table, other *digestTable) int32 {
	if id := b.batch.ids[k]; id >= 0 {
		return id
	}
	return b.internHashed(d, b.batch.hs[k], table, other)
}

// addImage adds img, whose name has id name and whose blob digests are
// those of the batch from k on. It returns the index of the next
// image's first.
func (b *IndexBuilder) addImage(img *image.Image, name int32, k int) int {
	r := imageInfo{
		manifest: name,
		created:  img.CreationTimestamp,
		size:     img.DockerImageMetadata.Size,
		// The raw manifest and config, when the Image keeps them, are
		// their blobs' bytes: their lengths are the blobs' sizes.
		manifestSize: int64(len(img.DockerImageManifest)),
		managed:      img.Annotations[image.ManagedByOpenShiftAnnotation] == "true",
	}
	// A malformed image is reported and kept (PRUNE.md §6.6); oc aborts
	// the whole run on one. Its valid blobs are still counted, so they
	// stay in use.
	if !*b.valid.at(int(r.manifest)) {
		r.bad = fmt.Sprintf("image name %q is not a digest", img.Name)
	}
	r.blobStart = int32(b.recBlobs.len())
	blob := func(d string, size int64, what func() string) {
		if id := b.settled(k, d, b.others, b.names); *b.valid.at(int(id)) {
			b.recBlobs.add(id)
			b.recSizes.add(size)
		} else if r.bad == "" {
			r.bad = what()
		}
		k++
	}
	for j, l := range img.DockerImageLayers {
		blob(l.Name, l.LayerSize, func() string { return fmt.Sprintf("dockerImageLayers[%d].name %q is not a digest", j, l.Name) })
	}
	if hasConfig(img) {
		id := img.DockerImageMetadata.ID
		blob(id, int64(len(img.DockerImageConfig)), func() string { return fmt.Sprintf("dockerImageMetadata.Id %q is not a digest", id) })
	}
	r.blobEnd = int32(b.recBlobs.len())
	r.manStart = int32(b.recMans.len())
	for _, m := range img.DockerImageManifests {
		b.recMans.add(manifestRef{b.settled(k, m.Digest, b.others, b.names), m.ManifestSize})
		k++
	}
	r.manEnd = int32(b.recMans.len())
	b.imgs.add(r)
	*b.latest.at(int(r.manifest)) = int32(b.imgs.len())
	return k
}

// AddStreams adds image streams; nil ones are skipped.
func (b *IndexBuilder) AddStreams(streams ...*image.ImageStream) {
	b.init()
	for _, is := range streams {
		if is != nil {
			b.addStream(is, true)
		}
	}
	clear(b.qs[:cap(b.qs)]) // the caller may drop the streams
}

// eventDigests appends the images of the events of is, its tags in
// order (see sortedTags) and each tag's events newest first, as addStream
// lays them out.
func eventDigests(qs []string, is *image.ImageStream, order []int) []string {
	for _, t := range order {
		for i := range is.Status.Tags[t].Items {
			qs = append(qs, is.Status.Tags[t].Items[i].Image)
		}
	}
	return qs
}

// addStream adds a stream; with lookup false it leaves its events'
// digests at -1 for lookUpEvents.
func (b *IndexBuilder) addStream(is *image.ImageStream, lookup bool) {
	si := streamInfo{
		namespace:       b.strs.copy(is.Namespace),
		name:            b.strs.copy(is.Name),
		resourceVersion: b.strs.copy(is.ResourceVersion),
		created:         is.CreationTimestamp,
		labels:          maps.Clone(is.Labels), // a decoder may fill the same map for every page
		tagStart:        int32(b.tags.len()),
		evStart:         int32(b.evName.len()),
	}
	b.order = sortedTags(is, b.order)
	if lookup {
		// The stream's events are looked up together (see lookupAll);
		// those not found are interned in order by settled below.
		b.qs = eventDigests(b.qs[:0], is, b.order)
		b.lookupAll(b.qs, b.names, b.others, &b.batch)
	}
	k := 0
	for _, t := range b.order {
		list := &is.Status.Tags[t]
		ti := tagInfo{evStart: int32(b.evName.len())}
		ti.label, ti.tagAt = b.strs.label(is.Namespace, is.Name, list.Tag)
		for i := range list.Items {
			id := int32(-1)
			if lookup {
				id = b.settled(k, list.Items[i].Image, b.others, b.names)
				k++
			}
			b.evName.add(id)
			b.evCreated.add(stampOf(list.Items[i].Created))
		}
		ti.evEnd = int32(b.evName.len())
		b.tags.add(ti)
	}
	si.tagEnd, si.evEnd = int32(b.tags.len()), int32(b.evName.len())
	b.key = streamKey(b.key[:0], is.Namespace, is.Name)
	b.byKey[string(b.key)] = int32(len(b.streams))
	b.streams = append(b.streams, si)
}

// AddReferences adds references in use. The builder keeps refs, without
// copying them, until Index parses them against the streams: the caller
// must not change them before Index returns. The Index keeps what it
// reports of their owners, copied.
func (b *IndexBuilder) AddReferences(refs ...Reference) {
	if len(refs) > 0 {
		// A copy of half a million references would cost as much as
		// parsing them, mostly in page faults on fresh memory.
		b.refs = append(b.refs, refs)
	}
}

// Index returns the Index of everything added and resets b. It is
// IndexContext with context.Background().
func (b *IndexBuilder) Index() *Index {
	ix, _ := b.index(context.Background()) // never fails: Background never ends
	return ix
}

// IndexContext is Index that stops early when ctx ends (PRUNE.md §6.14):
// at 100,000 images, laying the tables out and resolving half a million
// references takes a few hundred milliseconds. It checks ctx between
// chunks of work, as PlanContext does, and once ctx has ended returns nil
// and ctx.Err(), every goroutine it started finished, and b reset: what
// was added is dropped, and b can be used again from the start.
//
// The Add methods take a page at a time and need no context: a caller
// checks its own between pages.
func (b *IndexBuilder) IndexContext(ctx context.Context) (*Index, error) {
	ix, err := b.index(ctx)
	if err != nil {
		*b = IndexBuilder{}
	}
	return ix, err
}

// index is Index unless ctx ends first; then it returns ctx.Err(), b
// left partial. It checks ctx first, since newIndex may have left b
// partial.
func (b *IndexBuilder) index(ctx context.Context) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.init()
	x := &index{digests: b.digests, sizes: make([]int64, b.text.len())}
	streams := b.latestStreams()
	parsed := make(chan struct{})
	if b.parsed == nil {
		// The references need only the streams' names: they are parsed
		// while the images and streams are laid out.
		go func() {
			defer close(parsed)
			var refs []Reference
			if len(b.refs) == 1 {
				refs = b.refs[0]
			} else {
				refs = slices.Concat(b.refs...)
			}
			b.parsed = parseReferences(ctx, refs, newStreamNames(len(streams), func(i int) (string, string) {
				return streams[i].namespace, streams[i].name
			}))
		}()
	} else {
		close(parsed)
	}
	b.buildImages(ctx, x)
	if ctx.Err() == nil { // else x.imageOf may be unset
		b.buildStreams(ctx, x, streams)
	}
	<-parsed
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	refs := b.parsed.table(ctx, x)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix := &Index{x: x, refs: refs}
	*b = IndexBuilder{}
	return ix, nil
}

// buildImages sorts the last image of each name by name and lays out
// their blobs in that order, unless ctx ends first.
func (b *IndexBuilder) buildImages(ctx context.Context, x *index) {
	var recs []*imageInfo
	for i := range b.imgs.len() {
		if r := b.imgs.at(i); *b.latest.at(int(r.manifest)) == int32(i+1) {
			recs = append(recs, r)
		}
	}
	byName := func(r, s *imageInfo) int { return strings.Compare(b.text.at(r.manifest), b.text.at(s.manifest)) }
	// In order, as NewIndex adds them, the records are the index's
	// images and their blobs the index's blobs, without a copy.
	inOrder := len(recs) == b.imgs.len() && b.imgs.flat != nil && b.recBlobs.flat != nil
	if !slices.IsSortedFunc(recs, byName) {
		slices.SortFunc(recs, byName) // names are unique
		inOrder = false
	}
	if ctx.Err() != nil {
		return
	}
	x.imageOf = make([]int32, b.text.len())
	for i := range x.imageOf {
		x.imageOf[i] = -1
	}
	x.spans = make([]imageSpan, len(recs))
	blobs, mans := 0, 0
	for i, r := range recs {
		x.imageOf[r.manifest] = int32(i)
		blobs += int(r.blobEnd - r.blobStart)
		mans += int(r.manEnd - r.manStart)
	}
	if inOrder {
		x.images, x.blobs = b.imgs.flat, b.recBlobs.flat
	} else {
		x.images = make([]imageInfo, len(recs))
		x.blobs = make([]int32, 0, blobs)
	}
	x.manifests = make([]int32, 0, mans)
	// A chunk of images takes about 0.2 ms at 100,000 images: ctx is
	// checked between chunks (PRUNE.md §6.14).
	for i, r := range recs {
		if stopped(ctx, i, imageChunk) {
			return
		}
		info := &x.images[i]
		if !inOrder {
			*info = *r
			info.blobStart = int32(len(x.blobs))
			for j := r.blobStart; j < r.blobEnd; j++ {
				x.blobs = append(x.blobs, *b.recBlobs.at(int(j)))
			}
			info.blobEnd = int32(len(x.blobs))
		}
		for j := r.blobStart; j < r.blobEnd; j++ {
			id := *b.recBlobs.at(int(j))
			x.sizes[id] = max(x.sizes[id], *b.recSizes.at(int(j)))
		}
		x.sizes[r.manifest] = max(x.sizes[r.manifest], r.manifestSize)
		manStart, manEnd := r.manStart, r.manEnd // in order, info is r, rewritten below
		info.manStart = int32(len(x.manifests))
		for j := manStart; j < manEnd; j++ {
			m := b.recMans.at(int(j))
			x.manifests = append(x.manifests, m.id)
			if c := x.imageOf[m.id]; c >= 0 {
				info.children = append(info.children, c)
				x.sizes[m.id] = max(x.sizes[m.id], m.size)
			}
		}
		info.manEnd = int32(len(x.manifests))
		x.spans[i] = imageSpan{manifest: info.manifest, blobStart: info.blobStart, blobEnd: info.blobEnd, bad: info.bad != "", list: info.manEnd > info.manStart}
	}
}

// latestStreams returns the last stream record of each namespace and
// name, sorted.
func (b *IndexBuilder) latestStreams() []*streamInfo {
	var recs []*streamInfo
	for i := range b.streams {
		si := &b.streams[i]
		b.key = streamKey(b.key[:0], si.namespace, si.name)
		if b.byKey[string(b.key)] == int32(i) {
			recs = append(recs, si)
		}
	}
	slices.SortFunc(recs, func(a, c *streamInfo) int { // keys are unique
		return cmp.Or(strings.Compare(a.namespace, c.namespace), strings.Compare(a.name, c.name))
	})
	return recs
}

// buildStreams lays out the tags and events of recs, the latest streams,
// in their order, each event resolved to its image, unless ctx ends
// first.
func (b *IndexBuilder) buildStreams(ctx context.Context, x *index, recs []*streamInfo) {
	inOrder := len(recs) == len(b.streams) && b.tags.flat != nil && b.evName.flat != nil && b.evCreated.flat != nil
	for i, si := range recs {
		inOrder = inOrder && si == &b.streams[i]
	}
	if inOrder {
		// As NewIndex adds them: the builder's arrays are the index's.
		x.streams, x.tags, x.evName, x.evCreated = b.streams, b.tags.flat, b.evName.flat, b.evCreated.flat
	} else {
		b.copyStreams(x, recs)
	}
	// A million events take some 10 ms, each a read the cache may miss.
	x.evImage = make([]int32, len(x.evName))
	for k, id := range x.evName {
		if stopped(ctx, k, eventChunk) {
			return
		}
		x.evImage[k] = x.imageOf[id]
	}
}

// eventChunk is how many events a loop that does little per event
// handles between two checks of its context (PRUNE.md §6.14).
const eventChunk = 1 << 16

// copyStreams lays out the tags and events of recs in their order.
func (b *IndexBuilder) copyStreams(x *index, recs []*streamInfo) {
	tags, events := 0, 0
	for _, si := range recs {
		tags += int(si.tagEnd - si.tagStart)
		events += int(si.evEnd - si.evStart)
	}
	x.streams = make([]streamInfo, len(recs))
	x.tags = make([]tagInfo, 0, tags)
	x.evName = make([]int32, 0, events)
	x.evCreated = make([]stamp, 0, events)
	for i, si := range recs {
		out := &x.streams[i]
		*out = *si
		out.tagStart, out.evStart = int32(len(x.tags)), int32(len(x.evName))
		for j := si.tagStart; j < si.tagEnd; j++ {
			t := b.tags.at(int(j))
			shift := int32(len(x.evName)) - t.evStart
			x.evName = b.evName.appendTo(x.evName, int(t.evStart), int(t.evEnd))
			x.evCreated = b.evCreated.appendTo(x.evCreated, int(t.evStart), int(t.evEnd))
			x.tags = append(x.tags, tagInfo{label: t.label, tagAt: t.tagAt, evStart: t.evStart + shift, evEnd: t.evEnd + shift})
		}
		out.tagEnd, out.evEnd = int32(len(x.tags)), int32(len(x.evName))
	}
}

// stamp is a time without a pointer, so that the million events' times
// are an array the collector does not scan and copies need no write
// barrier. Plans write times in UTC, which is all a stamp gives back.
type stamp struct {
	sec  int64
	nsec int32
}

func stampOf(t image.Time) stamp { return stampAt(t.Time) }

// stampAt is stampOf for a time.Time.
func stampAt(t time.Time) stamp { return stamp{t.Unix(), int32(t.Nanosecond())} }

func (s stamp) before(o stamp) bool { return s.sec < o.sec || s.sec == o.sec && s.nsec < o.nsec }

// time returns the stamp's time in UTC; the zero stamp of the zero time
// gives the zero time back.
func (s stamp) time() image.Time { return image.Time{Time: time.Unix(s.sec, int64(s.nsec)).UTC()} }

// strArena copies strings into shared blocks, so that an Index holds a
// few large objects rather than one per name.
type strArena struct {
	block *strings.Builder
}

const arenaBlock = 32 << 10

func (a *strArena) copy(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) > arenaBlock/4:
		return strings.Clone(s)
	}
	a.room(len(s))
	start := a.block.Len()
	a.block.WriteString(s)
	return a.block.String()[start:]
}

// room starts a new block unless the current one has n bytes free; the
// filled block stays put.
func (a *strArena) room(n int) {
	if a.block == nil || a.block.Cap()-a.block.Len() < n {
		a.block = new(strings.Builder)
		a.block.Grow(arenaBlock)
	}
}

// label copies "namespace/name:tag" and returns it with the offset of
// the tag.
func (a *strArena) label(namespace, name, tag string) (string, int32) {
	at := len(namespace) + len(name) + 2
	n := at + len(tag)
	if n > arenaBlock/4 {
		return namespace + "/" + name + ":" + tag, int32(at)
	}
	a.room(n)
	start := a.block.Len()
	a.block.WriteString(namespace)
	a.block.WriteByte('/')
	a.block.WriteString(name)
	a.block.WriteByte(':')
	a.block.WriteString(tag)
	return a.block.String()[start:], int32(at)
}

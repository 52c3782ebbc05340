package importer

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/reference"
)

// StreamLister is what the Scheduler reads streams through; the
// imagestream Service satisfies it with a small adapter.
type StreamLister interface {
	// ListImageStreams returns every stream, of all namespaces.
	ListImageStreams(ctx context.Context) ([]*image.ImageStream, error)
	// GetImageStream returns the current stream. A stream that no longer
	// exists is reported as a nil stream or an error whose
	// imagestream.Reason is NotFound.
	GetImageStream(ctx context.Context, namespace, name string) (*image.ImageStream, error)
}

// ImportCreator posts an ImageStreamImport, as the API's
// imagestreamimports create does (SEMANTICS §8.1).
type ImportCreator interface {
	CreateImageStreamImport(ctx context.Context, isi *image.ImageStreamImport) error
}

// SchedulerOptions configure a Scheduler. Zero values take OpenShift's
// defaults.
type SchedulerOptions struct {
	// Interval is how often each scheduled stream is re-imported; 0 means
	// 15 minutes (image.DefaultScheduledImportIntervalSeconds).
	Interval time.Duration
	// MaxImportsPerMinute caps scheduled imports over all registries; 0
	// means 60 (image.DefaultMaxScheduledImportsPerMinute), negative no
	// cap. Over the cap a stream waits for its next turn.
	MaxImportsPerMinute int
	// MaxImportsPerRegistryPerMinute caps the scheduled imports touching
	// one registry host; 0 means 30, negative no cap. A stream over it is
	// moved to the next bucket.
	MaxImportsPerRegistryPerMinute int
	// Jitter spreads each wait by up to this fraction of it, either way,
	// so that many schedulers do not fire in step; 0 means 0.1, negative
	// none. Values above 0.5 are taken as 0.5, so that a wait never shrinks
	// below half its length (from 1 on it would vanish).
	Jitter float64
	// Logger receives debug records; nil discards them.
	Logger *slog.Logger
	// Clock times the schedule; nil means the time package (which
	// testing/synctest can drive).
	Clock Clock
}

// maxJitter is the largest SchedulerOptions.Jitter: from 1 on, a wait
// could shrink to nothing or below and buckets would fire back to back.
const maxJitter = 0.5

// Scheduler re-imports the tags with importPolicy.scheduled as OpenShift's
// scheduled import controller does (SEMANTICS §8.10): streams are spread
// over buckets walked one per Interval/buckets, so each stream is
// re-imported about once per Interval, under a global and a per-registry
// rate limit. Time comes from SchedulerOptions.Clock.
type Scheduler struct {
	streams StreamLister
	imports ImportCreator
	opts    SchedulerOptions
	log     *slog.Logger
}

// NewScheduler returns a Scheduler reading streams from streams and
// posting imports to imports.
func NewScheduler(streams StreamLister, imports ImportCreator, opts SchedulerOptions) *Scheduler {
	if opts.Interval <= 0 {
		opts.Interval = image.DefaultScheduledImportIntervalSeconds * time.Second
	}
	if opts.MaxImportsPerMinute == 0 {
		opts.MaxImportsPerMinute = image.DefaultMaxScheduledImportsPerMinute
	}
	if opts.MaxImportsPerRegistryPerMinute == 0 {
		opts.MaxImportsPerRegistryPerMinute = 30
	}
	if opts.Jitter == 0 {
		opts.Jitter = 0.1
	}
	opts.Jitter = min(opts.Jitter, maxJitter)
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Scheduler{streams: streams, imports: imports, opts: opts, log: log}
}

// Buckets returns the number of buckets OpenShift uses for interval: 4,
// doubled above an hour, halved below ten minutes.
func Buckets(interval time.Duration) int {
	switch {
	case interval > time.Hour:
		return 8
	case interval < 10*time.Minute:
		return 2
	}
	return 4
}

type streamKey struct{ namespace, name string }

// schedule is the state of a running scheduler; only Run's goroutine
// touches it.
type schedule struct {
	buckets  [][]streamKey // buckets+1 slots, walked in turn
	where    map[streamKey]int
	cursor   int
	global   *tokenBucket
	registry map[string]*tokenBucket
}

// Run schedules imports until ctx is done, then returns ctx's error. It
// lists the streams at start and again every Interval to pick up new
// ones.
func (s *Scheduler) Run(ctx context.Context) error {
	n := Buckets(s.opts.Interval)
	sc := &schedule{buckets: make([][]streamKey, n+1), where: map[streamKey]int{}, registry: map[string]*tokenBucket{}}
	if m := s.opts.MaxImportsPerMinute; m > 0 {
		sc.global = newTokenBucket(float64(m)/60, float64(2*m), s.opts.Clock.Now())
	}
	// buckets+1 slots are walked in one Interval, so a stream comes up
	// once per Interval (OpenShift walks them one per Interval/buckets).
	step := s.opts.Interval / time.Duration(n+1)
	clock := s.opts.Clock
	nextList := clock.Now()
	for {
		if !clock.Now().Before(nextList) {
			s.resync(ctx, sc)
			nextList = clock.Now().Add(s.opts.Interval)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.After(s.jitter(step)):
		}
		s.fire(ctx, sc)
	}
}

func (s *Scheduler) jitter(d time.Duration) time.Duration {
	if s.opts.Jitter <= 0 {
		return d
	}
	return d + time.Duration((rand.Float64()*2-1)*s.opts.Jitter*float64(d))
}

// resync adds every stream that needs scheduling and is not scheduled
// yet. Streams that stopped needing it are dropped when their turn
// comes.
func (s *Scheduler) resync(ctx context.Context, sc *schedule) {
	list, err := s.streams.ListImageStreams(ctx)
	if err != nil {
		s.log.DebugContext(ctx, "listing image streams failed", "error", err)
		return
	}
	for _, is := range list {
		k := streamKey{is.Namespace, is.Name}
		if _, ok := sc.where[k]; ok || !needsScheduling(is) {
			continue
		}
		sc.add(k)
	}
}

// add places k in the least-loaded bucket, the first empty one if any.
func (sc *schedule) add(k streamKey) {
	best := 0
	for i := range sc.buckets {
		if len(sc.buckets[i]) < len(sc.buckets[best]) {
			best = i
		}
	}
	sc.buckets[best] = append(sc.buckets[best], k)
	sc.where[k] = best
}

func (sc *schedule) remove(k streamKey) {
	b := sc.where[k]
	for i, x := range sc.buckets[b] {
		if x == k {
			sc.buckets[b] = append(sc.buckets[b][:i], sc.buckets[b][i+1:]...)
			break
		}
	}
	delete(sc.where, k)
}

// fire imports the streams of the bucket under the cursor and advances
// it. Over the global cap a stream waits for its next turn; over its
// registry's cap it moves to the next bucket.
func (s *Scheduler) fire(ctx context.Context, sc *schedule) {
	b := sc.cursor
	sc.cursor = (sc.cursor + 1) % len(sc.buckets)
	for _, k := range append([]streamKey(nil), sc.buckets[b]...) {
		if ctx.Err() != nil {
			return
		}
		is, err := s.streams.GetImageStream(ctx, k.namespace, k.name)
		if (err == nil && is == nil) || imagestream.Reason(err) == image.StatusReasonNotFound {
			sc.remove(k)
			continue
		}
		if err != nil {
			s.log.DebugContext(ctx, "reading image stream failed", "namespace", k.namespace, "name", k.name, "error", err)
			continue
		}
		if !needsScheduling(is) {
			sc.remove(k)
			continue
		}
		isi := scheduledImport(is)
		if isi == nil {
			continue
		}
		now := s.opts.Clock.Now()
		if sc.global != nil && !sc.global.take(now) {
			s.log.DebugContext(ctx, "scheduled import over the global limit", "namespace", k.namespace, "name", k.name)
			continue
		}
		if !s.takeRegistries(sc, isi, now) {
			sc.remove(k)
			sc.buckets[sc.cursor] = append(sc.buckets[sc.cursor], k)
			sc.where[k] = sc.cursor
			continue
		}
		if err := s.imports.CreateImageStreamImport(ctx, isi); err != nil {
			s.log.DebugContext(ctx, "scheduled import failed", "namespace", k.namespace, "name", k.name, "error", err)
		}
	}
}

// takeRegistries takes a token from the bucket of every registry isi
// imports from, only if all have one.
func (s *Scheduler) takeRegistries(sc *schedule, isi *image.ImageStreamImport, now time.Time) bool {
	m := s.opts.MaxImportsPerRegistryPerMinute
	if m <= 0 {
		return true
	}
	names := make([]string, 0, len(isi.Spec.Images)+1)
	for _, spec := range isi.Spec.Images {
		names = append(names, spec.From.Name)
	}
	if r := isi.Spec.Repository; r != nil {
		names = append(names, r.From.Name)
	}
	var hosts []*tokenBucket
	seen := map[string]bool{}
	for _, name := range names {
		ref, err := reference.Parse(name)
		if err != nil {
			continue
		}
		host := ref.DockerClientDefaults().AsV2().Registry
		if seen[host] {
			continue
		}
		seen[host] = true
		tb := sc.registry[host]
		if tb == nil {
			tb = newTokenBucket(float64(m)/60, float64(m), now)
			sc.registry[host] = tb
		}
		hosts = append(hosts, tb)
	}
	for _, tb := range hosts {
		if !tb.has(now) {
			return false
		}
	}
	for _, tb := range hosts {
		tb.take(now)
	}
	return true
}

// importable is OpenShift's tagImportable: a DockerImage spec tag that is
// not a reference.
func importable(t *image.TagReference) bool {
	return t.From != nil && t.From.Kind == image.KindDockerImage && !t.Reference
}

// scheduledTag reports whether t is re-imported on schedule: importable,
// scheduled, with a pull spec that parses, and not a digest already
// imported at the tag's generation.
func scheduledTag(is *image.ImageStream, t *image.TagReference) bool {
	if !importable(t) || !t.ImportPolicy.Scheduled {
		return false
	}
	ref, err := reference.Parse(t.From.Name)
	if err != nil {
		return false
	}
	if ref.ID != "" && t.Generation != nil {
		if ev := imagestream.LatestTaggedImage(is, t.Name); ev != nil && ev.Generation == *t.Generation {
			return false
		}
	}
	return true
}

// needsScheduling is OpenShift's needsScheduling (SEMANTICS §8.10).
func needsScheduling(is *image.ImageStream) bool {
	for i := range is.Spec.Tags {
		if scheduledTag(is, &is.Spec.Tags[i]) {
			return true
		}
	}
	return false
}

// tagNeedsImport is OpenShift's tagNeedsImport: t is importable and its
// generation is newer than the one its status last observed, or, with
// importWhenNil, t has no generation yet.
func tagNeedsImport(is *image.ImageStream, t *image.TagReference, importWhenNil bool) bool {
	if !importable(t) {
		return false
	}
	if t.Generation == nil {
		return importWhenNil
	}
	return *t.Generation > imagestream.LatestObservedTagGeneration(is, t.Name)
}

// needsImport is OpenShift's needsImport: whether is must be imported,
// and whether only the tags needing it (partial) rather than every
// importable tag and spec.dockerImageRepository. A stream never checked
// (no dockerRepositoryCheck annotation) with a dockerImageRepository is
// imported in full.
func needsImport(is *image.ImageStream) (ok, partial bool) {
	if is.Annotations[image.DockerImageRepositoryCheckAnnotation] == "" {
		if is.Spec.DockerImageRepository != "" {
			return true, false
		}
		for i := range is.Spec.Tags {
			if importable(&is.Spec.Tags[i]) {
				return true, true
			}
		}
	}
	for i := range is.Spec.Tags {
		if tagNeedsImport(is, &is.Spec.Tags[i], false) {
			return true, true
		}
	}
	return false, false
}

// scheduledImport is the import the scheduled controller posts for is
// (SEMANTICS §8.10): it bumps the generation of every scheduled tag on a
// copy of is and builds the import the regular controller's
// handleImageStream would, so every importable tag needing an import
// rides along, and a stream never checked may import all its tags and
// its spec.dockerImageRepository. It returns nil when nothing needs an
// import.
func scheduledImport(is *image.ImageStream) *image.ImageStreamImport {
	next := is.Generation + 1
	cp := *is
	cp.Spec.Tags = slices.Clone(is.Spec.Tags)
	for i := range cp.Spec.Tags {
		if scheduledTag(is, &cp.Spec.Tags[i]) {
			cp.Spec.Tags[i].Generation = &next
		}
	}
	ok, partial := needsImport(&cp)
	if !ok {
		return nil
	}
	isi := &image.ImageStreamImport{
		ObjectMeta: image.ObjectMeta{Namespace: is.Namespace, Name: is.Name, ResourceVersion: is.ResourceVersion, UID: is.UID},
		Spec:       image.ImageStreamImportSpec{Import: true},
	}
	for i := range cp.Spec.Tags {
		t := &cp.Spec.Tags[i]
		if !importable(t) || (partial && !tagNeedsImport(&cp, t, true)) {
			continue
		}
		isi.Spec.Images = append(isi.Spec.Images, image.ImageImportSpec{
			From:            image.ObjectReference{Kind: image.KindDockerImage, Name: t.From.Name},
			To:              &image.LocalObjectReference{Name: t.Name},
			ImportPolicy:    t.ImportPolicy,
			ReferencePolicy: t.ReferencePolicy,
		})
	}
	if !partial && is.Spec.DockerImageRepository != "" {
		isi.Spec.Repository = &image.RepositoryImportSpec{
			From:         image.ObjectReference{Kind: image.KindDockerImage, Name: is.Spec.DockerImageRepository},
			ImportPolicy: image.TagImportPolicy{Insecure: is.Annotations[image.InsecureRepositoryAnnotation] == "true"},
		}
	}
	if len(isi.Spec.Images) == 0 && isi.Spec.Repository == nil {
		return nil
	}
	return isi
}

// tokenBucket is a token-bucket rate limiter that never waits: a
// stream over the limit waits for its next turn instead.
type tokenBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func newTokenBucket(rate, burst float64, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *tokenBucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

func (b *tokenBucket) has(now time.Time) bool {
	b.refill(now)
	return b.tokens >= 1
}

func (b *tokenBucket) take(now time.Time) bool {
	if !b.has(now) {
		return false
	}
	b.tokens--
	return true
}

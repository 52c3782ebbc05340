package importer

import (
	"context"
	"sync"
	"time"
)

// OpenShift's import rate limits (SEMANTICS §8.11, §15).
const (
	// DefaultImportQPS and DefaultImportBurst limit the top-level fetches
	// of one import: each tag or digest asked for, each tag of a
	// repository. OpenShift's flowcontrol.NewTokenBucketRateLimiter(2, 3).
	DefaultImportQPS   = 2.0
	DefaultImportBurst = 3
	// DefaultRepositoryQPS and DefaultRepositoryBurst limit every
	// registry call (manifest, blob, tag list) to one repository within
	// one import. OpenShift's rate.NewLimiter(5, 5).
	DefaultRepositoryQPS   = 5.0
	DefaultRepositoryBurst = 5
)

// RateLimits bound how fast one import calls registries. The zero value
// is OpenShift's limits; a negative QPS turns that limit off. The limits
// belong to one Import call, as in OpenShift, so two imports running at
// once do not slow each other down; with OpenShift's values a 50-tag
// repository import takes at least 24 s whatever the registry's speed.
type RateLimits struct {
	// ImportQPS and ImportBurst limit the tags and digests one import
	// fetches; 0 means DefaultImportQPS and DefaultImportBurst.
	ImportQPS   float64
	ImportBurst int
	// RepositoryQPS and RepositoryBurst limit the registry calls to each
	// repository (mirrors count as their own repository); 0 means
	// DefaultRepositoryQPS and DefaultRepositoryBurst.
	RepositoryQPS   float64
	RepositoryBurst int
}

// Unlimited returns RateLimits with both limits off, for registries the
// caller trusts to take the load (a local mirror, a test registry).
func Unlimited() RateLimits { return RateLimits{ImportQPS: -1, RepositoryQPS: -1} }

func (l RateLimits) withDefaults() RateLimits {
	if l.ImportQPS == 0 {
		l.ImportQPS = DefaultImportQPS
	}
	if l.ImportBurst <= 0 {
		l.ImportBurst = DefaultImportBurst
	}
	if l.RepositoryQPS == 0 {
		l.RepositoryQPS = DefaultRepositoryQPS
	}
	if l.RepositoryBurst <= 0 {
		l.RepositoryBurst = DefaultRepositoryBurst
	}
	return l
}

// Clock is the importer's source of time: rate-limit waits use it, and
// Options.Now defaults to its Now. Tests inject a fake one.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// realClock is the time package.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// limiter is a token bucket whose callers reserve a token and wait until
// it is theirs, like golang.org/x/time/rate's Wait. A nil limiter does
// not limit.
type limiter struct {
	clock Clock
	rate  float64 // tokens per second
	burst float64

	mu     sync.Mutex // guards the fields below
	tokens float64    // negative: reserved by waiting callers
	last   time.Time
}

// newLimiter returns a full bucket, or nil when qps ≤ 0 (no limit).
func newLimiter(clock Clock, qps float64, burst int) *limiter {
	if qps <= 0 {
		return nil
	}
	return &limiter{clock: clock, rate: qps, burst: float64(burst), tokens: float64(burst), last: clock.Now()}
}

// wait takes a token, waiting until one is available or ctx is done;
// a caller that gives up hands its token back.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d := l.reserve()
	if d <= 0 {
		return nil
	}
	select {
	case <-l.clock.After(d):
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.tokens = min(l.tokens+1, l.burst)
		l.mu.Unlock()
		return ctx.Err()
	}
}

// reserve takes a token, possibly one not yet refilled, and returns how
// long until it is.
func (l *limiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}

// repoLimiter returns the limiter of the repository key within the
// session, nil when repository calls are not limited.
func (s *session) repoLimiter(key string) *limiter {
	lim := s.imp.opts.RateLimits
	if lim.RepositoryQPS < 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.repoLimits[key]
	if l == nil {
		l = newLimiter(s.imp.clock, lim.RepositoryQPS, lim.RepositoryBurst)
		s.repoLimits[key] = l
	}
	return l
}

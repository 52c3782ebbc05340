package importer_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/importer"
	"github.com/imagestreams/imagestreams/internal/fakeregistry"
)

// frozenClock is an importer.Clock whose time stands still and whose
// waits end at once; it records every wait asked of it.
type frozenClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *frozenClock) Now() time.Time { return imagetest.Epoch }

func (c *frozenClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- imagetest.Epoch
	return ch
}

// TestRateLimits imports five tags of one repository with OpenShift's
// limits (SEMANTICS §8.11): five fetches at 2 a second after a burst of
// 3, and ten registry calls (a manifest and a config each) at 5 a second
// after a burst of 5. With time frozen, the waits asked are exact
// whatever order the tags run in.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name   string
		limits importer.RateLimits
		want   []time.Duration
	}{
		{name: "OpenShift's", want: []time.Duration{200 * ms, 400 * ms, 500 * ms, 600 * ms, 800 * ms, 1000 * ms, 1000 * ms}},
		{name: "import limit only", limits: importer.RateLimits{RepositoryQPS: -1}, want: []time.Duration{500 * ms, 1000 * ms}},
		{name: "custom", limits: importer.RateLimits{ImportQPS: -1, RepositoryQPS: 10, RepositoryBurst: 8}, want: []time.Duration{100 * ms, 200 * ms}},
		{name: "off", limits: importer.Unlimited()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakeregistry.Auth{})
			var specs []image.ImageImportSpec
			for i := range 5 {
				tag := fmt.Sprintf("v%d", i)
				f.pushImage("ns/app", tag, imagetest.ImageContent("rate-"+tag, imagetest.Options{Layers: 1}))
				specs = append(specs, spec(f.host+"/ns/app:"+tag, tag))
			}
			clock := &frozenClock{}
			imp := f.importer(importer.Options{Clock: clock, RateLimits: tt.limits})
			if tt.limits == (importer.RateLimits{}) {
				// f.importer turns a zero RateLimits off; ask for the
				// defaults explicitly.
				imp = f.importer(importer.Options{Clock: clock, RateLimits: importer.RateLimits{ImportQPS: importer.DefaultImportQPS}})
			}
			for _, st := range run(t, imp, nil, nil, specs...) {
				if st.Status.Status != image.StatusSuccess {
					t.Fatalf("import failed: %+v", st.Status)
				}
			}
			got := slices.Clone(clock.waits)
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

package prune_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/image/imagetest"
	"github.com/imagestreams/imagestreams/internal/golden"
	"github.com/imagestreams/imagestreams/prune"
)

// goldenInput exercises every kind of decision in a few objects.
func goldenInput() (*prune.Snapshot, prune.Options) {
	f := newFx()
	a, b, c := f.image("a", "base", "la"), f.image("b", "base", "lb"), f.image("c", "lc")
	c1, c2 := f.image("arm", "l-arm"), f.image("amd", "l-amd")
	idx := f.list("idx", c1, c2)
	f.image("orphan", "base", "l-orphan")
	young := f.image("young")
	young.CreationTimestamp = image.NewTime(now.Add(-time.Minute))
	f.stream("shop", "web",
		tag{name: "latest", history: []*image.Image{a, b, c, f.missing("gone")}},
		tag{name: "multi", history: []*image.Image{idx}})
	f.stream("shop", "api", tag{name: "v1", history: []*image.Image{b}})
	f.ref("image-registry.svc:5000/shop/web@" + c.Name)
	f.ref("image-registry.svc:5000/shop/api:v1")
	f.ref("registry.example.com/Shop/bad ")
	return &f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(1)}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

// TestGolden pins the JSON schema of a plan and of a report, and oc's
// summary line (PRUNE.md §6.13).
func TestGolden(t *testing.T) {
	s, opts := goldenInput()
	w := newWorld(s) // gives the streams their resource versions
	d, err := prune.Plan(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "plan.golden.json", append(plan, '\n'))

	var back prune.Decisions
	if err := json.Unmarshal(plan, &back); err != nil {
		t.Fatalf("plan JSON does not decode: %v", err)
	}
	again, _ := json.MarshalIndent(&back, "", "  ")
	if !bytes.Equal(plan, again) {
		t.Error("plan JSON does not survive a decode and re-encode")
	}

	rep, err := prune.Execute(context.Background(), &back, w.targets(), prune.ExecuteOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(rep, "", "  ")
	checkGolden(t, "report.golden.json", append(out, '\n'))
	checkGolden(t, "summary.golden.txt", []byte(rep.Summary()+"\n"))
}

// TestPlanDeterministic plans one snapshot repeatedly with 1 and 4
// workers; every JSON plan must be identical (PRUNE.md §6.1).
func TestPlanDeterministic(t *testing.T) {
	rs := imagetest.RandomSnapshot(42, imagetest.SnapshotOptions{Images: 600, Streams: 300})
	s := &prune.Snapshot{Images: rs.Images, Streams: rs.Streams}
	opts := prune.Options{Now: imagetest.Epoch, KeepTagRevisions: ptr(1)}
	var first []byte
	runs := 10
	if testing.Short() {
		runs = 2
	}
	for i := range runs {
		prev := runtime.GOMAXPROCS([]int{1, 4}[i%2])
		d, err := prune.Plan(s, opts)
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("run %d produced a different plan", i)
		}
	}
}

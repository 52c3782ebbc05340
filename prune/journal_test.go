package prune_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestExecuteJournal is the chaos test of PRUNE.md §6.7 with a journal:
// each run fails or is cancelled at every call in turn, then a new
// process (a journal opened again) resumes it. The resumed run reaches
// the end state of a clean run, loses nothing in use, and sends no
// deletion the journal recorded; the report counts those it skipped.
func TestExecuteJournal(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 2
	}
	dir := t.TempDir()
	for seed := range uint64(seeds) {
		fc := newFaultCase(t, seed+1000)
		for k := 1; k <= fc.calls; k++ {
			for _, mode := range []string{"fail", "cancel"} {
				name := fmt.Sprintf("seed %d %s at %d", seed, mode, k)
				path := filepath.Join(dir, fmt.Sprintf("%d-%s-%d", seed, mode, k))
				w, ctx, cancel := fc.world(mode, k)
				j := openJournal(t, path)
				_, err := prune.Execute(ctx, fc.d, w.targets(), prune.ExecuteOptions{Workers: 2, Journal: j})
				cancel()
				if err := fc.checkStopped(w, mode, err); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := j.Close(); err != nil {
					t.Fatal(err)
				}

				j = openJournal(t, path)
				recorded := journaledOps(t, j, w.sent)
				w.failAt, w.cancelAt, w.sent = 0, 0, nil
				rep, err := prune.Execute(context.Background(), fc.d, w.targets(), prune.ExecuteOptions{Workers: 2, Journal: j})
				if err != nil {
					t.Fatalf("%s: resumed run: %v", name, err)
				}
				j.Close()
				if diff := cmp.Diff(fc.want, w.state()); diff != "" {
					t.Fatalf("%s: resumed end state (-clean +resumed):\n%s", name, diff)
				}
				if err := checkResumed(rep, recorded, w.sent); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
}

// journaledOps returns the deletions sent whose records j, just opened,
// holds, and checks it holds no other.
func journaledOps(t *testing.T, j *prune.FileJournal, sent map[string]int) map[string]bool {
	t.Helper()
	ops := map[string]bool{}
	for op := range sent {
		phase, target, _ := strings.Cut(op, " ")
		if j.Done(prune.Phase(phase), target) {
			ops[op] = true
		}
	}
	if len(ops) != j.Len() {
		t.Fatalf("the journal holds %d records, %d of them deletions sent", j.Len(), len(ops))
	}
	return ops
}

// checkResumed checks a resumed run's report and the calls it sent
// against the records of the journal it resumed from.
func checkResumed(rep *prune.Report, recorded map[string]bool, sent map[string]int) error {
	for op := range sent {
		if recorded[op] {
			return fmt.Errorf("the resumed run sent %s again", op)
		}
	}
	jd := rep.Journaled
	if jd == nil {
		return errors.New("report without Journaled")
	}
	if n := jd.DeletedLayerLinks + jd.DeletedManifestLinks + jd.DeletedBlobs + jd.DeletedImages; n != len(recorded) {
		return fmt.Errorf("report counts %d journaled deletions, the journal held %d", n, len(recorded))
	}
	return nil
}

func openJournal(t testing.TB, path string) *prune.FileJournal {
	t.Helper()
	j, err := prune.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestExecuteJournalPlan: a journal resumes the plan it began with, also
// decoded from its saved JSON, and refuses another before changing
// anything.
func TestExecuteJournalPlan(t *testing.T) {
	s, opts := randomCase(1003)
	opts.SkipRegistry = false
	// Times with fractions of a second, which the plan's JSON drops.
	for _, is := range s.Streams {
		for _, tag := range is.Status.Tags {
			for i := range tag.Items {
				tag.Items[i].Created = image.Time{Time: tag.Items[i].Created.Add(time.Second / 2)}
			}
		}
	}
	d, err := prune.Plan(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stats.DeletedBlobs == 0 {
		t.Fatal("the case deletes no blob")
	}
	path := filepath.Join(t.TempDir(), "journal")
	w := newWorld(s)
	w.failAt = 3
	j := openJournal(t, path)
	if _, err := prune.Execute(context.Background(), d, w.targets(), prune.ExecuteOptions{Workers: 1, Journal: j}); !errors.Is(err, prune.ErrIncomplete) {
		t.Fatalf("Execute failing at call 3 = %v, want ErrIncomplete", err)
	}
	j.Close()

	// Another plan: nothing is sent.
	opts.Now = opts.Now.Add(time.Minute)
	other, err := prune.Plan(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	j = openJournal(t, path)
	w.failAt, w.calls, w.sent = 0, 0, nil
	rep, err := prune.Execute(context.Background(), other, w.targets(), prune.ExecuteOptions{Journal: j})
	if !errors.Is(err, prune.ErrJournalMismatch) || rep != nil {
		t.Fatalf("Execute of another plan = %v, %v; want ErrJournalMismatch and no report", rep, err)
	}
	if w.calls != 0 || len(w.sent) != 0 {
		t.Fatalf("Execute of another plan made %d calls", w.calls)
	}

	// The plan saved as JSON and decoded is the same plan.
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back prune.Decisions
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	rep, err = prune.Execute(context.Background(), &back, w.targets(), prune.ExecuteOptions{Journal: j})
	if err != nil {
		t.Fatalf("Execute of the decoded plan: %v", err)
	}
	if rep.Journaled == nil || *rep.Journaled == (prune.Stats{}) {
		t.Fatalf("Execute of the decoded plan skipped nothing: %+v", rep.Journaled)
	}
	j.Close()
}

// TestFileJournal covers the file: records survive reopening, a record a
// crash cut short is dropped and the next one lands on its own line, and
// any target round-trips.
func TestFileJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	j := openJournal(t, path)
	if err := j.Record(prune.PhaseBlobs, "sha256:1"); err == nil {
		t.Fatal("Record before Begin succeeded")
	}
	const plan = "sha256:aa"
	odd := "ns/a b@\"quoted\"\n\x00"
	for _, step := range []error{
		j.Begin(plan),
		j.Begin(plan), // again, as a second Execute with the same journal does
		j.Record(prune.PhaseBlobs, "sha256:1"),
		j.Record(prune.PhaseLayerLinks, odd),
		j.Close(),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`images "sha256:torn`)
	f.Close()

	j = openJournal(t, path)
	if err := j.Begin(plan); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(prune.PhaseImages, "sha256:2"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	wantFile := "imagestreams prune journal v1 sha256:aa\n" +
		"blobs \"sha256:1\"\n" +
		"layer-links " + strconv.Quote(odd) + "\n" +
		"images \"sha256:2\"\n"
	if data, _ := os.ReadFile(path); string(data) != wantFile {
		t.Errorf("journal file (-want +got):\n%s", cmp.Diff(wantFile, string(data)))
	}
	j = openJournal(t, path)
	defer j.Close()
	tests := []struct {
		phase  prune.Phase
		target string
		want   bool
	}{
		{prune.PhaseBlobs, "sha256:1", true},
		{prune.PhaseLayerLinks, odd, true},
		{prune.PhaseManifestLinks, odd, false}, // the phase is part of the record
		{prune.PhaseImages, "sha256:torn", false},
		{prune.PhaseImages, "sha256:2", true},
	}
	for _, tt := range tests {
		if got := j.Done(tt.phase, tt.target); got != tt.want {
			t.Errorf("Done(%s, %q) = %t, want %t", tt.phase, tt.target, got, tt.want)
		}
	}
	if j.Len() != 3 {
		t.Errorf("Len = %d, want 3", j.Len())
	}
	if err := j.Begin("sha256:bb"); !errors.Is(err, prune.ErrJournalMismatch) {
		t.Errorf("Begin with another plan = %v, want ErrJournalMismatch", err)
	}
}

// TestOpenJournalCorrupt: a file that is not a journal is refused, not
// overwritten, and not truncated either.
func TestOpenJournalCorrupt(t *testing.T) {
	const header = "imagestreams prune journal v1 sha256:aa\n"
	tests := []struct{ name, content string }{
		{"not a journal", "hello\n"},
		{"header without fingerprint", "imagestreams prune journal v1 aa\n"},
		{"unknown phase", header + "streams \"ns/s\"\n"},
		{"unquoted target", header + "blobs sha256:1\n"},
		{"no target", header + "blobs\n"},
		// A last line without its newline is dropped as a torn record
		// only once the rest of the file reads as a journal.
		{"text without a newline", "hello"},
		{"one torn line that is no header", "imagestreams prune journal v2"},
		{"torn header with a bad digest", "imagestreams prune journal v1 sha256:xyz"},
		{"corrupt line before a torn record", header + "hello\nblobs \"sha256:1"},
		{"last line no record", header + "blobs \"sha256:1\"\nhello"},
		{"last line with an unknown phase", header + "streams \"ns/s"},
		{"last line with an unquoted target", header + "blobs sha256:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := prune.OpenJournal(path); !errors.Is(err, prune.ErrJournalCorrupt) {
				t.Errorf("OpenJournal = %v, want ErrJournalCorrupt", err)
			}
			if data, _ := os.ReadFile(path); string(data) != tt.content {
				t.Errorf("the file changed to %q", data)
			}
		})
	}
}

// TestExecuteSweepJournal: a sweep resumed with its journal sends only
// what the failed run did not delete.
func TestExecuteSweepJournal(t *testing.T) {
	f := newFx()
	a := f.image("a", "la")
	f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
	w := newWorld(&f.snap)
	for _, o := range []string{"o1", "o2", "o3"} {
		w.links["gone/repo@"+dg(o)], w.blobs[dg(o)] = true, true
	}
	sw, err := prune.PlanSweep(&f.snap, storageOf(w, old), prune.SweepOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal")
	j := openJournal(t, path)
	w.failAt = 2
	if _, err := prune.ExecuteSweep(context.Background(), sw, w, prune.ExecuteOptions{Workers: 1, Journal: j}); !errors.Is(err, prune.ErrIncomplete) {
		t.Fatalf("ExecuteSweep failing at call 2 = %v, want ErrIncomplete", err)
	}
	j.Close()
	j = openJournal(t, path)
	defer j.Close()
	recorded := journaledOps(t, j, w.sent)
	if len(recorded) == 0 {
		t.Fatal("the failed sweep recorded nothing")
	}
	w.failAt, w.sent = 0, nil
	rep, err := prune.ExecuteSweep(context.Background(), sw, w, prune.ExecuteOptions{Workers: 1, Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkResumed(rep, recorded, w.sent); err != nil {
		t.Error(err)
	}
	if got := w.state(); len(got.Blobs) != len(blobsOf(a)) || len(got.Links) != len(blobsOf(a)) {
		t.Errorf("after the resumed sweep: %d links and %d blobs, want %d of each", len(got.Links), len(got.Blobs), len(blobsOf(a)))
	}
}

// BenchmarkFileJournal times what a journal adds to each deletion: one
// record, a write to the file.
func BenchmarkFileJournal(b *testing.B) {
	j := openJournal(b, filepath.Join(b.TempDir(), "journal"))
	defer j.Close()
	if err := j.Begin("sha256:aa"); err != nil {
		b.Fatal(err)
	}
	target := "ns/stream@" + dg("layer")
	b.ReportAllocs()
	for b.Loop() {
		if err := j.Record(prune.PhaseLayerLinks, target); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOpenJournalTorn: a crash while the first line or a record was
// being written leaves a line without its newline; it is dropped.
func TestOpenJournalTorn(t *testing.T) {
	const header = "imagestreams prune journal v1 sha256:aa\n"
	tests := []struct {
		name, content, want string
		records             int
	}{
		{"empty", "", "", 0},
		{"torn header", "imagestreams prune", "", 0},
		{"torn header digest", "imagestreams prune journal v1 sha256:a", "", 0},
		{"torn phase", header + "blo", header, 0},
		{"torn before the target", header + "blobs ", header, 0},
		{"torn target", header + "blobs \"sha256:1\"\nimages \"sha", header + "blobs \"sha256:1\"\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			j := openJournal(t, path)
			if j.Len() != tt.records {
				t.Errorf("Len = %d, want %d", j.Len(), tt.records)
			}
			j.Close()
			if data, _ := os.ReadFile(path); string(data) != tt.want {
				t.Errorf("file after opening (-want +got):\n%s", cmp.Diff(tt.want, string(data)))
			}
		})
	}
}

// FuzzOpenJournal: OpenJournal either refuses a file, leaving it as it
// was, or accepts it and drops at most a last line without a newline;
// a journal it accepts takes new records and reads them back.
func FuzzOpenJournal(f *testing.F) {
	f.Add([]byte("imagestreams prune journal v1 sha256:aa\nblobs \"sha256:1\"\nimages \"sha"))
	f.Add([]byte("imagestreams prune journal v1 sha256:aa\nlayer-links \"ns/a\\x00\"\n"))
	f.Add([]byte("imagestreams prune journal v1 sha256:aa\nstreams \"ns/s\"\n"))
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "journal")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := prune.OpenJournal(path)
		after, _ := os.ReadFile(path)
		if err != nil {
			if !errors.Is(err, prune.ErrJournalCorrupt) {
				t.Fatalf("OpenJournal = %v, want ErrJournalCorrupt", err)
			}
			if string(after) != string(data) {
				t.Fatalf("a refused file changed from %q to %q", data, after)
			}
			return
		}
		defer j.Close()
		dropped, ok := strings.CutPrefix(string(data), string(after))
		if !ok || strings.Contains(dropped, "\n") {
			t.Fatalf("an accepted file changed from %q to %q", data, after)
		}
		plan := "sha256:ff"
		if header, _, ok := strings.Cut(string(after), "\n"); ok {
			plan = strings.TrimPrefix(header, "imagestreams prune journal v1 ")
		}
		if err := j.Begin(plan); err != nil {
			t.Fatalf("Begin(%q): %v", plan, err)
		}
		if err := j.Record(prune.PhaseBlobs, "sha256:fuzz\n"); err != nil {
			t.Fatal(err)
		}
		j.Close()
		again := openJournal(t, path)
		defer again.Close()
		if !again.Done(prune.PhaseBlobs, "sha256:fuzz\n") {
			t.Fatal("a record written after opening is not read back")
		}
	})
}

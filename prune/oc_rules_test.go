package prune_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
	"github.com/imagestreams/imagestreams/prune"
	"github.com/imagestreams/imagestreams/storage"
)

// ocrOldStamp is old as a creationTimestamp in JSON: outside the default
// keep-younger-than window of Options{Now: now}.
var ocrOldStamp = old.Format(time.RFC3339)

// ocrPlanRefs plans f's snapshot with the given references added and
// keep-tag-revisions 0, so that only a reference can keep an event.
func ocrPlanRefs(t *testing.T, f *fx, refs []prune.Reference) (*prune.Decisions, outcome) {
	t.Helper()
	f.snap.References = append(f.snap.References, refs...)
	d, err := prune.Plan(&f.snap, prune.Options{Now: now, KeepTagRevisions: ptr(0)})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return d, f.outcome(d)
}

// TestOCRule_1_2_PendingPodsAreActive covers PRUNE.md §1.2: a pod is
// ignored when its phase is neither Running nor Pending and it is older
// than keep-younger-than; a Pending pod protects like a Running one.
func TestOCRule_1_2_PendingPodsAreActive(t *testing.T) {
	tests := []struct {
		phase      string
		byDigest   bool
		wantActive bool
		wantEvent  string
	}{
		{phase: "Running", wantActive: true, wantEvent: "keep tag-referenced"},
		{phase: "Pending", wantActive: true, wantEvent: "keep tag-referenced"},
		{phase: "Running", byDigest: true, wantActive: true, wantEvent: "keep digest-referenced"},
		{phase: "Pending", byDigest: true, wantActive: true, wantEvent: "keep digest-referenced"},
		{phase: "Succeeded", wantEvent: "delete unused"},
		{phase: "Failed", wantEvent: "delete unused"},
		{phase: "Unknown", wantEvent: "delete unused"},
		{phase: "", wantEvent: "delete unused"},
		{phase: "Failed", byDigest: true, wantEvent: "delete unused"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("phase %q by digest %v", tt.phase, tt.byDigest)
		t.Run(name, func(t *testing.T) {
			f := newFx()
			a := f.image("a")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			spec := "image-registry.svc:5000/ns/s:t"
			if tt.byDigest {
				spec = "image-registry.svc:5000/ns/s@" + a.Name
			}
			data := fmt.Sprintf(`{"kind":"Pod","metadata":{"namespace":"app","name":"p","creationTimestamp":%q},
				"spec":{"containers":[{"name":"c","image":%q}]},"status":{"phase":%q}}`, ocrOldStamp, spec, tt.phase)
			refs, err := prune.DecodeWorkloads([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			want := []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "p"}, FieldPath: "spec.containers[0].image", Spec: spec, Inactive: !tt.wantActive, Created: old}}
			if diff := cmp.Diff(want, refs); diff != "" {
				t.Errorf("DecodeWorkloads (-want +got):\n%s", diff)
			}
			_, got := ocrPlanRefs(t, f, refs)
			if ev := got.Events["ns/s:t#0"]; ev != tt.wantEvent {
				t.Errorf("event ns/s:t#0 = %q, want %q", ev, tt.wantEvent)
			}
		})
	}
}

// TestOCRule_1_2_EphemeralContainersAreIgnored covers PRUNE.md §1.2:
// only initContainers and containers of a pod spec are read.
func TestOCRule_1_2_EphemeralContainersAreIgnored(t *testing.T) {
	owner := prune.Owner{Kind: "Pod", Namespace: "app", Name: "p"}
	tests := []struct {
		name       string
		spec       string // the pod's spec
		wantRefs   []prune.Reference
		wantEvents map[string]string
	}{
		{
			name:       "only an ephemeral container names the tag",
			spec:       `{"containers":[{"name":"c","image":"r.io/ns/other:1"}],"ephemeralContainers":[{"name":"debug","image":"r.io/ns/s:t"}]}`,
			wantRefs:   []prune.Reference{{Owner: owner, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/other:1", Created: old}},
			wantEvents: map[string]string{"ns/s:t#0": "delete unused", "ns/s:u#0": "delete unused"},
		},
		{
			name: "ephemeral containers beside init and regular ones",
			spec: `{"initContainers":[{"name":"i","image":"r.io/ns/s:u"}],"containers":[{"name":"c","image":"r.io/ns/other:1"}],
				"ephemeralContainers":[{"name":"d1","image":"r.io/ns/s:t"},{"name":"d2","image":"r.io/ns/s@` + dg("a") + `"}]}`,
			wantRefs: []prune.Reference{
				{Owner: owner, FieldPath: "spec.initContainers[0].image", Spec: "r.io/ns/s:u", Created: old},
				{Owner: owner, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/other:1", Created: old},
			},
			wantEvents: map[string]string{"ns/s:t#0": "delete unused", "ns/s:u#0": "keep tag-referenced"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			a, b := f.image("a"), f.image("b")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}}, tag{name: "u", history: []*image.Image{b}})
			data := fmt.Sprintf(`{"kind":"Pod","metadata":{"namespace":"app","name":"p","creationTimestamp":%q},"spec":%s,"status":{"phase":"Running"}}`, ocrOldStamp, tt.spec)
			refs, err := prune.DecodeWorkloads([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("DecodeWorkloads (-want +got):\n%s", diff)
			}
			_, got := ocrPlanRefs(t, f, refs)
			if diff := cmp.Diff(tt.wantEvents, subset(got.Events, tt.wantEvents)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOCRule_1_2_DecodeWorkloadsReadsOCKinds covers PRUNE.md §1.2: the
// pod templates of the controllers oc lists are read, init containers
// first, blank images skipped, every controller active whatever its
// status; kinds oc does not list give nothing.
func TestOCRule_1_2_DecodeWorkloadsReadsOCKinds(t *testing.T) {
	podFields := `"initContainers":[{"name":"i","image":"r.io/ns/init:1"}],"containers":[{"name":"blank","image":" "},{"name":"c","image":"r.io/ns/app@` + dg("app") + `"}]`
	podSpec := "{" + podFields + "}"
	// everywhere holds a pod spec wherever DecodeWorkloads looks for one,
	// so that a kind it must not read would show.
	everywhere := `{` + podFields + `,"template":{"spec":` + podSpec + `},"jobTemplate":{"spec":{"template":{"spec":` + podSpec + `}}}}`
	refs := func(kind, prefix string) []prune.Reference {
		o := prune.Owner{Kind: kind, Namespace: "ns", Name: "w"}
		return []prune.Reference{
			{Owner: o, FieldPath: prefix + ".initContainers[0].image", Spec: "r.io/ns/init:1", Created: old},
			{Owner: o, FieldPath: prefix + ".containers[1].image", Spec: "r.io/ns/app@" + dg("app"), Created: old},
		}
	}
	tests := []struct {
		kind string
		spec string // the object's spec
		want []prune.Reference
	}{
		{kind: "ReplicationController", spec: `{"replicas":0,"template":{"spec":` + podSpec + `}}`, want: refs("ReplicationController", "spec.template.spec")},
		{kind: "ReplicaSet", spec: `{"replicas":0,"template":{"spec":` + podSpec + `}}`, want: refs("ReplicaSet", "spec.template.spec")},
		{kind: "Deployment", spec: `{"template":{"spec":` + podSpec + `}}`, want: refs("Deployment", "spec.template.spec")},
		{kind: "DeploymentConfig", spec: `{"template":{"spec":` + podSpec + `}}`, want: refs("DeploymentConfig", "spec.template.spec")},
		{kind: "DaemonSet", spec: `{"template":{"spec":` + podSpec + `}}`, want: refs("DaemonSet", "spec.template.spec")},
		{kind: "StatefulSet", spec: `{"serviceName":"x","template":{"spec":` + podSpec + `}}`, want: refs("StatefulSet", "spec.template.spec")},
		{kind: "Job", spec: `{"completions":1,"template":{"spec":` + podSpec + `}}`, want: refs("Job", "spec.template.spec")},
		{kind: "CronJob", spec: `{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":` + podSpec + `}}}}`, want: refs("CronJob", "spec.jobTemplate.spec.template.spec")},
		{kind: "PodTemplate", spec: everywhere},    // oc lists no PodTemplates
		{kind: "Template", spec: everywhere},       // nor Templates (§1.1)
		{kind: "ImageStreamTag", spec: everywhere}, // nor anything else
		{kind: "HorizontalPodAutoscaler", spec: everywhere},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			// Finished controllers (a completed Job, a scaled-down RC)
			// still count: only pods have a phase that matters.
			data := fmt.Sprintf(`{"kind":%q,"metadata":{"namespace":"ns","name":"w","creationTimestamp":%q},"spec":%s,"status":{"phase":"Succeeded","succeeded":1}}`, tt.kind, ocrOldStamp, tt.spec)
			got, err := prune.DecodeWorkloads([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeWorkloads (-want +got):\n%s", diff)
			}
			// The same object inside a List gives the same references.
			got, err = prune.DecodeWorkloads([]byte(`{"kind":"List","items":[` + data + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeWorkloads of a List (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOCRule_1_2_BuildInputsOfOtherKindsAreIgnored covers PRUNE.md §1.2:
// a Build's or BuildConfig's input counts only when its kind is
// DockerImage, ImageStreamImage or ImageStreamTag (compared exactly);
// other kinds are ignored, neither protecting nor reported as invalid.
func TestOCRule_1_2_BuildInputsOfOtherKindsAreIgnored(t *testing.T) {
	digestA := dg("a")
	tests := []struct {
		name      string
		owner     string // Build or BuildConfig
		strategy  string // sourceStrategy, dockerStrategy or customStrategy
		from      string // the strategy's from, as JSON
		wantEvent string
		noRef     bool // DecodeWorkloads gives no reference at all
	}{
		{name: "ImageStreamTag counts", owner: "BuildConfig", strategy: "sourceStrategy", from: `{"kind":"ImageStreamTag","name":"s:t"}`, wantEvent: "keep tag-referenced"},
		{name: "ImageStreamImage counts", owner: "Build", strategy: "dockerStrategy", from: `{"kind":"ImageStreamImage","namespace":"ns","name":"s@` + digestA + `"}`, wantEvent: "keep digest-referenced"},
		{name: "DockerImage counts", owner: "Build", strategy: "customStrategy", from: `{"kind":"DockerImage","name":"r.io/ns/s:t"}`, wantEvent: "keep tag-referenced"},
		{name: "ImageStream is ignored", owner: "BuildConfig", strategy: "sourceStrategy", from: `{"kind":"ImageStream","name":"s:t"}`, wantEvent: "delete unused"},
		{name: "Image is ignored", owner: "Build", strategy: "dockerStrategy", from: `{"kind":"Image","name":"r.io/ns/s@` + digestA + `"}`, wantEvent: "delete unused"},
		{name: "DockerImageReference is ignored", owner: "Build", strategy: "customStrategy", from: `{"kind":"DockerImageReference","name":"r.io/ns/s:t"}`, wantEvent: "delete unused"},
		{name: "kind is case-sensitive: imagestreamtag is ignored", owner: "BuildConfig", strategy: "dockerStrategy", from: `{"kind":"imagestreamtag","name":"s:t"}`, wantEvent: "delete unused"},
		{name: "kind is case-sensitive: dockerimage is ignored", owner: "BuildConfig", strategy: "sourceStrategy", from: `{"kind":"dockerimage","name":"r.io/ns/s:t"}`, wantEvent: "delete unused"},
		// oc switches on the kind, so an empty one is ignored too.
		{name: "an empty kind is ignored", owner: "BuildConfig", strategy: "dockerStrategy", from: `{"name":"r.io/ns/s:t"}`, wantEvent: "delete unused", noRef: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			a := f.image("a")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			data := fmt.Sprintf(`{"kind":%q,"metadata":{"namespace":"ns","name":"b","creationTimestamp":%q},"spec":{"strategy":{%q:{"from":%s}}}}`, tt.owner, ocrOldStamp, tt.strategy, tt.from)
			refs, err := prune.DecodeWorkloads([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if tt.noRef {
				if len(refs) != 0 {
					t.Fatalf("DecodeWorkloads = %+v, want none", refs)
				}
			} else if len(refs) != 1 || refs[0].Owner.Kind != tt.owner || refs[0].FieldPath != "spec.strategy."+tt.strategy+".from" {
				t.Fatalf("DecodeWorkloads = %+v, want one reference from %s at spec.strategy.%s.from", refs, tt.owner, tt.strategy)
			}
			d, got := ocrPlanRefs(t, f, refs)
			if ev := got.Events["ns/s:t#0"]; ev != tt.wantEvent {
				t.Errorf("event ns/s:t#0 = %q, want %q", ev, tt.wantEvent)
			}
			if len(d.InvalidReferences) != 0 {
				t.Errorf("invalid references = %+v, want none", d.InvalidReferences)
			}
		})
	}
}

// TestOCRule_1_3_DuplicateHistoryImageCountsTwice covers PRUNE.md §1.3
// step 2: an image listed twice in one tag's history counts twice in the
// repository's link counts, so its links go only when both events go.
func TestOCRule_1_3_DuplicateHistoryImageCountsTwice(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name: "history a b a, one a deleted: a's links stay",
			build: func(f *fx) {
				a, b := f.image("a", "la"), f.image("b", "lb")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, a}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep within-revisions", "ns/s:t#1": "delete unused", "ns/s:t#2": "delete unused"},
			wantImages:     map[string]string{"a": "keep tagged", "b": "delete unused"},
			wantLayerLinks: []string{"ns/s@b-config", "ns/s@lb"}, wantManifestLinks: []string{"ns/s@b"},
			wantBlobs: []string{"b", "b-config", "lb"},
		},
		{
			name: "history a a, the newer kept by a tag reference: a's links stay",
			build: func(f *fx) {
				a := f.image("a", "la")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, a}})
				f.ref("r.io/ns/s:t")
			},
			opts:       func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents: map[string]string{"ns/s:t#0": "keep tag-referenced", "ns/s:t#1": "delete unused"},
			wantImages: map[string]string{"a": "keep tagged"},
		},
		{
			name: "history b a a, both a deleted: a's links go",
			build: func(f *fx) {
				a, b := f.image("a", "la"), f.image("b", "lb")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{b, a, a}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(1) },
			wantEvents:     map[string]string{"ns/s:t#0": "keep within-revisions", "ns/s:t#1": "delete unused", "ns/s:t#2": "delete unused"},
			wantImages:     map[string]string{"a": "delete unused", "b": "keep tagged"},
			wantLayerLinks: []string{"ns/s@a-config", "ns/s@la"}, wantManifestLinks: []string{"ns/s@a"},
			wantBlobs: []string{"a", "a-config", "la"},
		},
		{
			name: "history a b a, every event deleted: each link released once",
			build: func(f *fx) {
				a, b := f.image("a", "shared"), f.image("b", "shared")
				f.stream("ns", "s", tag{name: "t", history: []*image.Image{a, b, a}})
			},
			opts:           func(o *prune.Options) { o.KeepTagRevisions = ptr(0) },
			wantEvents:     map[string]string{"ns/s:t#0": "delete unused", "ns/s:t#1": "delete unused", "ns/s:t#2": "delete unused"},
			wantImages:     map[string]string{"a": "delete unused", "b": "delete unused"},
			wantLayerLinks: []string{"ns/s@a-config", "ns/s@b-config", "ns/s@shared"}, wantManifestLinks: []string{"ns/s@a", "ns/s@b"},
			wantBlobs: []string{"a", "a-config", "b", "b-config", "shared"}, wantRemoved: []string{"ns/s:t"},
		},
	})
}

// TestOCRule_1_4_ImageDelete404IsSuccess covers PRUNE.md §1.4: "A 404
// on the image is fine" (oc 4b4ae5c): Execute reports no failure when
// the Image object is already gone; other errors still fail.
func TestOCRule_1_4_ImageDelete404IsSuccess(t *testing.T) {
	status := func(code int32, reason image.StatusReason, msg string) error {
		return &imagestream.StatusError{ErrStatus: image.Status{Status: image.StatusFailure, Code: code, Reason: reason, Message: msg}}
	}
	tests := []struct {
		name         string
		err          error // what DeleteImage returns
		wantErr      error // nil, or what errors.Is must match
		wantFailures []prune.Failure
	}{
		{name: "404 status", err: status(404, image.StatusReasonNotFound, `images.image.openshift.io "x" not found`)},
		{name: "wrapped storage.ErrNotFound", err: fmt.Errorf("image x: %w", storage.ErrNotFound)},
		{name: "nil", err: nil},
		{
			name: "500 status is a failure", err: status(500, image.StatusReasonUnknown, "etcdserver: request timed out"),
			wantErr: prune.ErrIncomplete, wantFailures: []prune.Failure{{Phase: prune.PhaseImages, Error: "etcdserver: request timed out"}},
		},
		{
			name: "403 status is a failure", err: status(403, image.StatusReasonForbidden, "forbidden"),
			wantErr: prune.ErrIncomplete, wantFailures: []prune.Failure{{Phase: prune.PhaseImages, Error: "forbidden"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			a := f.image("a", "la")
			w := newWorld(&f.snap)
			d, err := prune.Plan(&f.snap, prune.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var calls []string
			tg := w.targets()
			tg.Images = prune.ImageDeleterFunc(func(_ context.Context, name string) error {
				calls = append(calls, name)
				return tt.err
			})
			rep, err := prune.Execute(context.Background(), d, tg, prune.ExecuteOptions{Workers: 1})
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Execute error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff([]string{a.Name}, calls); diff != "" {
				t.Errorf("DeleteImage calls (-want +got):\n%s", diff)
			}
			for i := range tt.wantFailures {
				tt.wantFailures[i].Target = a.Name
			}
			if diff := cmp.Diff(tt.wantFailures, rep.Failures); diff != "" {
				t.Errorf("failures (-want +got):\n%s", diff)
			}
		})
	}
}

// ocrGate counts the calls in flight. Calls wait until want of them are
// in flight at once, then a little longer so that any call beyond want
// can show up, then all proceed; if want is never reached they proceed
// after a timeout, and max tells how many there were.
type ocrGate struct {
	want    int
	mu      sync.Mutex
	in, max int
	open    chan struct{}
	once    sync.Once
}

func ocrNewGate(want int) *ocrGate {
	g := &ocrGate{want: want, open: make(chan struct{})}
	time.AfterFunc(5*time.Second, g.release)
	return g
}

func (g *ocrGate) release() { g.once.Do(func() { close(g.open) }) }

func (g *ocrGate) pass() {
	g.mu.Lock()
	g.in++
	g.max = max(g.max, g.in)
	if g.in == g.want {
		time.AfterFunc(100*time.Millisecond, g.release)
	}
	g.mu.Unlock()
	<-g.open
	g.mu.Lock()
	g.in--
	g.mu.Unlock()
}

// ocrGatedBlobs is a RegistryDeleter whose blob deletions go through a gate.
type ocrGatedBlobs struct {
	prune.RegistryDeleter
	gate *ocrGate
}

func (r ocrGatedBlobs) DeleteBlob(ctx context.Context, d string) error {
	r.gate.pass()
	return r.RegistryDeleter.DeleteBlob(ctx, d)
}

// TestOCRule_2_1_NumWorkersDefaultsTo5 covers PRUNE.md §2.1 (and §1.1,
// "NumWorkers (<1 ⇒ 5)"): ExecuteOptions.Workers is --num-workers; zero
// or negative means 5 operations in flight.
func TestOCRule_2_1_NumWorkersDefaultsTo5(t *testing.T) {
	if prune.DefaultWorkers != 5 {
		t.Errorf("DefaultWorkers = %d, want 5", prune.DefaultWorkers)
	}
	const n = 12 // more operations than workers
	tests := []struct {
		name    string
		sweep   bool // ExecuteSweep rather than Execute
		workers int
		want    int
	}{
		{name: "Execute zero", workers: 0, want: 5},
		{name: "Execute negative", workers: -3, want: 5},
		{name: "Execute explicit", workers: 3, want: 3},
		{name: "ExecuteSweep zero", sweep: true, workers: 0, want: 5},
		{name: "ExecuteSweep explicit", sweep: true, workers: 7, want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			for i := range n {
				f.image(fmt.Sprint("img", i))
			}
			w := newWorld(&f.snap)
			gate := ocrNewGate(tt.want)
			opts := prune.ExecuteOptions{Workers: tt.workers, NoRecheck: true}
			var err error
			if tt.sweep {
				sw := &prune.Sweep{}
				for _, img := range f.snap.Images {
					sw.Blobs = append(sw.Blobs, prune.Blob{Digest: img.Name, Size: 1})
				}
				_, err = prune.ExecuteSweep(context.Background(), sw, ocrGatedBlobs{w, gate}, opts)
			} else {
				d, perr := prune.Plan(&f.snap, prune.Options{Now: now})
				if perr != nil {
					t.Fatal(perr)
				}
				tg := prune.Targets{Registry: w, Images: prune.ImageDeleterFunc(func(ctx context.Context, name string) error {
					gate.pass()
					return w.DeleteImage(ctx, name)
				})}
				_, err = prune.Execute(context.Background(), d, tg, opts)
			}
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			if gate.max != tt.want {
				t.Errorf("operations in flight at most = %d, want %d", gate.max, tt.want)
			}
		})
	}
}

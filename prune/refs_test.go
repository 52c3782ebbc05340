package prune_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/prune"
)

// TestInvalidReferences covers PRUNE.md §3.3 and §6.12: the inputs of
// openshift/release#885 (image " ") and #11787 (trailing spaces) produce
// a plan, not an error, unless StrictRefs asks for oc's behaviour.
func TestInvalidReferences(t *testing.T) {
	build := func() (*fx, *image.Image) {
		f := newFx()
		a := f.image("a")
		f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
		f.ref(" ")                                 // release#885: blank, skipped
		f.ref("image-registry.svc:5000/ns/s:t   ") // release#11787: trailing spaces
		f.ref("Registry.io/NS/Bad:x")              // cannot be salvaged
		f.snap.References = append(f.snap.References, prune.Reference{
			Owner: prune.Owner{Kind: "BuildConfig", Namespace: "ns", Name: "bc"}, FieldPath: "spec.strategy.dockerStrategy.from",
			Kind: image.KindImageStreamTag, Spec: "no-tag",
		})
		return f, a
	}
	tests := []struct {
		name        string
		opts        prune.Options
		wantErr     bool
		wantEvent   string
		wantInvalid []prune.InvalidReference
	}{
		{
			name:      "default: reported, trailing spaces salvaged and protecting",
			opts:      prune.Options{Now: now, KeepTagRevisions: ptr(0)},
			wantEvent: "keep tag-referenced",
			wantInvalid: []prune.InvalidReference{
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "pod-1"}, FieldPath: "spec.containers[0].image"}, Spec: "image-registry.svc:5000/ns/s:t   ", Error: "invalid image reference: invalid reference format", Salvaged: "image-registry.svc:5000/ns/s:t"},
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "pod-2"}, FieldPath: "spec.containers[0].image"}, Spec: "Registry.io/NS/Bad:x", Error: "invalid image reference: repository name must be lowercase"},
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "BuildConfig", Namespace: "ns", Name: "bc"}, FieldPath: "spec.strategy.dockerStrategy.from"}, Spec: "no-tag", Error: `invalid image reference: expected exactly one : delimiter in the istag "no-tag"`},
			},
		},
		{
			name:      "ignore-invalid-refs drops them, as oc does",
			opts:      prune.Options{Now: now, KeepTagRevisions: ptr(0), IgnoreInvalidRefs: true},
			wantEvent: "delete unused",
			wantInvalid: []prune.InvalidReference{
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "pod-1"}, FieldPath: "spec.containers[0].image"}, Spec: "image-registry.svc:5000/ns/s:t   ", Error: "invalid image reference: invalid reference format"},
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "pod-2"}, FieldPath: "spec.containers[0].image"}, Spec: "Registry.io/NS/Bad:x", Error: "invalid image reference: repository name must be lowercase"},
				{Referrer: prune.Referrer{Owner: prune.Owner{Kind: "BuildConfig", Namespace: "ns", Name: "bc"}, FieldPath: "spec.strategy.dockerStrategy.from"}, Spec: "no-tag", Error: `invalid image reference: expected exactly one : delimiter in the istag "no-tag"`},
			},
		},
		{
			name:    "strict refs fails like oc without --ignore-invalid-refs",
			opts:    prune.Options{Now: now, StrictRefs: true},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := build()
			d, err := prune.Plan(&f.snap, tt.opts)
			if tt.wantErr {
				var re *prune.ReferencesError
				if !errors.As(err, &re) || !errors.Is(err, prune.ErrInvalidReference) || len(re.Invalid) != 3 {
					t.Fatalf("Plan() error = %v, want a *ReferencesError with 3 references", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.outcome(d).Events["ns/s:t#0"]; got != tt.wantEvent {
				t.Errorf("event = %q, want %q", got, tt.wantEvent)
			}
			if diff := cmp.Diff(tt.wantInvalid, d.InvalidReferences); diff != "" {
				t.Errorf("invalid references (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInvalidReferencesSalvage covers PRUNE.md §6.12: "by default, keep
// anything the reference could plausibly name (same namespace/name under
// any host)". An invalid spec whose leading run of pull-spec characters
// parses, the remains of quoting, a list or a command line around it,
// keeps what that run names; it is still reported, IgnoreInvalidRefs
// still drops it and StrictRefs still aborts.
func TestInvalidReferencesSalvage(t *testing.T) {
	dflt := prune.Options{Now: now, KeepTagRevisions: ptr(0)}
	tests := []struct {
		name         string
		spec         string // "@a" stands for image a's digest
		opts         prune.Options
		wantErr      bool
		wantEvent    string
		wantSalvaged string
	}{
		{name: "§6.12: a stray argument after the spec keeps what it names", spec: "r.io/ns/s:t x", opts: dflt, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: a stray quote after the spec keeps what it names", spec: `r.io/ns/s:t"`, opts: dflt, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: quotes around the spec keep what it names", spec: `"r.io/ns/s:t"`, opts: dflt, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: a list separator after the spec keeps what it names", spec: "r.io/ns/s:t,", opts: dflt, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: a statement after the spec keeps what it names", spec: "r.io/ns/s:t;x", opts: dflt, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: a quoted digest keeps its image", spec: `'r.io/ns/s@a',`, opts: dflt, wantEvent: "keep digest-referenced", wantSalvaged: "r.io/ns/s@a"},
		{name: "§6.12: salvaged under OCCompatible too, which never deletes more", spec: `"r.io/ns/s:t"`, opts: prune.Options{Now: now, KeepTagRevisions: ptr(0), OCCompatible: true}, wantEvent: "keep tag-referenced", wantSalvaged: "r.io/ns/s:t"},
		{name: "§6.12: a leading run that does not parse protects nothing", spec: `"Registry.io/NS/s:t"`, opts: dflt, wantEvent: "delete unused"},
		{name: "§6.12: only the leading run is salvaged", spec: "sh r.io/ns/s:t", opts: dflt, wantEvent: "delete unused", wantSalvaged: "sh"},
		{name: "§6.12: ignore-invalid-refs salvages nothing", spec: `"r.io/ns/s:t"`, opts: prune.Options{Now: now, KeepTagRevisions: ptr(0), IgnoreInvalidRefs: true}, wantEvent: "delete unused"},
		{name: "§6.12: strict refs still aborts", spec: `"r.io/ns/s:t"`, opts: prune.Options{Now: now, StrictRefs: true}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFx()
			a := f.image("a", "la")
			f.stream("ns", "s", tag{name: "t", history: []*image.Image{a}})
			spec := strings.ReplaceAll(tt.spec, "@a", "@"+a.Name)
			f.ref(spec)
			d, err := prune.Plan(&f.snap, tt.opts)
			if tt.wantErr {
				var re *prune.ReferencesError
				if !errors.As(err, &re) || len(re.Invalid) != 1 || re.Invalid[0].Spec != spec {
					t.Fatalf("Plan() error = %v, want a *ReferencesError with %q", err, spec)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := f.outcome(d)
			if ev := got.Events["ns/s:t#0"]; ev != tt.wantEvent {
				t.Errorf("event = %q, want %q", ev, tt.wantEvent)
			}
			if img, kept := got.Images["a"], strings.HasPrefix(tt.wantEvent, "keep"); strings.HasPrefix(img, "keep") != kept {
				t.Errorf("image a = %q, want kept %v", img, kept)
			}
			want := []prune.InvalidReference{{
				Referrer: prune.Referrer{Owner: prune.Owner{Kind: "Pod", Namespace: "app", Name: "pod-0"}, FieldPath: "spec.containers[0].image"},
				Spec:     spec, Salvaged: strings.ReplaceAll(tt.wantSalvaged, "@a", "@"+a.Name),
			}}
			if diff := cmp.Diff(want, d.InvalidReferences, cmpopts.IgnoreFields(prune.InvalidReference{}, "Error")); diff != "" {
				t.Errorf("invalid references (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStrictImages(t *testing.T) {
	f := newFx()
	f.image("x").Name = "not-a-digest"
	_, err := prune.Plan(&f.snap, prune.Options{Now: now, StrictImages: true})
	if want := `malformed image "not-a-digest": image name "not-a-digest" is not a digest`; !errors.Is(err, prune.ErrMalformedImage) || err.Error() != want {
		t.Errorf("Plan() error = %v, want ErrMalformedImage: %s", err, want)
	}
	f.image("y").Name = "also-not-a-digest"
	_, err = prune.Plan(&f.snap, prune.Options{Now: now, StrictImages: true})
	if want := `malformed image "also-not-a-digest": image name "also-not-a-digest" is not a digest (and 1 more)`; !errors.Is(err, prune.ErrMalformedImage) || err.Error() != want {
		t.Errorf("Plan() error = %v, want ErrMalformedImage: %s", err, want)
	}
	f.snap.Images = f.snap.Images[:1]
	d, err := prune.Plan(&f.snap, prune.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []prune.InvalidImage{{Name: "not-a-digest", Error: `image name "not-a-digest" is not a digest`}}
	if diff := cmp.Diff(want, d.InvalidImages); diff != "" {
		t.Errorf("invalid images (-want +got):\n%s", diff)
	}
}

func TestWorkloadReferences(t *testing.T) {
	created := old
	tests := []struct {
		name string
		w    prune.Workload
		want []prune.Reference
	}{
		{
			name: "succeeded pod is inactive; blank images skipped",
			w: prune.Workload{Kind: "Pod", Namespace: "ns", Name: "p", Created: created, Phase: "Succeeded",
				Spec: prune.PodSpec{InitContainers: []prune.Container{{Name: "i", Image: "r.io/ns/init:1"}}, Containers: []prune.Container{{Name: "blank", Image: "  "}, {Name: "c", Image: "r.io/ns/app:1"}}}},
			want: []prune.Reference{
				{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.initContainers[0].image", Spec: "r.io/ns/init:1", Inactive: true, Created: created},
				{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.containers[1].image", Spec: "r.io/ns/app:1", Inactive: true, Created: created},
			},
		},
		{
			// oc: any phase but Running or Pending is finished; so is none.
			name: "pod without phase is inactive",
			w:    prune.Workload{Kind: "Pod", Namespace: "ns", Name: "p", Created: created, Spec: prune.PodSpec{Containers: []prune.Container{{Image: "r.io/ns/app:1"}}}},
			want: []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/app:1", Inactive: true, Created: created}},
		},
		{
			name: "pending pod is active",
			w:    prune.Workload{Kind: "Pod", Namespace: "ns", Name: "p", Created: created, Phase: "Pending", Spec: prune.PodSpec{Containers: []prune.Container{{Image: "r.io/ns/app:1"}}}},
			want: []prune.Reference{{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/app:1", Created: created}},
		},
		{
			name: "cronjob template path",
			w:    prune.Workload{Kind: "CronJob", Namespace: "ns", Name: "cj", Spec: prune.PodSpec{Containers: []prune.Container{{Image: "r.io/ns/job"}}}},
			want: []prune.Reference{{Owner: prune.Owner{Kind: "CronJob", Namespace: "ns", Name: "cj"}, FieldPath: "spec.jobTemplate.spec.template.spec.containers[0].image", Spec: "r.io/ns/job"}},
		},
		{
			name: "build config input",
			w:    prune.Workload{Kind: "BuildConfig", Namespace: "ns", Name: "bc", BuildStrategy: "Docker", BuildFrom: &image.ObjectReference{Kind: image.KindImageStreamTag, Name: "base:1"}},
			want: []prune.Reference{{Owner: prune.Owner{Kind: "BuildConfig", Namespace: "ns", Name: "bc"}, FieldPath: "spec.strategy.dockerStrategy.from", Kind: image.KindImageStreamTag, Spec: "base:1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.w.References()); diff != "" {
				t.Errorf("References() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeWorkloads(t *testing.T) {
	data := []byte(`{"kind":"List","items":[
	 {"kind":"Pod","metadata":{"namespace":"ns","name":"p","creationTimestamp":"2025-05-01T00:00:00Z"},"spec":{"containers":[{"name":"c","image":"r.io/ns/a:1"}]},"status":{"phase":"Running"}},
	 {"kind":"Deployment","metadata":{"namespace":"ns","name":"d"},"spec":{"template":{"spec":{"initContainers":[{"name":"i","image":"r.io/ns/b"}]}}}},
	 {"kind":"Build","metadata":{"namespace":"ns","name":"b-1"},"spec":{"strategy":{"type":"Source","sourceStrategy":{"from":{"kind":"ImageStreamImage","namespace":"base","name":"s@sha256:abc"}}}}},
	 {"kind":"ConfigMap","metadata":{"namespace":"ns","name":"cm"}}]}`)
	got, err := prune.DecodeWorkloads(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []prune.Reference{
		{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/a:1", Created: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)},
		{Owner: prune.Owner{Kind: "Deployment", Namespace: "ns", Name: "d"}, FieldPath: "spec.template.spec.initContainers[0].image", Spec: "r.io/ns/b"},
		{Owner: prune.Owner{Kind: "Build", Namespace: "ns", Name: "b-1"}, FieldPath: "spec.strategy.sourceStrategy.from", Kind: image.KindImageStreamImage, Namespace: "base", Spec: "s@sha256:abc"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeWorkloads (-want +got):\n%s", diff)
	}
	if _, err := prune.DecodeWorkloads([]byte(`{`)); err == nil {
		t.Error("DecodeWorkloads of broken JSON succeeded")
	}
}

// TestDecodeWorkloadsErrorPath checks that an error names the item that
// failed after one package prefix, and a type by its name.
func TestDecodeWorkloadsErrorPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[`, "prune: decoding workloads: "},
		{`{"kind":"List","items":[{"kind":"Pod"},{"kind":"List","items":[{"kind":"Pod","spec":1}]}]}`, "prune: items[1]: items[0]: decoding Pod: "},
		{`{"kind":"List","items":{}}`, "prune: decoding List items: "},
		// Each level decodes the rest again: 4,000 levels took seconds.
		{strings.Repeat(`{"kind":"List","items":[`, 4000) + strings.Repeat(`]}`, 4000), "prune: " + strings.Repeat("items[0]: ", 32) + "decoding List: Lists nested more than 32 deep"},
	}
	// 32 Lists deep is within the limit.
	pod := `{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"r.io/ns/a"}]}}`
	deep := strings.Repeat(`{"kind":"List","items":[`, 32) + pod + strings.Repeat(`]}`, 32)
	if refs, err := prune.DecodeWorkloads([]byte(deep)); err != nil || len(refs) != 1 {
		t.Errorf("DecodeWorkloads(32 Lists deep) = %v, %v; want one reference", refs, err)
	}
	for _, tt := range tests {
		_, err := prune.DecodeWorkloads([]byte(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("DecodeWorkloads(%s) = %v, want an error starting %q", tt.in, err, tt.want)
		} else if strings.Contains(err.Error(), "struct {") {
			t.Errorf("DecodeWorkloads(%s) = %v, which spells out an anonymous type", tt.in, err)
		}
	}
}

// TestDecodeWorkloadsTypedLists reads lists as the API server returns
// them (GET /api/v1/pods): a typed list whose items name no kind. Read as
// kindless objects, they would be skipped, and the images their pods run
// pruned.
func TestDecodeWorkloadsTypedLists(t *testing.T) {
	pod := func(kind string) string {
		return `{` + kind + `"metadata":{"namespace":"ns","name":"p"},"spec":{"containers":[{"name":"c","image":"r.io/ns/a:1"}]},"status":{"phase":"Running"}}`
	}
	podRef := prune.Reference{Owner: prune.Owner{Kind: "Pod", Namespace: "ns", Name: "p"}, FieldPath: "spec.containers[0].image", Spec: "r.io/ns/a:1"}
	tests := []decodeCase{
		{name: "PodList items take the list's kind", data: `{"apiVersion":"v1","kind":"PodList","items":[` + pod("") + `]}`, want: []prune.Reference{podRef}},
		{
			name: "DeploymentList items take the list's kind",
			data: `{"apiVersion":"apps/v1","kind":"DeploymentList","items":[{"metadata":{"namespace":"ns","name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"r.io/ns/b"}]}}}}]}`,
			want: []prune.Reference{{Owner: prune.Owner{Kind: "Deployment", Namespace: "ns", Name: "d"}, FieldPath: "spec.template.spec.containers[0].image", Spec: "r.io/ns/b"}},
		},
		{name: "an item's own kind wins", data: `{"kind":"DeploymentList","items":[` + pod(`"kind":"Pod",`) + `]}`, want: []prune.Reference{podRef}},
		{name: "a List's kindless item names no workload", data: `{"kind":"List","items":[` + pod("") + `]}`},
		{name: "a list of other objects", data: `{"kind":"ConfigMapList","items":[{"metadata":{"name":"cm"}}]}`},
	}
	runDecodeCases(t, tests)
}

// TestDecodeWorkloadsKinds: DecodeWorkloads reads the kinds oc reads in
// the API groups it reads them from (PRUNE.md §1.1), and skips any other
// object unread, whatever shape its spec has, so that one foreign object
// costs a List none of its workloads.
func TestDecodeWorkloadsKinds(t *testing.T) {
	deploy := func(apiVersion string) string {
		return `{"apiVersion":"` + apiVersion + `","kind":"Deployment","metadata":{"namespace":"ns","name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"r.io/ns/b"}]}}}}`
	}
	deployRef := prune.Reference{Owner: prune.Owner{Kind: "Deployment", Namespace: "ns", Name: "d"}, FieldPath: "spec.template.spec.containers[0].image", Spec: "r.io/ns/b"}
	dc := func(apiVersion string) string {
		return `{"apiVersion":"` + apiVersion + `","kind":"DeploymentConfig","metadata":{"namespace":"ns","name":"dc"},"spec":{"template":{"spec":{"containers":[{"image":"r.io/ns/c"}]}}}}`
	}
	dcRef := prune.Reference{Owner: prune.Owner{Kind: "DeploymentConfig", Namespace: "ns", Name: "dc"}, FieldPath: "spec.template.spec.containers[0].image", Spec: "r.io/ns/c"}
	foreign := `{"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaNotificationTemplate","metadata":{"name":"t"},"spec":{"template":"{{ define \"x\" }}{{ end }}"}}`
	tests := []decodeCase{
		{name: "apps/v1", data: deploy("apps/v1"), want: []prune.Reference{deployRef}},
		{name: "the older extensions group", data: deploy("extensions/v1beta1"), want: []prune.Reference{deployRef}},
		{name: "no apiVersion", data: deploy(""), want: []prune.Reference{deployRef}},
		{name: "a custom resource of the same kind", data: deploy("apps.kruise.io/v1beta1")},
		{name: "a core-group kind in another group", data: `{"apiVersion":"example.com/v1","kind":"Pod","spec":{"containers":[{"image":"r.io/ns/a"}]}}`},
		{name: "apps.openshift.io", data: dc("apps.openshift.io/v1"), want: []prune.Reference{dcRef}},
		{name: "OpenShift's legacy v1", data: dc("v1"), want: []prune.Reference{dcRef}},
		{name: "an object whose spec has another shape", data: foreign},
		{name: "a Status, whose status is a string", data: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":404}`},
		{name: "a List with a foreign object", data: `{"apiVersion":"v1","kind":"List","items":[` + deploy("apps/v1") + `,` + foreign + `]}`, want: []prune.Reference{deployRef}},
		{name: "a typed list's items take its group", data: `{"apiVersion":"apps.kruise.io/v1beta1","kind":"DeploymentList","items":[` + deploy("") + `]}`},
		// Neither object is a list of workloads: their items stay unread.
		{name: "another kind with items of another shape", data: `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"example.com/v1","kind":"Widget","items":"x"},` + deploy("apps/v1") + `]}`, want: []prune.Reference{deployRef}},
		{name: "a typed list of another kind", data: `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"example.com/v1","kind":"WidgetList","items":{"a":1}},` + deploy("apps/v1") + `]}`, want: []prune.Reference{deployRef}},
		{name: "a List without items", data: `{"apiVersion":"v1","kind":"List"}`},
	}
	runDecodeCases(t, tests)
}

// decodeCase is JSON for DecodeWorkloads and the references it must give.
type decodeCase struct {
	name string
	data string
	want []prune.Reference
}

func runDecodeCases(t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := prune.DecodeWorkloads([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeWorkloads (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatsString(t *testing.T) {
	tests := []struct {
		name  string
		stats prune.Stats
		want  string
	}{
		{name: "nothing", want: "Summary: deleted 0 objects"},
		{name: "only streams", stats: prune.Stats{DeletedImageStreamTagItems: 7, UpdatedImageStreams: 2}, want: "Summary: deleted 7 image stream tag item(s), updated 2 image stream(s)"},
		{
			name:  "everything",
			stats: prune.Stats{DeletedImages: 4, DeletedImageStreamTagItems: 7, UpdatedImageStreams: 2, DeletedLayerLinks: 12, DeletedManifestLinks: 4, DeletedBlobs: 20, BytesFreed: 99},
			want:  "Summary: deleted 4 image object(s), deleted 7 image stream tag item(s), updated 2 image stream(s), deleted 12 layer link(s), deleted 4 manifest link(s), deleted 20 blob(s)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.stats.Summary(); got != tt.want {
				t.Errorf("Summary() = %q, want %q", got, tt.want)
			}
		})
	}
}

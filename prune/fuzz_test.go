package prune_test

import (
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/prune"
)

// FuzzPlan checks the plan invariants (PRUNE.md §6.4) on random snapshots
// chosen by the fuzzer, with references whose specs it writes.
func FuzzPlan(f *testing.F) {
	f.Add(uint64(1), "r.io/ns-0/stream-0:latest", uint8(0))
	f.Add(uint64(7), " ", uint8(3))
	f.Add(uint64(99), "ns-1/stream-2@sha256:0000", uint8(255))
	f.Fuzz(func(t *testing.T, seed uint64, spec string, flags uint8) {
		s, o := randomCase(seed)
		s.References = append(s.References, prune.Reference{Owner: prune.Owner{Kind: "Pod", Name: "fuzz"}, Spec: spec},
			prune.Reference{Owner: prune.Owner{Kind: "Build", Namespace: "ns-0", Name: "fuzz"}, Kind: "ImageStreamTag", Spec: spec})
		o.OnlyManaged = flags&1 != 0
		o.OCCompatible = flags&2 != 0
		o.KeepReferencedImages = flags&4 != 0
		o.IgnoreInvalidRefs = flags&8 != 0
		d, err := prune.Plan(s, o)
		if err != nil {
			t.Fatalf("Plan: %v", err)
		}
		if err := checkInvariants(s, o, d); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeWorkloads checks that any input either fails to decode or
// yields references that each name their owner and field path.
func FuzzDecodeWorkloads(f *testing.F) {
	f.Add([]byte(`{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"a"}]}}`))
	f.Add([]byte(`{"kind":"List","items":[{"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"image":"b"}]}}}}}}]}`))
	f.Add([]byte(`{"kind":"BuildConfig","spec":{"strategy":{"dockerStrategy":{"from":{"kind":"ImageStreamTag","name":"x:y"}}}}}`))
	f.Add([]byte(`{"kind":"List","items":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := prune.DecodeWorkloads(data)
		if err != nil {
			if refs != nil {
				t.Fatalf("error %v with references %v", err, refs)
			}
			return
		}
		for _, r := range refs {
			if r.Owner.Kind == "" || !strings.HasPrefix(r.FieldPath, "spec.") {
				t.Fatalf("reference without owner or field path: %+v", r)
			}
			if r.Kind == "" && strings.TrimSpace(r.Spec) == "" {
				t.Fatalf("blank image reference kept: %+v", r)
			}
		}
	})
}

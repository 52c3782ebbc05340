package reference_test

import (
	"strings"
	"testing"

	"github.com/imagestreams/imagestreams/reference"
)

// benchSpecs mixes common pull specs with hostile ones. The long inputs
// check that matching stays linear: Go's regexp engine guarantees it, and
// a rejected spec is matched twice (once lower-cased) to classify the error.
var benchSpecs = []struct {
	name string
	spec string
}{
	{name: "short", spec: "busybox"},
	{name: "hub-tag", spec: "docker.io/library/busybox:1.36"},
	{name: "registry-port-deep", spec: "registry.example.com:5000/team/app/api:v1.2.3"},
	{name: "digest", spec: "quay.io/openshift/origin-cli@" + sha256ID},
	{name: "tag-digest", spec: "quay.io/openshift/origin-cli:4.16@" + sha256ID},
	{name: "registry-only", spec: "docker.io"},
	{name: "uppercase-error", spec: "quay.io/Openshift/Origin"},
	{name: "digest-error", spec: "quay.io/app@md5:" + sha256Hex},
	{name: "adversarial-64KiB-separators", spec: strings.Repeat("a-", 32<<10) + "A"},
	{name: "adversarial-64KiB-digest", spec: "app@sha256:" + strings.Repeat("0", 64<<10)},
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchSpecs {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.spec)))
			for b.Loop() {
				_, _ = reference.Parse(bc.spec)
			}
		})
	}
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, bc := range benchSpecs {
				_, _ = reference.Parse(bc.spec)
			}
		}
	})
}

func BenchmarkExact(b *testing.B) {
	r, err := reference.Parse("quay.io/openshift/origin-cli:4.16@" + sha256ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Exact()
	}
}

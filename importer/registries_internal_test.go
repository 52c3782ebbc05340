package importer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/reference"
)

// TestRegistrySources is the choice of pull sources of SEMANTICS §8.5:
// the longest matching source prefix, digest mirrors for digests and tag
// mirrors for tags, in order, then the source unless never contacted.
func TestRegistrySources(t *testing.T) {
	t.Parallel()
	config := RegistryConfig{
		InsecureRegistries: []string{"insecure.local", "mirror-b.local"},
		BlockedRegistries:  []string{"blocked.io", "blocked-mirrored.io"},
		DigestMirrors: []MirrorSet{
			{Source: "quay.io/ocp", Mirrors: []string{"mirror-a.local/ocp", "mirror-b.local/ocp-copy"}},
			// A second set for the same source appends, without duplicates.
			{Source: "quay.io/ocp", Mirrors: []string{"mirror-b.local/ocp-copy", "mirror-c.local"}},
			{Source: "quay.io/ocp/release", Mirrors: []string{"mirror-r.local/release"}},
			{Source: "registry.io", Mirrors: []string{"mirror-a.local/registry"}, MirrorSourcePolicy: NeverContactSource},
			{Source: "blocked-mirrored.io", Mirrors: []string{"mirror-a.local/bm"}},
			{Source: "docker.io/library", Mirrors: []string{"mirror-a.local/hub"}},
		},
		TagMirrors: []MirrorSet{
			{Source: "quay.io/ocp", Mirrors: []string{"tags.local/ocp"}, MirrorSourcePolicy: AllowContactingSource},
		},
	}
	regs := newRegistries(config)
	tests := []struct {
		name     string
		pull     string
		insecure bool
		want     []string // pull specs of the sources, "!" suffix for insecure
	}{
		{name: "no entry: the source only", pull: "example.com/a/b:v1", want: []string{"example.com/a/b:v1"}},
		{name: "digest mirrors in order, then the source", pull: "quay.io/ocp/tools@sha256:" + hex64, want: []string{
			"mirror-a.local/ocp/tools@sha256:" + hex64, "mirror-b.local/ocp-copy/tools@sha256:" + hex64 + "!", "mirror-c.local/tools@sha256:" + hex64, "quay.io/ocp/tools@sha256:" + hex64}},
		{name: "tag mirrors for tags", pull: "quay.io/ocp/tools:v1", want: []string{"tags.local/ocp/tools:v1", "quay.io/ocp/tools:v1"}},
		{name: "the longest prefix wins", pull: "quay.io/ocp/release@sha256:" + hex64, want: []string{"mirror-r.local/release@sha256:" + hex64, "quay.io/ocp/release@sha256:" + hex64}},
		{name: "the longest prefix has no tag mirror", pull: "quay.io/ocp/release:4.20", want: []string{"quay.io/ocp/release:4.20"}},
		{name: "a prefix covers whole path components only", pull: "quay.io/ocpx/tools@sha256:" + hex64, want: []string{"quay.io/ocpx/tools@sha256:" + hex64}},
		{name: "never contact the source", pull: "registry.io/a/b@sha256:" + hex64, want: []string{"mirror-a.local/registry/a/b@sha256:" + hex64}},
		{name: "never contact the source: nothing serves tags", pull: "registry.io/a/b:v1", want: []string{}},
		{name: "blocked with mirrors: the mirrors only", pull: "blocked-mirrored.io/a@sha256:" + hex64, want: []string{"mirror-a.local/bm/a@sha256:" + hex64}},
		{name: "Docker Hub by its defaulted name", pull: "busybox@sha256:" + hex64, want: []string{"mirror-a.local/hub/busybox@sha256:" + hex64, "docker.io/library/busybox@sha256:" + hex64}},
		{name: "insecure import makes mirrors insecure", pull: "registry.io/a/b@sha256:" + hex64, insecure: true, want: []string{"mirror-a.local/registry/a/b@sha256:" + hex64 + "!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := reference.Parse(tt.pull)
			if err != nil {
				t.Fatal(err)
			}
			def := ref.DockerClientDefaults()
			tgt := target{def: def, insecure: tt.insecure || regs.insecure[def.Registry]}
			got := []string{}
			for _, src := range regs.sources(tgt, ref.ID != "") {
				s := src.def.Exact()
				if src.def.ID != "" {
					s = src.def.AsRepository().Exact() + "@" + src.def.ID
				}
				if src.insecure {
					s += "!"
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sources of %s (-want +got):\n%s", tt.pull, diff)
			}
		})
	}
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestRegistryBlocked is the Forbidden rule of SEMANTICS §8.2: an entry
// for exactly the registry, blocked, with no mirrors.
func TestRegistryBlocked(t *testing.T) {
	t.Parallel()
	regs := newRegistries(RegistryConfig{
		BlockedRegistries: []string{"blocked.io", "docker.io", "mirrored.io", "quay.io/private"},
		DigestMirrors:     []MirrorSet{{Source: "mirrored.io", Mirrors: []string{"m.local"}}, {Source: "never.io", Mirrors: []string{"m.local"}, MirrorSourcePolicy: NeverContactSource}},
	})
	tests := []struct {
		name string
		host string
		want bool
	}{
		{name: "blocked", host: "blocked.io", want: true},
		{name: "Docker Hub", host: "docker.io", want: true},
		{name: "blocked with mirrors", host: "mirrored.io"},
		{name: "never contacted with mirrors", host: "never.io"},
		{name: "a repository scope is not the registry", host: "quay.io"},
		{name: "other registry", host: "example.com"},
		{name: "port matters", host: "blocked.io:5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := regs.blocked(tt.host); got != tt.want {
				t.Errorf("blocked(%q) = %t, want %t", tt.host, got, tt.want)
			}
		})
	}
}

// FuzzRegistrySources checks properties of the pull sources of any
// mirror configuration: the digest or tag asked for is kept, the source
// comes last unless never contacted, and every other source is one of
// the configured mirrors.
func FuzzRegistrySources(f *testing.F) {
	f.Add("quay.io/ocp", "mirror-a.local/ocp", "quay.io/ocp/tools@sha256:"+hex64, false, false)
	f.Add("quay.io/ocp", "tags.local/ocp", "quay.io/ocp/tools:v1", true, false)
	f.Add("registry.io", "mirror-a.local/registry", "registry.io/a/b@sha256:"+hex64, false, true)
	f.Add("docker.io/library", "mirror-a.local/hub", "busybox@sha256:"+hex64, false, false)
	f.Add("quay.io/ocp", "bad mirror", "quay.io/ocp/x@sha256:"+hex64, false, false)
	f.Fuzz(func(t *testing.T, source, mirror, pull string, tags, never bool) {
		ref, err := reference.Parse(pull)
		if err != nil {
			return
		}
		set := MirrorSet{Source: source, Mirrors: []string{mirror}}
		if never {
			set.MirrorSourcePolicy = NeverContactSource
		}
		config := RegistryConfig{DigestMirrors: []MirrorSet{set}}
		if tags {
			config = RegistryConfig{TagMirrors: []MirrorSet{set}}
		}
		regs := newRegistries(config)
		tgt := target{def: ref.DockerClientDefaults()}
		srcs := regs.sources(tgt, ref.ID != "")
		if len(srcs) > 2 {
			t.Fatalf("%d sources for one mirror", len(srcs))
		}
		for i, s := range srcs {
			if s.def.ID != tgt.def.ID || s.def.Tag != tgt.def.Tag {
				t.Errorf("source %d %q lost the tag or digest of %q", i, s.def.Exact(), tgt.def.Exact())
			}
			if s == tgt {
				if i != len(srcs)-1 {
					t.Errorf("the source is not last: %d of %d", i, len(srcs))
				}
				continue
			}
			// A mirror without a registry host gets Docker Hub's, as
			// containers' registries.conf gives it.
			if repo := s.def.Registry + "/" + s.def.RepositoryName(); !strings.Contains(repo, strings.TrimSuffix(mirror, "/")) {
				t.Errorf("source %q does not come from mirror %q", repo, mirror)
			}
		}
		if e := regs.find(tgt.def.Registry + "/" + tgt.def.RepositoryName()); (e == nil || !e.blocked) && (len(srcs) == 0 || srcs[len(srcs)-1] != tgt) {
			t.Errorf("the source of %q is missing from %d sources", pull, len(srcs))
		}
	})
}

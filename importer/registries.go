package importer

import (
	"net/http"
	"slices"
	"strings"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/reference"
)

// RegistryConfig is the cluster-wide registry configuration OpenShift
// reads for every import (SEMANTICS §8.1 step 4): the registrySources of
// image.config.openshift.io/cluster and the ImageContentSourcePolicy,
// ImageDigestMirrorSet and ImageTagMirrorSet objects. Registries are
// named as the defaulted pull spec names them: "docker.io" for Docker
// Hub, "host:port" with an explicit port. InsecureRegistries and
// BlockedRegistries match that name exactly, as in OpenShift (SEMANTICS
// §8.2): "docker.io" covers "busybox" and "docker.io/library/busybox" but
// not "index.docker.io/library/busybox" or "registry-1.docker.io/…",
// although all reach Docker Hub; list every spelling to cover. (Only the
// keyring treats the three as one registry.)
type RegistryConfig struct {
	// InsecureRegistries are registry hosts every import treats as if
	// importPolicy.insecure were set: any certificate is accepted and
	// plain HTTP is tried when TLS fails. Mirrors listed here are
	// insecure too.
	InsecureRegistries []string
	// BlockedRegistries are registry hosts nothing is imported from. An
	// import from one fails with Forbidden "forbidden: registry <r>
	// blocked" — unless mirrors are configured for it, in which case the
	// mirrors serve it and the registry itself is never contacted. As in
	// OpenShift, <r> is the registry the pull spec writes: empty for an
	// implicit Docker Hub name such as "busybox" (SEMANTICS §8.2).
	BlockedRegistries []string
	// DigestMirrors are the repositoryDigestMirrors of
	// ImageContentSourcePolicies and the imageDigestMirrors of
	// ImageDigestMirrorSets: they serve pulls by digest only.
	DigestMirrors []MirrorSet
	// TagMirrors are the imageTagMirrors of ImageTagMirrorSets: they
	// serve pulls by tag only.
	TagMirrors []MirrorSet
}

// MirrorSet names the mirrors of a source, a registry host or a
// repository prefix such as "quay.io/openshift-release-dev".
type MirrorSet struct {
	// Source is the registry or repository prefix mirrored. It covers
	// the repositories equal to it or under it ("quay.io/ocp" covers
	// "quay.io/ocp/release" but not "quay.io/ocpx").
	Source string
	// Mirrors replace Source in the pull spec, tried in order before
	// Source.
	Mirrors []string
	// MirrorSourcePolicy says whether Source is tried after its mirrors;
	// empty means AllowContactingSource. ImageContentSourcePolicies have
	// no such field and always allow it.
	MirrorSourcePolicy MirrorSourcePolicy
}

// MirrorSourcePolicy is the mirrorSourcePolicy of an ImageDigestMirrorSet
// or ImageTagMirrorSet entry.
type MirrorSourcePolicy string

// Mirror source policies.
const (
	// AllowContactingSource tries the source after its mirrors.
	AllowContactingSource MirrorSourcePolicy = "AllowContactingSource"
	// NeverContactSource uses the mirrors only, for pulls by digest and
	// by tag alike: a pull kind no mirror serves has nowhere to go.
	NeverContactSource MirrorSourcePolicy = "NeverContactSource"
)

// registries is a RegistryConfig merged into one entry per source, as
// OpenShift merges it into containers' registries.conf (SEMANTICS §8.5).
type registries struct {
	entries  map[string]*registryEntry // by prefix
	insecure map[string]bool           // by host
}

// registryEntry is one source prefix and what applies to it.
type registryEntry struct {
	prefix        string
	digestMirrors []string
	tagMirrors    []string
	blocked       bool // the source itself is never contacted
}

func newRegistries(c RegistryConfig) *registries {
	r := &registries{entries: map[string]*registryEntry{}, insecure: map[string]bool{}}
	entry := func(prefix string) *registryEntry {
		prefix = strings.TrimSuffix(prefix, "/")
		e := r.entries[prefix]
		if e == nil {
			e = &registryEntry{prefix: prefix}
			r.entries[prefix] = e
		}
		return e
	}
	add := func(sets []MirrorSet, tags bool) {
		for _, set := range sets {
			if set.Source == "" {
				continue
			}
			e := entry(set.Source)
			for _, m := range set.Mirrors {
				m = strings.TrimSuffix(m, "/")
				// A mirror listed twice is tried once, where it first
				// appears.
				switch {
				case m == "":
				case tags && !slices.Contains(e.tagMirrors, m):
					e.tagMirrors = append(e.tagMirrors, m)
				case !tags && !slices.Contains(e.digestMirrors, m):
					e.digestMirrors = append(e.digestMirrors, m)
				}
			}
			if set.MirrorSourcePolicy == NeverContactSource {
				e.blocked = true
			}
		}
	}
	add(c.DigestMirrors, false)
	add(c.TagMirrors, true)
	for _, b := range c.BlockedRegistries {
		if b != "" {
			entry(b).blocked = true
		}
	}
	for _, h := range c.InsecureRegistries {
		r.insecure[strings.TrimSuffix(h, "/")] = true
	}
	return r
}

// blocked reports whether imports from the registry host are forbidden:
// a blocked entry for exactly that registry with no mirrors (SEMANTICS
// §8.2).
func (r *registries) blocked(host string) bool {
	e := r.entries[host]
	return e != nil && e.blocked && len(e.digestMirrors) == 0 && len(e.tagMirrors) == 0
}

// find returns the entry whose prefix is the longest that covers repo,
// "registry/path" (SEMANTICS §8.5, findRegistryConfiguration).
func (r *registries) find(repo string) *registryEntry {
	var best *registryEntry
	for p, e := range r.entries {
		if repo != p && !strings.HasPrefix(repo, p+"/") {
			continue
		}
		if best == nil || len(p) > len(best.prefix) {
			best = e
		}
	}
	return best
}

// sources returns where a pull of t by digest or by tag is tried, in
// order: the matching mirrors with the source prefix replaced, then t
// itself unless its source is never contacted. Each source is insecure
// when t is or its host is an insecure registry. The list is empty when
// nothing may serve the pull.
func (r *registries) sources(t target, byDigest bool) []target {
	repo := t.def.Registry + "/" + t.def.RepositoryName()
	e := r.find(repo)
	if e == nil {
		return []target{t}
	}
	mirrors := e.tagMirrors
	if byDigest {
		mirrors = e.digestMirrors
	}
	out := make([]target, 0, len(mirrors)+1)
	for _, m := range mirrors {
		ref, err := reference.Parse(m + repo[len(e.prefix):])
		if err != nil || ref.Tag != "" || ref.ID != "" {
			// A mirror that does not make a repository cannot serve.
			continue
		}
		def := ref.DockerClientDefaults()
		def.Tag, def.ID = t.def.Tag, t.def.ID
		out = append(out, target{def: def, insecure: t.insecure || r.insecure[def.Registry]})
	}
	if !e.blocked {
		out = append(out, t)
	}
	return out
}

// forbiddenStatus is OpenShift's status for a blocked registry:
// kapierrors.NewForbidden with an empty resource (SEMANTICS §8.2).
// registry is the one the pull spec writes, not the defaulted one found
// blocked, so for "busybox" it is empty and the message has two spaces.
func forbiddenStatus(registry string) image.Status {
	return image.Status{
		Status:  image.StatusFailure,
		Reason:  image.StatusReasonForbidden,
		Code:    http.StatusForbidden,
		Message: "forbidden: registry " + registry + " blocked",
	}
}

package describe

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// sortTags orders tag names as `oc describe is` lists them, by OpenShift's
// PrioritizeTags rule (SEMANTICS §5.5): "latest" first; then minor
// versions ("5.6", "v5.5", "5.5-rc1", read as 5.6.0, 5.5.0, 5.5.0-rc1),
// newest first; then full semantic versions ("5.2.3", "v5.3.6-beta"),
// newest first, the unprefixed spelling before the "v" one; then every
// other tag in lexical order. Equal versions fall back to the name, so
// the order is total and the output deterministic.
//
// The importer has the same rule for repository imports; describe keeps
// its own copy because it may import only image and reference.
func sortTags(tags []string) {
	ranked := make([]rankedTag, len(tags))
	for i, t := range tags {
		ranked[i] = rankTag(t)
	}
	slices.SortFunc(ranked, compareRanked)
	for i, r := range ranked {
		tags[i] = r.name
	}
}

type tagClass int

const (
	classLatest tagClass = iota
	classMinor
	classFull
	classOther
)

type rankedTag struct {
	name   string
	class  tagClass
	v      version
	prefix bool // spelled with a leading "v"
}

// version is a parsed semantic version.
type version struct {
	major, minor, patch uint64
	pre                 []string // prerelease identifiers; nil for a release
}

func rankTag(name string) rankedTag {
	if name == "latest" {
		return rankedTag{name: name, class: classLatest}
	}
	r := rankedTag{name: name, class: classOther}
	s, prefix := strings.CutPrefix(name, "v")
	if v, ok := parseFull(s); ok {
		r.class, r.v, r.prefix = classFull, v, prefix
	} else if v, ok := parseMinor(s); ok {
		r.class, r.v, r.prefix = classMinor, v, prefix
	}
	return r
}

// parseFull parses "X.Y.Z[-pre][+build]".
func parseFull(s string) (version, bool) {
	s, _, _ = strings.Cut(s, "+") // build metadata does not order
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return version{}, false
	}
	var nums [3]uint64
	for i, p := range parts {
		n, ok := number(p)
		if !ok {
			return version{}, false
		}
		nums[i] = n
	}
	v := version{major: nums[0], minor: nums[1], patch: nums[2]}
	if hasPre {
		ids, ok := prerelease(pre)
		if !ok {
			return version{}, false
		}
		v.pre = ids
	}
	return v, true
}

// parseMinor parses "X.Y" or "X.Y-suffix" as X.Y.0[-suffix].
func parseMinor(s string) (version, bool) {
	core, suffix, hasSuffix := strings.Cut(s, "-")
	a, b, ok := strings.Cut(core, ".")
	if !ok {
		return version{}, false
	}
	major, ok1 := number(a)
	minor, ok2 := number(b)
	if !ok1 || !ok2 {
		return version{}, false
	}
	v := version{major: major, minor: minor}
	if hasSuffix {
		if suffix == "" || strings.ContainsRune(suffix, '.') {
			return version{}, false
		}
		ids, ok := prerelease(suffix)
		if !ok {
			return version{}, false
		}
		v.pre = ids
	}
	return v, true
}

// number parses a semver numeric part: digits, no leading zero.
func number(s string) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// prerelease splits dot-separated identifiers of [0-9A-Za-z-].
func prerelease(s string) ([]string, bool) {
	ids := strings.Split(s, ".")
	for _, id := range ids {
		if id == "" {
			return nil, false
		}
		for _, c := range []byte(id) {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-') {
				return nil, false
			}
		}
	}
	return ids, true
}

func compareRanked(a, b rankedTag) int {
	if c := cmp.Compare(a.class, b.class); c != 0 {
		return c
	}
	if a.class == classMinor || a.class == classFull {
		if c := compareVersions(b.v, a.v); c != 0 { // newest first
			return c
		}
		if a.prefix != b.prefix {
			if a.prefix {
				return 1
			}
			return -1
		}
	}
	return strings.Compare(a.name, b.name)
}

// compareVersions orders versions by semver precedence.
func compareVersions(a, b version) int {
	if c := cmp.Compare(a.major, b.major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.minor, b.minor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.patch, b.patch); c != 0 {
		return c
	}
	// A release ranks above its prereleases.
	switch {
	case a.pre == nil && b.pre == nil:
		return 0
	case a.pre == nil:
		return 1
	case b.pre == nil:
		return -1
	}
	for i := range min(len(a.pre), len(b.pre)) {
		if c := compareIdent(a.pre[i], b.pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.pre), len(b.pre))
}

// compareIdent compares prerelease identifiers: numeric ones numerically
// and below alphanumeric ones, which compare in ASCII order.
func compareIdent(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

package image

import (
	"slices"
	"strconv"
	"strings"
)

// PrioritizeTags sorts tags in OpenShift's order (SEMANTICS §5.5,
// imageutil.PrioritizeTags), the order in which a repository import takes
// a repository's tags and `oc describe is` lists a stream's: "latest" first;
// then minor versions ("5.6", "v5.5", "5.5-rc1", read as 5.6.0, 5.5.0,
// 5.5.0-rc1), newest first; then full semantic versions ("5.2.3",
// "v5.3.6-beta"), newest first; then every other tag in lexical order.
// Among equal versions the one without a "v" prefix comes first, and
// tags of equal rank ("1.0.0+b1" and "1.0.0+b2") in lexical order, so the
// result does not depend on the input's order, which OpenShift leaves
// unspecified. For example
//
//	other latest v5.5 5.2.3 5.5 v5.3.6-bother 5.3.6-abba 5.6
//
// becomes
//
//	latest 5.6 5.5 v5.5 v5.3.6-bother 5.3.6-abba 5.2.3 other
func PrioritizeTags(tags []string) {
	ranked := make([]rankedTag, len(tags))
	for i, t := range tags {
		ranked[i] = rankTag(t)
	}
	slices.SortFunc(ranked, compareRanked)
	for i, r := range ranked {
		tags[i] = r.tag
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
	tag    string
	class  tagClass
	ver    semver
	prefix string
}

func rankTag(tag string) rankedTag {
	if tag == "latest" {
		return rankedTag{tag: tag, class: classLatest}
	}
	short, prefix := tag, ""
	if rest, ok := strings.CutPrefix(tag, "v"); ok {
		short, prefix = rest, "v"
	}
	if v, ok := parseSemver(short); ok {
		return rankedTag{tag: tag, class: classFull, ver: v, prefix: prefix}
	}
	if isMinor(short) {
		if v, ok := parseSemver(short + ".0"); ok {
			return rankedTag{tag: tag, class: classMinor, ver: v, prefix: prefix}
		}
	}
	// "<digits>.<digits>-<suffix>" reads as a prerelease of X.Y.0; the
	// suffix is letters, digits, "_" and "-", as OpenShift's \w matches.
	if minor, suffix, ok := strings.Cut(short, "-"); ok && isMinor(minor) && isWordOrHyphen(suffix) {
		if v, ok := parseSemver(minor + ".0-" + suffix); ok {
			return rankedTag{tag: tag, class: classMinor, ver: v, prefix: prefix}
		}
	}
	return rankedTag{tag: tag, class: classOther, prefix: prefix}
}

// isWordOrHyphen reports whether s is non-empty ASCII letters, digits,
// "_" and "-".
func isWordOrHyphen(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// isMinor reports whether s is "<digits>.<digits>".
func isMinor(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && allDigits(a) && allDigits(b)
}

func compareRanked(a, b rankedTag) int {
	if a.class != b.class {
		return int(a.class) - int(b.class)
	}
	switch a.class {
	case classLatest:
		return 0
	case classOther:
		return strings.Compare(a.tag, b.tag)
	}
	if c := b.ver.compare(a.ver); c != 0 { // newest first
		return c
	}
	if c := strings.Compare(a.prefix, b.prefix); c != 0 {
		return c
	}
	return strings.Compare(a.tag, b.tag)
}

// semver is a semantic version as blang/semver (which OpenShift uses)
// parses it; build metadata is validated and ignored.
type semver struct {
	major, minor, patch uint64
	pre                 []string
}

func parseSemver(s string) (semver, bool) {
	var v semver
	if main, build, ok := strings.Cut(s, "+"); ok {
		if !validIdents(build) {
			return v, false
		}
		s = main
	}
	main, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(main, ".")
	if len(parts) != 3 {
		return v, false
	}
	nums := [3]uint64{}
	for i, p := range parts {
		n, ok := parseNumeric(p)
		if !ok {
			return v, false
		}
		nums[i] = n
	}
	v.major, v.minor, v.patch = nums[0], nums[1], nums[2]
	if hasPre {
		if !validIdents(pre) {
			return v, false
		}
		v.pre = strings.Split(pre, ".")
		for _, id := range v.pre {
			if allDigits(id) {
				if _, ok := parseNumeric(id); !ok {
					return v, false
				}
			}
		}
	}
	return v, true
}

// parseNumeric parses a numeric identifier: digits, no leading zero.
func parseNumeric(s string) (uint64, bool) {
	if !allDigits(s) || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validIdents reports whether s is dot-separated non-empty identifiers
// of ASCII letters, digits and hyphens.
func validIdents(s string) bool {
	for id := range strings.SplitSeq(s, ".") {
		if id == "" {
			return false
		}
		for _, c := range []byte(id) {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return false
			}
		}
	}
	return true
}

// compare orders versions by precedence: -1, 0 or 1.
func (v semver) compare(o semver) int {
	for _, c := range [][2]uint64{{v.major, o.major}, {v.minor, o.minor}, {v.patch, o.patch}} {
		if c[0] != c[1] {
			if c[0] < c[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(v.pre) == 0 && len(o.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(o.pre) == 0:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(o.pre); i++ {
		if c := comparePre(v.pre[i], o.pre[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.pre) < len(o.pre):
		return -1
	case len(v.pre) > len(o.pre):
		return 1
	}
	return 0
}

// comparePre compares prerelease identifiers: numeric ones by value and
// below alphanumeric ones, which compare lexically.
func comparePre(a, b string) int {
	an, bn := allDigits(a), allDigits(b)
	switch {
	case an && bn:
		x, _ := strconv.ParseUint(a, 10, 64)
		y, _ := strconv.ParseUint(b, 10, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

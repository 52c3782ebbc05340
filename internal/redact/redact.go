package redact

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// Forms returns every secret as sent and escaped for a URL's query and
// path (which differ: a space is "+" in one, "%20" in the other),
// without duplicates and longest first: a strings.Replacer, or a loop of
// replacements, then never lets a secret that begins another hide only
// the other's head. Empty secrets are left out.
func Forms(secrets ...string) []string {
	var forms []string
	for _, s := range secrets {
		if s != "" {
			forms = append(forms, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	slices.SortFunc(forms, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return slices.Compact(forms)
}

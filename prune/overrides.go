package prune

import (
	"path"
	"time"
)

// tagPolicy is the keep policy of one tag once overrides are applied.
type tagPolicy struct {
	never         bool
	keepRevisions int
	hasAge        bool
	threshold     time.Time
}

// rank orders overrides by specificity (Override's doc): the tag level
// dominates, then a stream, then a namespace.
func (o Override) rank() int {
	r := 0
	switch {
	case o.Tag != "" && !o.isPattern():
		r = 16
	case o.Tag != "":
		r = 8
	}
	if o.Stream != "" {
		r += 4
	}
	if len(o.StreamLabels) > 0 {
		r += 2
	}
	if o.Namespace != "" {
		r++
	}
	return r
}

func (o Override) matches(st *streamInfo, tag string, wholeStream bool) bool {
	if o.Namespace != "" && o.Namespace != st.namespace || o.Stream != "" && o.Stream != st.name {
		return false
	}
	for k, v := range o.StreamLabels {
		if got, ok := st.labels[k]; !ok || got != v {
			return false
		}
	}
	if o.Tag == "" {
		return true
	}
	if wholeStream {
		return false
	}
	if !o.isPattern() {
		return o.Tag == tag
	}
	ok, _ := path.Match(o.Tag, tag) // patterns were checked by Validate
	return ok
}

// forTag resolves the policy of a tag of st; with wholeStream it
// considers only overrides without a tag, which decide whether the stream
// as a whole is young.
func (p *policy) forTag(st *streamInfo, tag string, wholeStream bool) tagPolicy {
	tp := tagPolicy{keepRevisions: p.keepRevisions, hasAge: p.hasAge, threshold: p.threshold}
	if len(p.Overrides) == 0 {
		return tp
	}
	bestN, bestAge, bestNever := -1, -1, -1
	for _, o := range p.Overrides {
		if !o.matches(st, tag, wholeStream) {
			continue
		}
		r := o.rank()
		if o.Never && r > bestNever {
			bestNever, tp.never = r, true
		}
		if p.sizeMode {
			continue
		}
		if o.KeepTagRevisions != nil && r > bestN {
			bestN, tp.keepRevisions = r, *o.KeepTagRevisions
		}
		if o.KeepYoungerThan != nil && r > bestAge {
			bestAge, tp.threshold = r, p.Now.Add(-*o.KeepYoungerThan)
		}
	}
	return tp
}

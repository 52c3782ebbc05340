package imagestream

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A label selector picks objects by their labels, in the syntax of
// Kubernetes and `oc get -l` that OpenShift's lists accept (SEMANTICS
// §12.1 "label selector applies to streams"): comma-separated
// requirements, all of which must hold.
//
//	app=ruby, tier==web     the label has this value
//	env!=prod               the label is absent or has another value
//	env in (dev, test)      the label has one of these values
//	env notin (prod)        the label is absent or has none of them
//	release                 the label exists
//	!release                the label does not exist
//	build>3, build<10       the label is an integer above (below) the value
//
// The empty selector matches everything.

// ErrInvalidSelector is matched, through errors.Is, by every error from
// parsing a label selector.
var ErrInvalidSelector = errors.New("invalid label selector")

// SelectorError is a label selector that does not parse: what is wrong
// and at which byte offset of the selector.
type SelectorError struct {
	// Selector is the text that was parsed.
	Selector string
	// Offset is the byte offset where the problem was found.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error says what is wrong, in Kubernetes' words, and where.
func (e *SelectorError) Error() string {
	return fmt.Sprintf("unable to parse requirement: %s (at offset %d of %q)", e.Msg, e.Offset, e.Selector)
}

// Unwrap returns ErrInvalidSelector.
func (e *SelectorError) Unwrap() error { return ErrInvalidSelector }

// SelectorOperator is the operator of one requirement.
type SelectorOperator string

// The operators of a label selector. "==" parses as Equals, ">" as
// GreaterThan and "<" as LessThan.
const (
	SelectorEquals       SelectorOperator = "="
	SelectorNotEquals    SelectorOperator = "!="
	SelectorIn           SelectorOperator = "in"
	SelectorNotIn        SelectorOperator = "notin"
	SelectorExists       SelectorOperator = "exists"
	SelectorDoesNotExist SelectorOperator = "!"
	SelectorGreaterThan  SelectorOperator = "gt"
	SelectorLessThan     SelectorOperator = "lt"
)

// SelectorRequirement is one requirement of a selector: a label key, an
// operator and, except for Exists and DoesNotExist, values (exactly one
// for Equals and NotEquals, and one integer for GreaterThan and
// LessThan), sorted and without duplicates.
type SelectorRequirement struct {
	Key      string
	Operator SelectorOperator
	Values   []string
}

// Matches reports whether labels satisfy the requirement.
func (r *SelectorRequirement) Matches(labels map[string]string) bool {
	v, ok := labels[r.Key]
	switch r.Operator {
	case SelectorEquals, SelectorIn:
		return ok && slices.Contains(r.Values, v)
	case SelectorNotEquals, SelectorNotIn:
		return !ok || !slices.Contains(r.Values, v)
	case SelectorExists:
		return ok
	case SelectorDoesNotExist:
		return !ok
	case SelectorGreaterThan, SelectorLessThan:
		// As in Kubernetes, a label or value that is no integer matches
		// nothing.
		if !ok || len(r.Values) != 1 {
			return false
		}
		have, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		limit, err := strconv.ParseInt(r.Values[0], 10, 64)
		if err != nil {
			return false
		}
		return (r.Operator == SelectorGreaterThan && have > limit) || (r.Operator == SelectorLessThan && have < limit)
	}
	return false
}

// String returns the requirement in canonical form.
func (r *SelectorRequirement) String() string {
	switch r.Operator {
	case SelectorExists:
		return r.Key
	case SelectorDoesNotExist:
		return "!" + r.Key
	case SelectorIn, SelectorNotIn:
		return r.Key + " " + string(r.Operator) + " (" + strings.Join(r.Values, ",") + ")"
	case SelectorGreaterThan:
		return r.Key + ">" + r.Values[0]
	case SelectorLessThan:
		return r.Key + "<" + r.Values[0]
	}
	return r.Key + string(r.Operator) + r.Values[0]
}

// Selector is a parsed label selector: requirements sorted by key, as
// Kubernetes keeps them. The zero Selector matches everything.
type Selector struct {
	Requirements []SelectorRequirement
}

// Matches reports whether labels satisfy every requirement.
func (s Selector) Matches(labels map[string]string) bool {
	for i := range s.Requirements {
		if !s.Requirements[i].Matches(labels) {
			return false
		}
	}
	return true
}

// Empty reports whether the selector has no requirements.
func (s Selector) Empty() bool { return len(s.Requirements) == 0 }

// String returns the selector in canonical form; parsing it gives the
// same Selector.
func (s Selector) String() string {
	parts := make([]string, len(s.Requirements))
	for i := range s.Requirements {
		parts[i] = s.Requirements[i].String()
	}
	return strings.Join(parts, ",")
}

// ParseSelector parses a label selector; errors are *SelectorError.
// Keys must be qualified names ("[prefix/]name") and values label values,
// as in Kubernetes. "key in ()" means the one value "", as there, and the
// value of ">" or "<" must be an integer (strconv.ParseInt, base 10).
func ParseSelector(text string) (Selector, error) {
	p := &selectorParser{text: text}
	var sel Selector
	if strings.TrimSpace(text) == "" {
		return sel, nil
	}
	for {
		r, err := p.requirement()
		if err != nil {
			return Selector{}, err
		}
		sel.Requirements = append(sel.Requirements, r)
		switch tok := p.next(); tok.kind {
		case tokEnd:
			slices.SortStableFunc(sel.Requirements, func(a, b SelectorRequirement) int { return strings.Compare(a.Key, b.Key) })
			return sel, nil
		case tokComma:
		default:
			return Selector{}, p.fail(tok.pos, fmt.Sprintf("found %q, expected ','", tok.text))
		}
	}
}

// selectorToken kinds.
const (
	tokEnd = iota
	tokWord
	tokComma
	tokOpen
	tokClose
	tokEq       // = or ==
	tokNotEq    // !=
	tokNot      // !
	tokGt       // >
	tokLt       // <
	tokBadInput // anything else
)

type selectorToken struct {
	kind int
	text string
	pos  int
}

type selectorParser struct {
	text   string
	pos    int
	peeked *selectorToken
}

func (p *selectorParser) fail(pos int, msg string) error {
	return &SelectorError{Selector: p.text, Offset: pos, Msg: msg}
}

func (p *selectorParser) peek() selectorToken {
	if p.peeked == nil {
		t := p.lex()
		p.peeked = &t
	}
	return *p.peeked
}

func (p *selectorParser) next() selectorToken {
	t := p.peek()
	p.peeked = nil
	return t
}

// lex reads the next token. A word is a run of anything but white
// space and the characters that make up operators.
func (p *selectorParser) lex() selectorToken {
	for p.pos < len(p.text) && isSelectorSpace(p.text[p.pos]) {
		p.pos++
	}
	start := p.pos
	if p.pos == len(p.text) {
		return selectorToken{kind: tokEnd, pos: start}
	}
	tok := func(kind, n int) selectorToken {
		p.pos += n
		return selectorToken{kind: kind, text: p.text[start:p.pos], pos: start}
	}
	rest := p.text[p.pos:]
	switch {
	case strings.HasPrefix(rest, "=="):
		return tok(tokEq, 2)
	case strings.HasPrefix(rest, "!="):
		return tok(tokNotEq, 2)
	}
	switch rest[0] {
	case '=':
		return tok(tokEq, 1)
	case '!':
		return tok(tokNot, 1)
	case ',':
		return tok(tokComma, 1)
	case '(':
		return tok(tokOpen, 1)
	case ')':
		return tok(tokClose, 1)
	case '>':
		return tok(tokGt, 1)
	case '<':
		return tok(tokLt, 1)
	}
	n := 0
	for n < len(rest) && !isSelectorSpace(rest[n]) && !strings.ContainsRune("=!,()<>", rune(rest[n])) {
		n++
	}
	return tok(tokWord, n)
}

func isSelectorSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *selectorParser) requirement() (SelectorRequirement, error) {
	tok := p.next()
	if tok.kind == tokNot {
		key, err := p.key()
		return SelectorRequirement{Key: key, Operator: SelectorDoesNotExist}, err
	}
	if tok.kind != tokWord {
		return SelectorRequirement{}, p.fail(tok.pos, fmt.Sprintf("found %q, expected a label key", tok.text))
	}
	if err := p.checkKey(tok); err != nil {
		return SelectorRequirement{}, err
	}
	r := SelectorRequirement{Key: tok.text}
	switch op := p.peek(); {
	case op.kind == tokEnd || op.kind == tokComma:
		r.Operator = SelectorExists
		return r, nil
	case op.kind == tokEq || op.kind == tokNotEq:
		p.next()
		r.Operator = SelectorEquals
		if op.kind == tokNotEq {
			r.Operator = SelectorNotEquals
		}
		v, err := p.value()
		r.Values = []string{v}
		return r, err
	case op.kind == tokGt || op.kind == tokLt:
		p.next()
		r.Operator = SelectorGreaterThan
		if op.kind == tokLt {
			r.Operator = SelectorLessThan
		}
		pos := p.peek().pos
		v, err := p.value()
		if err != nil {
			return r, err
		}
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return r, p.fail(pos, fmt.Sprintf("invalid value %q: for 'Gt', 'Lt' operators, the value must be an integer", v))
		}
		r.Values = []string{v}
		return r, nil
	case op.kind == tokWord && (op.text == "in" || op.text == "notin"):
		p.next()
		r.Operator = SelectorOperator(op.text)
		var err error
		r.Values, err = p.valueSet()
		return r, err
	default:
		return r, p.fail(op.pos, fmt.Sprintf("found %q, expected one of '=', '==', '!=', 'in', 'notin', '>', '<', ',' or the end", op.text))
	}
}

func (p *selectorParser) key() (string, error) {
	tok := p.next()
	if tok.kind != tokWord {
		return "", p.fail(tok.pos, fmt.Sprintf("found %q, expected a label key", tok.text))
	}
	return tok.text, p.checkKey(tok)
}

func (p *selectorParser) checkKey(tok selectorToken) error {
	if msg := labelKeyError(tok.text); msg != "" {
		return p.fail(tok.pos, fmt.Sprintf("invalid label key %q: %s", tok.text, msg))
	}
	return nil
}

// value reads the value after = or !=; nothing before a comma or the
// end is the empty value.
func (p *selectorParser) value() (string, error) {
	switch tok := p.peek(); tok.kind {
	case tokEnd, tokComma:
		return "", nil
	case tokWord:
		p.next()
		return tok.text, p.checkValue(tok)
	default:
		return "", p.fail(tok.pos, fmt.Sprintf("found %q, expected a label value", tok.text))
	}
}

// valueSet reads "(v1, v2, ...)"; an empty place in the list is the
// empty value.
func (p *selectorParser) valueSet() ([]string, error) {
	if tok := p.next(); tok.kind != tokOpen {
		return nil, p.fail(tok.pos, fmt.Sprintf("found %q, expected '('", tok.text))
	}
	var values []string
	for {
		v := ""
		if tok := p.peek(); tok.kind == tokWord {
			p.next()
			if err := p.checkValue(tok); err != nil {
				return nil, err
			}
			v = tok.text
		}
		values = append(values, v)
		switch tok := p.next(); tok.kind {
		case tokComma:
		case tokClose:
			slices.Sort(values)
			return slices.Compact(values), nil
		default:
			return nil, p.fail(tok.pos, fmt.Sprintf("found %q, expected ',' or ')'", tok.text))
		}
	}
}

func (p *selectorParser) checkValue(tok selectorToken) error {
	if msg := labelValueError(tok.text); msg != "" {
		return p.fail(tok.pos, fmt.Sprintf("invalid label value %q: %s", tok.text, msg))
	}
	return nil
}

// labelKeyError checks a qualified name, "[prefix/]name": the prefix a
// DNS-1123 subdomain, the name as labelValueError but not empty. It
// returns "" when the key is valid.
func labelKeyError(key string) string {
	name := key
	if prefix, rest, ok := strings.Cut(key, "/"); ok {
		if prefix == "" || len(prefix) > 253 || !isDNS1123Subdomain(prefix) {
			return "prefix must be a lowercase RFC 1123 subdomain of at most 253 characters"
		}
		name = rest
	}
	if name == "" {
		return "name part must not be empty"
	}
	return labelValueError(name)
}

// labelValueError checks a label value: at most 63 characters,
// alphanumerics with '-', '_' or '.' between them, or empty.
func labelValueError(v string) string {
	if len(v) > 63 {
		return "must be no more than 63 characters"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && ((i == 0 || i == len(v)-1) || (c != '-' && c != '_' && c != '.')) {
			return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
		}
	}
	return ""
}

func isDNS1123Subdomain(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

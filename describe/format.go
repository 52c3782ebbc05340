package describe

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/imagestreams/imagestreams/image"
)

// none is what oc prints for an empty value.
const none = "<none>"

// HumanDuration renders d the way `oc describe` renders ages, Docker's
// go-units style: "Less than a second", "1 second", "42 seconds",
// "About a minute", "5 minutes", "About an hour", "30 hours", "9 days",
// "3 weeks", "4 months", "2 years". A negative d (a clock ahead of now)
// reads as "Less than a second".
func HumanDuration(d time.Duration) string {
	return string(appendDuration(make([]byte, 0, 24), d))
}

// appendDuration appends HumanDuration(d) to dst; stream histories print
// hundreds of ages, so this path does not allocate.
func appendDuration(dst []byte, d time.Duration) []byte {
	if s := int64(d.Seconds()); s < 1 {
		return append(dst, "Less than a second"...)
	} else if s == 1 {
		return append(dst, "1 second"...)
	} else if s < 60 {
		return append(strconv.AppendInt(dst, s, 10), " seconds"...)
	}
	if m := int64(d.Minutes()); m == 1 {
		return append(dst, "About a minute"...)
	} else if m < 60 {
		return append(strconv.AppendInt(dst, m, 10), " minutes"...)
	}
	// Hours round to the nearest, as go-units does: 1h30m is "2 hours".
	h := int64(math.Round(d.Hours()))
	switch {
	case h == 1:
		return append(dst, "About an hour"...)
	case h < 48:
		return append(strconv.AppendInt(dst, h, 10), " hours"...)
	case h < 24*7*2:
		return append(strconv.AppendInt(dst, h/24, 10), " days"...)
	case h < 24*30*2:
		return append(strconv.AppendInt(dst, h/(24*7), 10), " weeks"...)
	case h < 24*365*2:
		return append(strconv.AppendInt(dst, h/(24*30), 10), " months"...)
	}
	return append(strconv.AppendInt(dst, int64(d.Hours())/(24*365), 10), " years"...)
}

// sizeUnits are decimal, as in go-units' HumanSize: oc prints "251.2 MB",
// not MiB.
var sizeUnits = [...]string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}

// HumanSize renders a byte count with four significant digits in decimal
// units, as `oc describe` does: 0 → "0 B", 2898000 → "2.898 MB",
// 251200000 → "251.2 MB". A negative count, which only a broken object
// has, is scaled as its absolute value is: -2000 → "-2 kB", where
// go-units leaves it in bytes and prints "-2000 B" or "-1e+06 B".
func HumanSize(n int64) string {
	f, u := float64(n), 0
	for math.Abs(f) >= 1000 && u < len(sizeUnits)-1 {
		f /= 1000
		u++
	}
	return strconv.FormatFloat(f, 'g', 4, 64) + " " + sizeUnits[u]
}

// ago renders the age of t at now, or "<unknown>" for a zero time.
func ago(t image.Time, now time.Time) string {
	return string(appendAgo(nil, t, now))
}

func appendAgo(dst []byte, t image.Time, now time.Time) []byte {
	if t.IsZero() {
		return append(dst, "<unknown>"...)
	}
	return append(appendDuration(dst, now.Sub(t.Time)), " ago"...)
}

// ageLine prints an age indented under a history entry.
func (p *printer) ageLine(t image.Time) {
	p.eventAgeLine(t, "")
}

// eventAgeLine is ageLine followed, when id is not empty, by a tab and
// id: the single tab oc's tabwriter writes for a lone cell.
func (p *printer) eventAgeLine(t image.Time, id string) {
	p.flushColumns()
	b := p.buf.AvailableBuffer()
	b = appendAgo(append(b, "      "...), t, p.now)
	if id != "" {
		b = append(append(b, '\t'), clean(id)...)
	}
	p.buf.Write(append(b, '\n'))
}

// clean makes a value safe for one tabwriter cell: a value with a tab,
// newline or other control character (an annotation holding JSON, say)
// is printed quoted, so it cannot break the columns or add lines.
func clean(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return strconv.Quote(s)
		} else if c >= 0x80 {
			ascii = false
		}
	}
	// Printable ASCII, the common case, needs no rune decoding.
	if !ascii && strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// orNone returns s, or "<none>" when it is empty.
func orNone(s string) string {
	if s == "" {
		return none
	}
	return clean(s)
}

// printer accumulates the output in memory so that a description reaches
// the caller's writer in one Write, whole or not at all.
type printer struct {
	buf bytes.Buffer
	// tw aligns the "Label:\tvalue" lines; free text such as the tag
	// blocks bypasses it, since tabwriter is slow and they have no columns.
	tw      *tabwriter.Writer
	pending bool // tw holds lines not yet flushed to buf
	now     time.Time
}

func newPrinter(now time.Time) *printer {
	p := &printer{now: now}
	p.buf.Grow(2048)
	// Tabs as padding with an 8-column tab stop reproduce oc's layout:
	// "Name:\t\t\tpython" next to "Docker Pull Spec:\t…".
	p.tw = tabwriter.NewWriter(&p.buf, 0, 8, 1, '\t', 0)
	return p
}

// field prints "label:\tvalue"; value must already be clean.
func (p *printer) field(label, value string) {
	p.pending = true
	io.WriteString(p.tw, label)
	io.WriteString(p.tw, ":\t")
	io.WriteString(p.tw, value)
	p.tw.Write([]byte{'\n'})
}

// more prints a continuation line in the value column.
func (p *printer) more(value string) {
	p.pending = true
	p.tw.Write([]byte{'\t'})
	io.WriteString(p.tw, value)
	p.tw.Write([]byte{'\n'})
}

// flushColumns moves the aligned lines into buf, before free text.
func (p *printer) flushColumns() {
	if p.pending {
		p.tw.Flush() // writes to a bytes.Buffer: cannot fail
		p.pending = false
	}
}

// line prints the concatenation of parts as a line outside the columns.
func (p *printer) line(parts ...string) {
	p.flushColumns()
	for _, s := range parts {
		p.buf.WriteString(s)
	}
	p.buf.WriteByte('\n')
}

// list prints label with the first value and continuation lines for the
// rest, or "<none>" for no values.
func (p *printer) list(label string, values []string) {
	if len(values) == 0 {
		p.field(label, none)
		return
	}
	// oc prints the first value as a field, and so an empty one as
	// "<none>"; the values after it as they are.
	first := values[0]
	if first == "" {
		first = none
	}
	p.field(label, first)
	for _, v := range values[1:] {
		p.more(v)
	}
}

// keyValues returns "key=value" for each entry of m but the keys in skip,
// sorted by key so the output is deterministic. An empty key is an entry
// like any other.
func keyValues(m map[string]string, skip ...string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = clean(k) + "=" + clean(m[k])
	}
	return out
}

// annotations prints the "description" annotation as a "Description"
// line, as oc formatAnnotations does, then the other annotations. Unlike
// kubectl describe, oc keeps kubectl's last-applied configuration; clean
// quotes its JSON onto one line.
func (p *printer) annotations(m map[string]string) {
	if d := m[descriptionAnnotation]; d != "" {
		p.field("Description", clean(d))
	}
	p.list("Annotations", keyValues(m, descriptionAnnotation))
}

// descriptionAnnotation is the annotation oc shows as "Description".
const descriptionAnnotation = "description"

// finish flushes the columns and hands the text to w in one Write.
func (p *printer) finish(w io.Writer) error {
	p.flushColumns()
	if _, err := w.Write(p.buf.Bytes()); err != nil {
		return fmt.Errorf("describe: %w", err)
	}
	return nil
}

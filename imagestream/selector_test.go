package imagestream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/image"
	"github.com/imagestreams/imagestreams/imagestream"
)

// selectorCases are the parser's table, also the fuzz seeds. canonical is
// the String of the parsed selector; offset is the error's offset, -1
// for success.
var selectorCases = []struct {
	name, in, canonical string
	offset              int
}{
	{name: "empty matches everything", in: "", canonical: "", offset: -1},
	{name: "blank matches everything", in: "  ", canonical: "", offset: -1},
	{name: "equality", in: "app=ruby", canonical: "app=ruby", offset: -1},
	{name: "double equals is equality", in: "app == ruby", canonical: "app=ruby", offset: -1},
	{name: "inequality", in: "env!=prod", canonical: "env!=prod", offset: -1},
	{name: "empty value", in: "env=", canonical: "env=", offset: -1},
	{name: "set in, sorted and deduplicated", in: "env in (test, dev,test)", canonical: "env in (dev,test)", offset: -1},
	{name: "set notin", in: "env notin (prod)", canonical: "env notin (prod)", offset: -1},
	{name: "empty set is the empty value", in: "env in ()", canonical: "env in ()", offset: -1},
	{name: "exists", in: "release", canonical: "release", offset: -1},
	{name: "does not exist", in: "!release", canonical: "!release", offset: -1},
	{name: "requirements sorted by key", in: "b=1,a=2, !c", canonical: "a=2,b=1,!c", offset: -1},
	{name: "prefixed key", in: "app.kubernetes.io/name=ruby", canonical: "app.kubernetes.io/name=ruby", offset: -1},
	{name: "in as a value", in: "x=in", canonical: "x=in", offset: -1},
	{name: "greater than", in: "build>3", canonical: "build>3", offset: -1},
	{name: "less than, spaced", in: "build < 10", canonical: "build<10", offset: -1},
	{name: "integer bounds sorted by key", in: "z<1,build>007", canonical: "build>007,z<1", offset: -1},
	{name: "missing key", in: "=ruby", offset: 0},
	{name: "trailing comma", in: "app=ruby,", offset: 9},
	{name: "two values", in: "app=ruby rails", offset: 9},
	{name: "unclosed set", in: "env in (dev", offset: 11},
	{name: "set without parenthesis", in: "env in dev", offset: 7},
	{name: "unknown operator", in: "env lt 3", offset: 4},
	{name: "bad key", in: "-app=ruby", offset: 0},
	{name: "bad prefix", in: "Foo/app=ruby", offset: 0},
	{name: "bad value", in: "app=ruby-", offset: 4},
	{name: "value too long", in: "app=a234567890123456789012345678901234567890123456789012345678901234", offset: 4},
	{name: "double negation", in: "!!app", offset: 1},
	{name: "greater than a word", in: "build>x", offset: 6},
	{name: "greater than nothing", in: "build>", offset: 6},
	{name: "less than a set", in: "build<(1)", offset: 6},
	{name: "greater or equal is no operator", in: "build>=3", offset: 6},
	{name: "negative bound is no label value", in: "build>-1", offset: 6},
	{name: "two bounds", in: "build>1 2", offset: 8},
}

// TestParseSelector checks the label-selector syntax the OpenShift and
// Kubernetes documentation use, and that every parse error is a typed
// *SelectorError matching ErrInvalidSelector.
func TestParseSelector(t *testing.T) {
	for _, tt := range selectorCases {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := imagestream.ParseSelector(tt.in)
			if tt.offset >= 0 {
				se, ok := errors.AsType[*imagestream.SelectorError](err)
				if !ok || !errors.Is(err, imagestream.ErrInvalidSelector) {
					t.Fatalf("ParseSelector(%q) = %v, %v; want a *SelectorError", tt.in, sel, err)
				}
				if diff := cmp.Diff(tt.offset, se.Offset); diff != "" {
					t.Errorf("offset of %v (-want +got):\n%s", err, diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.canonical, sel.String()); diff != "" {
				t.Errorf("canonical form (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelectorMatches checks each operator's meaning, absent labels
// included.
func TestSelectorMatches(t *testing.T) {
	labels := []map[string]string{nil, {"env": "prod"}, {"env": "dev", "app": "ruby"}, {"env": ""}}
	tests := []struct {
		name, selector string
		want           []bool // per labels entry
	}{
		{name: "empty", selector: "", want: []bool{true, true, true, true}},
		{name: "equals", selector: "env=prod", want: []bool{false, true, false, false}},
		{name: "equals empty value", selector: "env=", want: []bool{false, false, false, true}},
		{name: "not equals includes absent", selector: "env!=prod", want: []bool{true, false, true, true}},
		{name: "in", selector: "env in (dev,prod)", want: []bool{false, true, true, false}},
		{name: "notin includes absent", selector: "env notin (dev,prod)", want: []bool{true, false, false, true}},
		{name: "exists", selector: "env", want: []bool{false, true, true, true}},
		{name: "does not exist", selector: "!app", want: []bool{true, true, false, true}},
		{name: "all requirements must hold", selector: "env=dev,app", want: []bool{false, false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, matchEach(t, tt.selector, labels)); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelectorMatchesIntegers checks ">" and "<" as Kubernetes has them:
// the label must exist and be an integer, compared as a number.
func TestSelectorMatchesIntegers(t *testing.T) {
	labels := []map[string]string{nil, {"build": "2"}, {"build": "3"}, {"build": "10"}, {"build": "x"}, {"build": "007"}}
	tests := []struct {
		name, selector string
		want           []bool // per labels entry
	}{
		{name: "greater than", selector: "build>3", want: []bool{false, false, false, true, false, true}},
		{name: "less than", selector: "build<10", want: []bool{false, true, true, false, false, true}},
		{name: "between", selector: "build>3,build<10", want: []bool{false, false, false, false, false, true}},
		{name: "leading zeros in the bound", selector: "build<003", want: []bool{false, true, false, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, matchEach(t, tt.selector, labels)); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
		})
	}
	// A requirement built by hand with a bound that is no integer
	// matches nothing, as in Kubernetes.
	r := imagestream.SelectorRequirement{Key: "build", Operator: imagestream.SelectorGreaterThan, Values: []string{"x"}}
	if r.Matches(map[string]string{"build": "5"}) {
		t.Errorf("%s matches build=5", r.String())
	}
}

// FuzzParseSelector checks that a selector that parses has a canonical
// form that parses to the same selector, and that a failure is always a
// *SelectorError with an offset inside the input.
func FuzzParseSelector(f *testing.F) {
	for _, tt := range selectorCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sel, err := imagestream.ParseSelector(in)
		if err != nil {
			se, ok := errors.AsType[*imagestream.SelectorError](err)
			if !ok || se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("ParseSelector(%q) error %#v, want a *SelectorError within the input", in, err)
			}
			return
		}
		again, err := imagestream.ParseSelector(sel.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", sel.String(), in, err)
		}
		if diff := cmp.Diff(sel, again); diff != "" {
			t.Fatalf("canonical form %q of %q parses differently (-first +again):\n%s", sel.String(), in, diff)
		}
	})
}

// TestListLabelSelector checks that List of streams and images keeps only
// the objects whose labels match, and rejects a bad selector as a
// BadRequest that wraps the *SelectorError.
func TestListLabelSelector(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for _, s := range []struct {
		name   string
		labels map[string]string
	}{{"ruby", map[string]string{"app": "ruby", "env": "dev"}}, {"php", map[string]string{"app": "php"}}, {"plain", nil}} {
		if _, err := svc.ImageStreams("ns").Create(ctx, &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: s.name, Labels: s.labels}}); err != nil {
			t.Fatal(err)
		}
	}
	labelled := pushed(1)
	labelled.Labels = map[string]string{"app": "ruby"}
	for _, img := range []*image.Image{labelled, pushed(2)} {
		if _, err := svc.Images().Create(ctx, img); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, selector string
		streams        []string
		images         []string
		err            string
	}{
		{name: "none", selector: "", streams: []string{"php", "plain", "ruby"}, images: []string{pushed(1).Name, pushed(2).Name}},
		{name: "equality", selector: "app=ruby", streams: []string{"ruby"}, images: []string{pushed(1).Name}},
		{name: "set and negation", selector: "app in (php,ruby),!env", streams: []string{"php"}, images: []string{pushed(1).Name}},
		{name: "inequality includes unlabelled", selector: "app!=ruby", streams: []string{"php", "plain"}, images: []string{pushed(2).Name}},
		{name: "parse error", selector: "app in ruby", err: "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, err := svc.ImageStreams("ns").List(ctx, imagestream.ListOptions{LabelSelector: tt.selector})
			images, ierr := svc.Images().List(ctx, imagestream.ListOptions{LabelSelector: tt.selector})
			if tt.err != "" {
				for _, e := range []error{err, ierr} {
					if outcome(e) != tt.err || !errors.Is(e, imagestream.ErrInvalidSelector) {
						t.Errorf("error %v, want %s wrapping ErrInvalidSelector", e, tt.err)
					}
				}
				return
			}
			if err != nil || ierr != nil {
				t.Fatal(err, ierr)
			}
			var gotStreams, gotImages []string
			for _, is := range streams.Items {
				gotStreams = append(gotStreams, is.Name)
			}
			for _, img := range images.Items {
				gotImages = append(gotImages, img.Name)
			}
			if diff := cmp.Diff(tt.streams, gotStreams); diff != "" {
				t.Errorf("streams (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.images, gotImages); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTagListsSelectStreams checks that the label selector of the tag
// view lists applies to the streams, whose labels the views carry
// (SEMANTICS §12.1, §12.2).
func TestTagListsSelectStreams(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	for i, name := range []string{"ruby", "php"} {
		is := &image.ImageStream{ObjectMeta: image.ObjectMeta{Name: name, Labels: map[string]string{"app": name}}}
		if _, err := svc.ImageStreams("ns").Create(ctx, is); err != nil {
			t.Fatal(err)
		}
		pushInto(t, svc, "ns", name, "latest", pushed(i))
	}
	opts := imagestream.ListOptions{LabelSelector: "app notin (php)"}
	istags, err := svc.ImageStreamTags("ns").List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	itags, err := svc.ImageTags("ns").List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range istags.Items {
		got = append(got, "istag "+it.Name)
	}
	for _, it := range itags.Items {
		got = append(got, "imagetag "+it.Name)
	}
	if diff := cmp.Diff([]string{"istag ruby:latest", "imagetag ruby:latest"}, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if _, err := svc.ImageTags("ns").List(ctx, imagestream.ListOptions{LabelSelector: "app in"}); !errors.Is(err, imagestream.ErrInvalidSelector) {
		t.Errorf("bad selector: error %v, want ErrInvalidSelector", err)
	}
}

// matchEach parses selector and reports whether it matches each of labels.
func matchEach(t *testing.T, selector string, labels []map[string]string) []bool {
	t.Helper()
	sel, err := imagestream.ParseSelector(selector)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]bool, len(labels))
	for i, l := range labels {
		got[i] = sel.Matches(l)
	}
	return got
}

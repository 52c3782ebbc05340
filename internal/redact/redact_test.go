package redact_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imagestreams/imagestreams/internal/redact"
)

func TestForms(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		want    []string
	}{
		{"none", nil, nil},
		{"empty is left out", []string{""}, nil},
		{"plain, once", []string{"abcd", "abcd"}, []string{"abcd"}},
		{"escapes differ", []string{"a b+"}, []string{"a%20b+", "a+b%2B", "a b+"}},
		{"longest first", []string{"tok", "tok-and-more"}, []string{"tok-and-more", "tok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, redact.Forms(tt.secrets...)); diff != "" {
				t.Errorf("Forms(%q) (-want +got):\n%s", tt.secrets, diff)
			}
		})
	}
}

func ExampleForms() {
	for _, f := range redact.Forms("s3 cret") {
		fmt.Println(f)
	}
	// Output:
	// s3%20cret
	// s3 cret
	// s3+cret
}

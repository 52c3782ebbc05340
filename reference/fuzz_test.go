package reference_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/reference"
)

var parseErrors = []error{
	reference.ErrNameEmpty,
	reference.ErrNameContainsUppercase,
	reference.ErrReferenceInvalidFormat,
	reference.ErrNameTooLong,
	reference.ErrDigestInvalidFormat,
	reference.ErrDigestInvalidLength,
	reference.ErrDigestUnsupported,
}

// FuzzParse checks, besides the absence of panics, that
//   - a failed Parse returns the zero value and one of the package's errors;
//   - a registry-only result (empty Exact) holds the whole spec in Registry;
//   - Exact round-trips: Parse(r.Exact()) == r.MostSpecific(), the tag being
//     the one thing Exact drops (when a digest ID is present);
//   - String round-trips up to Equal, except that the library namespace it
//     adds may push the name past NameTotalLengthMax.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.spec)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		r, err := reference.Parse(spec)
		if err != nil {
			if diff := cmp.Diff(reference.DockerImageReference{}, r); diff != "" {
				t.Fatalf("Parse(%q) = error %v with non-zero reference (-want +got):\n%s", spec, err, diff)
			}
			for _, want := range parseErrors {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("Parse(%q) returned unexpected error %v", spec, err)
		}

		exact := r.Exact()
		if exact == "" {
			// SEMANTICS §9: only registry-only specs parse to an empty name.
			if diff := cmp.Diff(reference.DockerImageReference{Registry: spec}, r); diff != "" {
				t.Fatalf("Parse(%q) has empty Exact but is not registry-only (-want +got):\n%s", spec, diff)
			}
			return
		}
		want := r.MostSpecific()
		again, err := reference.Parse(exact)
		if err != nil {
			t.Fatalf("Parse(%q).Exact() = %q does not parse: %v", spec, exact, err)
		}
		if diff := cmp.Diff(want, again); diff != "" {
			t.Fatalf("Parse(%q).Exact() = %q round-trip mismatch (-want +got):\n%s", spec, exact, diff)
		}

		str := r.String()
		viaString, err := reference.Parse(str)
		switch {
		case err == nil:
			if !viaString.Equal(want) {
				t.Fatalf("Parse(%q).String() = %q parses to %+v, not Equal to %+v", spec, str, viaString, want)
			}
		case errors.Is(err, reference.ErrNameTooLong) && len(str) > len(exact):
			// String added "library/" to a name already near the limit.
		default:
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", spec, str, err)
		}
	})
}

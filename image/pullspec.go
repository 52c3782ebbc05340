package image

import "github.com/imagestreams/imagestreams/reference"

// parseError returns the error reference.Parse would return for spec,
// without building the parsed value: validation checks every pull spec of
// a stream, tens of thousands for a large one.
func parseError(spec string) error {
	return reference.Validate(spec)
}

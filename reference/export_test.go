package reference

// The two halves of Parse, for scan_test.go (package reference_test) to
// compare against each other; FuzzFastParse needs the shared test table,
// which lives in the external test package.

// ParseFast is parseFast: Parse's hand-written scanner path.
func ParseFast(spec string) (DockerImageReference, bool) { return parseFast(spec) }

// ParseRegexp is parseRegexp: Parse's regexp path, the reference.
func ParseRegexp(spec string) (DockerImageReference, error) { return parseRegexp(spec) }

// Scan is scan: the captures the scanner finds.
func Scan(spec string) (name, tag, id string, ok bool) { return scan(spec) }

// Package golden compares a test's output with a file in testdata and, run
// with -update, rewrites the file instead, so that a reviewer sees a
// change of output as a diff of the file.
//
//	func TestOutput(t *testing.T) {
//		golden.Check(t, "testdata/output.golden", render())
//	}
//
// and `go test ./pkg -update` regenerates every golden file of the package.
//
// The -update flag is registered by this package: a test package that
// imports it must not register its own.
package golden

// Package registrytest starts a real registry for tests: the Debian
// docker-registry binary (distribution 2.8), listening on 127.0.0.1 with
// its storage in a temporary directory (or in memory), optionally behind
// TLS with a certificate generated for the test and htpasswd basic
// authentication. Content is pushed with oras-go, as any client would
// push it. Registry.CPUTime reports the process's CPU time, so that
// benchmarks can tell the registry's share of a run from the client's.
//
// A test calling Start is skipped, with a message saying why, when the
// binary is missing — unless the environment variable CI is "true", where
// a missing binary fails the test (CI installs the package).
package registrytest

// Package registrytest starts a real registry for tests: the Debian
// docker-registry binary (distribution 2.8), listening on 127.0.0.1 with
// its storage in a temporary directory (or in memory), optionally behind
// TLS with a certificate generated for the test and htpasswd basic
// authentication. Content is pushed with oras-go, as any client would
// push it. Registry.CPUTime reports the process's CPU time, so that
// benchmarks can tell the registry's share of a run from the client's
// (ProcessCPUTime gives theirs), and Options.DebugAddr exposes the
// registry's pprof endpoints to profile it under load.
//
// The registry's cost per request is mostly its own: distribution 2.8
// rebuilds its URL router for every request and allocates a 4 MiB
// buffer for every blob it serves. Start runs it with a garbage
// collector pace suited to that (GOGC=1000), and BenchmarkRegistryCPU
// measures its CPU per request, the figure to compare settings by.
//
// A test calling Start is skipped, with a message saying why, when the
// binary is missing — unless the environment variable CI is "true", where
// a missing binary fails the test (CI installs the package).
package registrytest

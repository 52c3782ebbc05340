// Package etcdtest starts a real etcd server for tests, the way
// net/http/httptest starts an HTTP server.
//
// [Start] runs the etcd binary of the Debian package etcd-server
// (/usr/bin/etcd, else "etcd" on PATH) as a single-member cluster on
// 127.0.0.1 with two free ports and a fresh data directory (on the tmpfs
// /dev/shm when there is one, so etcd's fsyncs are free), waits until its
// /health endpoint answers, and registers cleanups that kill the process,
// wait for it and remove the directory. [Server.Stop] and [Server.Restart] take the
// same member down and up again with the same data directory and ports, so
// a test can check what survives a restart.
//
// [New] does the same for a TestMain, which has no testing.TB, and leaves
// stopping the server to [Server.Close]; a TestMain lets a package share
// one server between its tests and run Examples against it.
//
// When the binary is missing, Start skips the test with a message naming
// the package to install, unless the environment variable CI is "true": in
// CI a missing etcd is a failure, so the tests that need it cannot silently
// stop running (DESIGN.md, "Real servers in tests").
//
// The package imports only the standard library, so any test in the module
// can use it without pulling the etcd client into its build.
package etcdtest

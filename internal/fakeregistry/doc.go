// Package fakeregistry is an in-memory container registry for tests: an
// http.Handler speaking enough of the distribution API (v2 ping,
// manifests, blobs, tag lists with pagination) to import from, with
// optional basic or bearer-token authentication and injectable faults —
// errors, Retry-After, delays, truncated bodies, wrong digests or content
// types, redirects — in the spirit of testing/iotest.
//
// It serves any bytes it is given, including schema 1 manifests and
// malformed ones, which a real registry would refuse to store. It imports
// only the standard library and go-digest, so any package's tests may use
// it.
package fakeregistry

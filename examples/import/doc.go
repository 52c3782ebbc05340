// Command import imports images from a registry into image streams, the
// way `oc import-image` and `oc tag --source=docker` do: one image by tag,
// a whole repository, and a multi-arch manifest list in both import modes
// — Legacy, which keeps the one child matching the control plane's
// platform, and PreserveOriginal, which keeps the list and every child.
// It runs the imagestream Service with the importer over the in-memory
// store, and prints each result and the streams it filled.
//
// Try it against a local registry, such as Debian's docker-registry
// (apt-get install docker-registry; it listens on localhost:5000 over
// plain HTTP). -push first uploads the demo images it imports:
//
//	go run ./examples/import -registry localhost:5000 -push
//	go run ./examples/import -registry localhost:5000 -arch arm64
//
// Without -push the registry must already serve <path>/app with tags v1,
// v2 and latest, and <path>/multiarch:v1, a manifest list.
//
// A registry on this machine (localhost or a loopback address) is
// imported from with importPolicy.insecure, plain HTTP allowed, as docker
// treats one, and the output says so; any other registry must present a
// certificate this machine trusts unless -insecure is given. Failed
// imports are printed (app:v9 is missing on purpose); the program exits
// non-zero when none succeeded.
package main

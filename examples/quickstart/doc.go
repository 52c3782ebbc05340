// Command quickstart tours the library offline, on the in-memory store:
// it creates an image stream, pushes two images to it the way the
// integrated registry does (ImageStreamMappings), tags across tags, rolls
// a tag back, prints the history the way `oc describe is/…` and
// `oc describe istag/…` do (package describe) and deletes a tag.
//
//	go run ./examples/quickstart
package main

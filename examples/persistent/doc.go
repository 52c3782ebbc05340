// Command persistent runs the quickstart's flow on storage/bolt, an
// embedded store in a single file, and shows that streams, images and
// their tag history survive a restart. Run it twice on the same file:
//
//	go run ./examples/persistent -db /tmp/imagestreams.db
//	go run ./examples/persistent -db /tmp/imagestreams.db
//
// The first run finds no stream, so it does what the quickstart does:
// creates demo/ruby, pushes two images through ImageStreamMappings, pins
// ruby:prod, makes ruby:stable follow latest, rolls prod back and deletes
// stable. Every later run reopens the file, finds the stream where the
// previous run left it, and pushes one more image to ruby:latest, so the
// history grows by one event per run. Delete the file to start over.
package main

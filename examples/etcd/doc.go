// Command etcd runs the quickstart's flow on storage/etcd, so that the
// streams, images and tag history live in an etcd cluster that several
// processes can share, and survive any of them. Start etcd (the Debian
// package etcd-server listens on 127.0.0.1:2379) and run the example
// twice:
//
//	go run ./examples/etcd -endpoints http://127.0.0.1:2379
//	go run ./examples/etcd -endpoints http://127.0.0.1:2379
//
// The first run finds no stream under -prefix, so it does what the
// quickstart does: creates demo/ruby, pushes two images through
// ImageStreamMappings, pins ruby:prod, makes ruby:stable follow latest,
// rolls prod back and deletes stable. Every later run finds the stream
// where the previous run left it and pushes one more image to
// ruby:latest. Remove the keys (etcdctl del --prefix /imagestreams-example)
// to start over.
package main

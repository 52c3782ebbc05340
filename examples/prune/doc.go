// Command prune runs `oc adm prune images` over a generated cluster: a
// seeded random snapshot of images, manifest lists and streams with tag
// history (image/imagetest) is stored through the imagestream Service,
// read back as oc reads a cluster, and planned with workloads that use
// some of the tags. It prints the plan's summary and what each rule kept
// or deleted, and writes the whole plan — every tag event and image with
// its decision and reason — as JSON to the -out file.
//
//	go run ./examples/prune
//	go run ./examples/prune -images 100000 -streams 10000 -out /tmp/plan.json
//	go run ./examples/prune -confirm
//
// Like oc, it is a dry run unless -confirm is given; then it executes the
// plan against the store (the registry is a stand-in that counts what it
// would delete), prints oc's closing summary and writes the execution
// report as JSON to the -report file. The same flags give the same output
// and files, byte for byte, on every machine.
package main

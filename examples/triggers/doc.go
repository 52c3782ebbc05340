// Command triggers reacts to tag changes the way OpenShift's image change
// triggers do: each deployment names the stream tag it runs, and when that
// tag starts pointing at another image the deployment is rolled out with
// it. One goroutine plays the registry and the user (it pushes images
// through ImageStreamMappings and pins a tag with `oc tag`) while the main
// goroutine watches the namespace's tag changes (Service.WatchTags) and
// prints a "trigger:" line for each rollout.
//
//	go run ./examples/triggers
//	go run ./examples/triggers -pushes 5
//
// What it shows: every push to a watched tag deploys; pushing the image a
// tag already has changes nothing; a pinned tag (ImageStreamImage) ignores
// pushes to its source until it is re-tagged; a tag no deployment watches
// deploys nothing. The run ends when the watcher has seen the pusher's last
// write, so the output is the same on every run.
package main

// Package imagestream is the behaviour of OpenShift's API server for the
// ImageStream family, as a library: what happens to a stream when it is
// created, updated, pushed to, imported into or tagged.
//
// It has two layers. Pure functions on *image.ImageStream implement the
// rules (the tag history, the Strategy that manages generations and
// resolves spec tags); the [Service] stores streams and images in any
// [storage.Interface] and offers client-go-shaped clients over them.
//
// The pure functions expect a normalized stream: tag lists sorted by
// name without duplicates, the form OpenShift stores and `oc get -o json`
// prints. They find tags by binary search, so on a stream built by hand
// call [Normalize] first, or a tag may be missed. The Service normalizes
// every stream it is given.
//
// # Tag history
//
// A tag's status is its history, newest first. [AddTagEvent] is the only
// way it grows (SEMANTICS §5.1): only the newest event is compared with
// the new one; an identical event changes nothing, one that differs only
// in generation, image or pull spec is updated in place, anything else is
// put in front. Nothing caps the history; pruning removes entries.
// Tracking tags (spec tags of kind ImageStreamTag) follow their source:
// [UpdateTrackingTags] copies the source's new event to them (§5.3).
//
// # Generations
//
// metadata.generation counts spec changes: a change to the spec, and only
// to the spec, adds one (§4.3). Each spec tag records the generation at
// which it last changed; a tag sent with generation 0 asks to be imported
// again. Every tag event records the generation it answers, so a tag whose
// spec generation is newer than its newest event (or failure condition)
// still needs importing. The [Strategy] applies these rules on every write,
// resolves spec tags that point at other tags or images into status (§4.4),
// and validates.
//
// # Pushes: ImageStreamMapping
//
// After a push by tag the integrated registry sends an ImageStreamMapping:
// the Image is stored if new, and the tag gets a new newest event whose
// generation is the stream's (§6). Only the status changes. Concurrent
// pushes into one stream all land: writers in one process take turns, and
// the mappings that arrive while one is being written share the next
// write, one revision for many events. A compare-and-swap that loses to a
// writer elsewhere is retried while the tag still shows what the push
// saw. The Service keeps the last revision of each stream decoded, with
// the JSON of each tag, and its status tags in chunks, so a push encodes
// only its new events, looks only at the tags it changes and copies only
// their chunks. On the memory store, which keeps a value as the list of
// those chunks, appending a tag event costs the same whatever the number
// of other tags; other stores are handed the whole value, one copy.
//
// # Tag views: ImageStreamTags and ImageTags
//
// "<stream>:<tag>" names one tag. [ImageStreamTags] shows its newest
// image; [ImageTags] its spec, status and image (§12). Both create, update
// and delete: a create adds a spec tag (AlreadyExists when there is one)
// and creates the stream if needed, as `oc tag` does; an update replaces
// the spec tag (an ImageTag with no spec deletes it, keeping the status);
// a delete removes spec and status, as `oc tag -d` does. Every such write
// goes through the Strategy: a spec change adds one to the generation,
// and a new tag that points at another tag or an image resolves at once.
//
// # Watching
//
// [ImageStreams.Watch] and [Images.Watch] report changes after a
// resourceVersion, as a Kubernetes watch does, also with label and field
// selectors: an object that comes to match is ADDED, one that stops
// matching DELETED ([WatchOptions]). An update that changes nothing is
// not written and reports nothing, as in OpenShift.
//
// [Service.WatchTags] turns stream changes into [TagChange] events —
// stream, tag, previous and new image — the building block of image
// change triggers. It resumes from a resourceVersion.
//
// # Lookup and pull secrets
//
// A stream with spec.lookupPolicy.local lets pods name its tags by short
// name: [Service.ResolveShortName] turns "mysql" or "php:7" into the exact
// pull spec the tag's reference policy hands out (§11.2). The status
// repositories derive from the configured registry host names on every
// read (§4.2). [ImageStreams.Secrets] lists the namespace's pull secrets
// from a [SecretProvider] (§10.5). Lists accept Kubernetes label
// selectors ([ParseSelector]). Streams and images take JSON merge patches
// and JSON Patches, as `oc patch` sends them ([ImageStreams.Patch]).
//
// # Imports
//
// An ImageStreamImport asks an [Importer] (the importer package provides
// one) to fetch images from registries, then [ApplyImportResults] turns
// the results into tag events or ImportSuccess=False conditions (§8.8,
// §8.9); a failed import never removes the image a tag points at.
//
// # Errors
//
// The Service returns [*StatusError] values with OpenShift's reasons and
// messages; errors.Is maps them onto storage.ErrNotFound,
// storage.ErrExists, storage.ErrConflict and image.ErrInvalid.
package imagestream

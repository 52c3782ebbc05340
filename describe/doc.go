// Package describe renders image API objects for people, the way
// `oc describe` prints them in OpenShift's documentation: [ImageStream]
// for `oc describe is/<name>`, [ImageStreamTag] for
// `oc describe istag/<stream>:<tag>` and [Image] for
// `oc describe image/<digest>`.
//
// # Layout
//
// A description is a block of "Label:" lines whose values line up in one
// column, padded with tabs to 8-column stops as oc's tabwriter pads them,
// followed for a stream by one block per tag:
//
//	Name:			python
//	Namespace:		default
//	Created:		5 minutes ago
//	Labels:			<none>
//	Annotations:		openshift.io/image.dockerRepositoryCheck=2017-10-02T17:05:11Z
//	Docker Pull Spec:	docker-registry.default.svc:5000/default/python
//	Image Lookup:		local=false
//	Unique Images:		1
//	Tags:			2
//
//	latest
//	  tagged from python@sha256:49c1…
//
//	  * centos/python-35-centos7@sha256:49c1…
//	      About a minute ago
//
// A tag that follows another tag of the same stream (its source is an
// ImageStreamTag, possibly through a chain of them) gets no block of its
// own: as in oc, it is named in parentheses after the tag it ends at,
// "latest (stable)", though it still counts in "Tags:".
// Tags come in OpenShift's PrioritizeTags order ("latest", then version
// tags newest first, then the rest; SEMANTICS §5.5). The star marks the
// event a tag currently points at; older events follow, newest first.
// Empty values read "<none>". Maps (labels, annotations, Docker labels)
// print one "key=value" per line, sorted by key; a value holding a
// control character, such as an annotation with JSON in it, is quoted so
// that it stays on its line.
//
// # Time
//
// Ages ("About a minute ago", "2 weeks ago") are measured from the now
// every function takes, in the go-units style oc uses ([HumanDuration]).
// Passing a fixed time makes the output a pure function of its inputs,
// which is what golden-file tests and the quickstart rely on; pass
// time.Now() for live use. Sizes are decimal with four significant
// digits ([HumanSize]): "251.2 MB".
//
// # Differences from oc
//
// The "Image Size" line joins what two generations of oc printed: the
// layer count of current oc and the first and last binary layer sizes of
// the origin-era oc in the documentation (SEMANTICS §10.3). An image
// without layers gets oc's "Layer Size" line, but a size of 0 reads
// "<unknown>" rather than "0 B", and a manifest list keeps "Image Size"
// with "<none> (manifest list of n images)". The pull spec keeps the
// documentation's "Docker Pull Spec" label, which later oc releases
// renamed "Image Repository". A zero time (an event, a condition or an
// image config without one) reads "<unknown>", where oc 4.2 measures
// from year 1 and prints "292 years ago". Where oc 4.2 leaves a value
// empty the package prints "<none>" as the documentation's oc did, and
// it prints neither oc 4.2's per-layer "Layers:" list, which the
// documented output does not have, nor image signatures. The
// descriptions never fetch anything: an ImageStreamTag carries its
// image, and a stream describes only itself.
//
// The package imports only the image and reference packages and the
// standard library, so tools can render objects without linking storage
// or HTTP code.
package describe

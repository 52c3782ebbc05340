// Package redact lists the forms in which a credential can come back
// from a registry, so that the importer and the pruner scrub the same
// ones: a registry may echo what it was sent in a status line or an
// error body, and a redirect's URL carries it escaped.
package redact

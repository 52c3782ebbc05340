// Package history keeps a bounded log of recent storage events and serves
// watches from it. It is the watch machinery of the backends that have no
// native watch (storage/memory, and any other in-process backend).
//
// # Log
//
// A backend appends one event per write, in revision order, while it still
// serializes its writes, so the log's order is the store's order. The log
// holds the most recent events, up to a number of events and a number of
// bytes of keys and values; older events are evicted, and [Log.Compact]
// can evict more on request. The revision of the last evicted event is the
// log's compacted revision: a watch must start at or above it, else it
// fails with storage.ErrTooOld.
//
// # Watches
//
// A watch does not get its own queue. It keeps a cursor (the last revision
// it has looked at) and a goroutine that copies the matching events after
// the cursor out of the log and sends them on the watch's channel. Writers
// therefore never block on watchers and never allocate for them; a watcher
// that falls so far behind that the log has evicted events it has not seen
// receives an Error event wrapping storage.ErrTooOld and its channel is
// closed. Its consumer can list again and watch from the list's revision.
//
// # Values in parts
//
// A backend may hold a large value as [Parts], immutable slices whose
// concatenation is the value, so that a write costs O(number of parts) and
// shares most parts with the previous version. [Log.AppendParts] logs such
// an event without joining it: a watch joins the value when it delivers
// the event, outside the log's lock, and the join is done once per value
// however many watches, or other readers of the backend, ask for it.
package history

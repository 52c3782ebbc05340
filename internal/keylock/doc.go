// Package keylock serializes work per key: writers of one key take turns,
// writers of different keys do not wait for each other. A lock exists only
// while someone holds or awaits it, so memory stays proportional to the
// keys in use. Waiting honours a context.
package keylock

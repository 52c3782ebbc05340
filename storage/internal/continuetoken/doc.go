// Package continuetoken encodes the continue tokens of paginated lists, so
// that every backend in this module hands out and accepts the same format.
//
// A token records the snapshot a page chain reads from (the first page's
// resourceVersion), the prefix of the list, and the last key returned so
// far; the next page starts strictly after that key. The last key always
// starts with the prefix, so the token stores the prefix as its length in
// bytes: a token then names its list exactly, and one presented to a list
// of another prefix, even a nested one, is rejected. On the wire it is the
// unpadded URL-safe base64 of a version byte, the revision and the prefix
// length as uvarints, and the key's raw bytes. Keys may hold any byte but
// NUL, so the key is not put in JSON, whose strings would replace invalid
// UTF-8. Callers must treat a token as opaque: the format may change
// between releases, and Decode rejects anything it did not produce.
package continuetoken

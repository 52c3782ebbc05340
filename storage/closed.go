package storage

import "errors"

// ErrClosed is returned by the operations of a store after its Close, and
// carried by the Error event that ends the watches Close interrupts.
var ErrClosed = errors.New("store closed")

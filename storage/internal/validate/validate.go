package validate

import (
	"errors"

	"github.com/imagestreams/imagestreams/storage"
)

// Key is storage.ValidateKey for operation op.
func Key(op, key string) error { return relabel(storage.ValidateKey(key), op) }

// Prefix is storage.ValidatePrefix for operation op.
func Prefix(op, prefix string) error { return relabel(storage.ValidatePrefix(prefix), op) }

// Value is storage.ValidateValue for operation op.
func Value(op, key string, value []byte) error {
	return relabel(storage.ValidateValue(key, value), op)
}

// Size is storage.ValidateSize for operation op.
func Size(op, key string, n int) error { return relabel(storage.ValidateSize(key, n), op) }

// relabel replaces the operation of a *storage.KeyError with op.
func relabel(err error, op string) error {
	if ke, ok := errors.AsType[*storage.KeyError](err); ok {
		return &storage.KeyError{Op: op, Key: ke.Key, Err: ke.Err}
	}
	return err
}

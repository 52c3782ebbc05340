// Package validate runs the checks of package storage (ValidateKey,
// ValidatePrefix, ValidateValue, ValidateSize) for an operation of a
// backend, so that every backend in this module reports a bad key or value
// the same way.
//
// The checks of package storage return a *storage.KeyError whose Op is
// "validate", as they do not know what they are checking for; the
// functions here put the backend's operation ("get", "create", …) in its
// place, as storage.KeyError documents, so an error reads "get /a/../b:
// invalid key …" and a caller can tell which call failed.
package validate

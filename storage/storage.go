package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// MaxValueSize is the largest value a backend accepts: 1.5 MiB, etcd's
// default request limit, so that data written to one backend can always be
// moved to another.
const MaxValueSize = 3 << 19

// MaxKeyLength bounds a key, in bytes. etcd accepts longer keys, but every key
// this module writes ("/imagestreams/<ns>/<name>") is far shorter; the bound
// keeps a hostile name from becoming a multi-megabyte index entry.
const MaxKeyLength = 1024

// Object is one stored value with the resourceVersion of its last write.
type Object struct {
	// Key is the full key, e.g. "/imagestreams/ns/name".
	Key string
	// Value is the stored bytes. Callers must not modify it: backends may
	// share it with other readers.
	Value []byte
	// ResourceVersion is the store revision at which the value was written.
	// It is always > 0 for a stored object.
	ResourceVersion int64
}

// ListOptions selects a page of a list.
type ListOptions struct {
	// Limit is the maximum number of items to return; <= 0 means no limit.
	Limit int64
	// Continue is the token from a previous ListResult. All pages of one
	// chain are served from the same snapshot (the first page's
	// ResourceVersion); a token whose snapshot has been compacted fails
	// with ErrTooOld.
	Continue string
}

// ListResult is one page of a list.
type ListResult struct {
	// Items are sorted by key.
	Items []Object
	// ResourceVersion is the snapshot the page was read from.
	ResourceVersion int64
	// Continue is non-empty when more items remain.
	Continue string
}

// EventType says what happened to a key.
type EventType string

// Event types.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Error is the last event of a watch that the backend had to end (for
	// example ErrTooOld after compaction, or a lost connection); Err says why.
	Error EventType = "ERROR"
)

// Event is one change seen by a watch.
type Event struct {
	Type EventType
	Key  string
	// Value is the new value; nil for Deleted.
	Value []byte
	// PrevValue is the value before the change; nil for Added, and nil when
	// the backend no longer has it.
	PrevValue []byte
	// ResourceVersion is the revision of the change (for Deleted: the
	// revision of the delete).
	ResourceVersion int64
	// Err is set for Error events only.
	Err error
}

// Interface is a key-value store with a resourceVersion per object and per
// list, compare-and-swap updates and ordered watches. Values are opaque
// bytes: the store knows nothing of the objects it keeps.
//
// Every method validates its key (see ValidateKey) and honours its context.
// Errors wrap the sentinels of this package, so callers test them with
// errors.Is; a failed compare-and-swap returns a *ConflictError carrying the
// current object.
type Interface interface {
	// Get returns the object at key, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (Object, error)

	// List returns the objects whose keys start with prefix, sorted by key.
	List(ctx context.Context, prefix string, opts ListOptions) (ListResult, error)

	// Create stores value at key if the key does not exist, else fails with
	// ErrExists. It returns the new resourceVersion.
	Create(ctx context.Context, key string, value []byte) (int64, error)

	// Update replaces the value at key if its resourceVersion is still rv,
	// else fails with a *ConflictError (ErrConflict); a missing key fails
	// with ErrNotFound. It returns the new resourceVersion.
	Update(ctx context.Context, key string, value []byte, rv int64) (int64, error)

	// Delete removes key. rv == 0 deletes unconditionally; any other rv
	// deletes only if the object's resourceVersion is still rv, else fails
	// with a *ConflictError — always, for rv < 0, which no object has. A
	// missing key fails with ErrNotFound. It returns the deleted object.
	Delete(ctx context.Context, key string, rv int64) (Object, error)

	// Watch streams the changes of keys under prefix that happened after
	// resourceVersion rv (rv == 0: from now on), in revision order, with no
	// gap and no duplicate. The channel is closed when ctx ends; a watch the
	// backend must end early sends one Error event first. Watching from a
	// revision the backend has compacted fails with ErrTooOld, either at
	// once or as the Error event.
	Watch(ctx context.Context, prefix string, rv int64) (<-chan Event, error)

	// Close releases the store's resources.
	Close() error
}

// Sentinel errors. Backends wrap them with the key and operation; test with
// errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrConflict     = errors.New("resource version conflict")
	ErrTooOld       = errors.New("resource version too old")
	ErrInvalidKey   = errors.New("invalid key")
	ErrTooLarge     = errors.New("value too large")
	ErrInvalidToken = errors.New("invalid continue token")
)

// KeyError records a failed operation on one key, like fs.PathError.
// Backends name their operation in Op, also for a key or value their
// checks reject; ValidateKey and its kin, which cannot know it, say
// "validate".
type KeyError struct {
	Op  string // "get", "create", "update", "delete", "list", "watch"
	Key string
	Err error
}

// Error returns the operation, the key and the cause. Unlike
// fs.PathError's, it does not panic when a backend leaves Err nil.
func (e *KeyError) Error() string {
	if e.Err == nil {
		return e.Op + " " + e.Key
	}
	return e.Op + " " + e.Key + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *KeyError) Unwrap() error { return e.Err }

// ConflictError is returned when a compare-and-swap fails. It carries the
// object as it is now, so a caller can retry without another Get.
type ConflictError struct {
	Op  string
	Key string
	// Expected is the resourceVersion the caller asked for.
	Expected int64
	// Current is the object currently stored.
	Current Object
}

// Error names the key with the expected and current resourceVersions.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %s: %v: expected resourceVersion %d, current %d", e.Op, e.Key, ErrConflict, e.Expected, e.Current.ResourceVersion)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ValidateKey reports whether key is well formed: it starts with "/", has
// no empty segment (so no "//" and no trailing "/"), no "." or ".."
// segment, no NUL byte, and is at most MaxKeyLength bytes.
func ValidateKey(key string) error {
	if err := validateKey(key, false); err != nil {
		return &KeyError{Op: "validate", Key: key, Err: err}
	}
	return nil
}

// ValidatePrefix is ValidateKey for list and watch prefixes, which may
// also be "/" alone or end with "/".
func ValidatePrefix(prefix string) error {
	if err := validateKey(prefix, true); err != nil {
		return &KeyError{Op: "validate", Key: prefix, Err: err}
	}
	return nil
}

func validateKey(key string, prefix bool) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > MaxKeyLength:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLength)
	case key[0] != '/':
		return fmt.Errorf("%w: must start with /", ErrInvalidKey)
	case strings.IndexByte(key, 0) >= 0:
		return fmt.Errorf("%w: contains a NUL byte", ErrInvalidKey)
	}
	if prefix {
		if key == "/" {
			return nil
		}
		key = strings.TrimSuffix(key, "/")
	}
	for seg := range strings.SplitSeq(key[1:], "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w: empty segment", ErrInvalidKey)
		case ".", "..":
			return fmt.Errorf("%w: %q segment", ErrInvalidKey, seg)
		}
	}
	return nil
}

// ValidateValue reports whether value fits MaxValueSize.
func ValidateValue(key string, value []byte) error { return ValidateSize(key, len(value)) }

// ValidateSize is ValidateValue for a value of n bytes that the caller
// does not hold in one piece, such as a value kept as parts.
func ValidateSize(key string, n int) error {
	if n > MaxValueSize {
		return &KeyError{Op: "validate", Key: key, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, MaxValueSize)}
	}
	return nil
}

// UpdateFunc computes a new value from the current object. Returning an
// error aborts GuaranteedUpdate with that error; returning a nil value with
// a nil error leaves the object unchanged.
type UpdateFunc func(current Object) (next []byte, err error)

// GuaranteedUpdater is implemented by backends that can run a
// read-modify-write natively (for example inside one transaction), with
// the contract of the function GuaranteedUpdate.
type GuaranteedUpdater interface {
	GuaranteedUpdate(ctx context.Context, key string, ignoreNotFound bool, fn UpdateFunc) (Object, error)
}

// GuaranteedUpdate reads key, calls fn with it and writes fn's result with a
// compare-and-swap, retrying from a fresh read whenever another writer got
// there first, until it succeeds, fn fails or ctx ends. With ignoreNotFound
// a missing key is passed to fn as an Object with no value and
// ResourceVersion 0 and the result is created. It returns the stored object.
//
// fn may run more than once, and must not itself start a GuaranteedUpdate
// of the same key on the same store: where the updates of one key take
// turns (bolt, etcd) it would wait for itself, and elsewhere each inner
// write would fail the outer compare-and-swap, retrying until ctx ends.
//
// A backend implementing GuaranteedUpdater is used directly; otherwise the
// loop runs over Get, Create and Update.
func GuaranteedUpdate(ctx context.Context, s Interface, key string, ignoreNotFound bool, fn UpdateFunc) (Object, error) {
	if g, ok := s.(GuaranteedUpdater); ok {
		return g.GuaranteedUpdate(ctx, key, ignoreNotFound, fn)
	}
	cur, err := s.Get(ctx, key)
	for {
		if err != nil {
			if !ignoreNotFound || !errors.Is(err, ErrNotFound) {
				return Object{}, err
			}
			cur = Object{Key: key}
		}
		if err := ctx.Err(); err != nil {
			return Object{}, err
		}
		next, ferr := fn(cur)
		if ferr != nil {
			return Object{}, ferr
		}
		if next == nil {
			return cur, nil
		}
		var rv int64
		if cur.ResourceVersion == 0 {
			rv, err = s.Create(ctx, key, next)
		} else {
			rv, err = s.Update(ctx, key, next, cur.ResourceVersion)
		}
		if err == nil {
			return Object{Key: key, Value: next, ResourceVersion: rv}, nil
		}
		var ce *ConflictError
		switch {
		case errors.As(err, &ce):
			cur, err = ce.Current, nil
		case errors.Is(err, ErrExists), errors.Is(err, ErrNotFound):
			cur, err = s.Get(ctx, key)
		default:
			return Object{}, err
		}
	}
}

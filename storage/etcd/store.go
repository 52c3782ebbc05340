package etcd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagestreams/imagestreams/internal/keylock"
	"github.com/imagestreams/imagestreams/storage"
	"github.com/imagestreams/imagestreams/storage/internal/validate"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// DefaultDialTimeout bounds New's first round trip when neither the
// caller's context nor Config.DialTimeout does: long enough for a member
// that is electing a leader, short enough to fail fast on a wrong address.
const DefaultDialTimeout = 5 * time.Second

// Config says how to reach etcd and where in its keyspace the store lives.
type Config struct {
	// Client is an existing client to use. The store does not close it.
	// When nil, New creates a client from Endpoints, DialTimeout, TLS,
	// Username and Password, and Close closes it.
	Client *clientv3.Client

	// Endpoints are the client URLs of the cluster, e.g.
	// "http://127.0.0.1:2379".
	Endpoints []string
	// DialTimeout bounds New's connectivity check when ctx has no
	// deadline; <= 0 means DefaultDialTimeout.
	DialTimeout time.Duration
	// TLS, if set, is used for https endpoints.
	TLS *tls.Config
	// Username and Password authenticate against an etcd with auth enabled.
	Username, Password string

	// Prefix is prepended to every key, so several users can share one
	// cluster: with Prefix "/tenant-a" the key "/images/x" is stored at
	// "/tenant-a/images/x". Keys handed back (objects, events) never carry
	// it. Empty means no prefix; otherwise it must be a valid key
	// (storage.ValidateKey), a trailing "/" is dropped. Stores whose
	// prefixes nest ("/p" and "/p/images") share keys; see the package
	// documentation.
	Prefix string
}

// Store is a storage.Interface over etcd v3. It is safe for concurrent use.
type Store struct {
	client    *clientv3.Client
	ownClient bool
	// prefix is Config.Prefix without a trailing slash; it is prepended to
	// every key sent to etcd.
	prefix string
	closed atomic.Bool
	// done is closed by Close to end the watches, which an external
	// client would otherwise keep alive.
	done      chan struct{}
	closeOnce sync.Once
	// locks serialize GuaranteedUpdate per key; hints remember what it
	// wrote (see hint).
	locks keylock.Locks
	hints [hintCount]hint
}

var (
	_ storage.Interface         = (*Store)(nil)
	_ storage.GuaranteedUpdater = (*Store)(nil)
	_ storage.Compactor         = (*Store)(nil)
)

// New returns a store on the cluster cfg describes and checks that it
// answers, so a wrong endpoint fails here rather than on first use.
func New(ctx context.Context, cfg Config) (*Store, error) {
	prefix := strings.TrimSuffix(cfg.Prefix, "/")
	if prefix != "" {
		if err := storage.ValidateKey(prefix); err != nil {
			return nil, fmt.Errorf("etcd: prefix: %w", err)
		}
	}
	s := &Store{client: cfg.Client, prefix: prefix, done: make(chan struct{})}
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	if s.client == nil {
		if len(cfg.Endpoints) == 0 {
			return nil, errors.New("etcd: no endpoints and no client")
		}
		c, err := clientv3.New(clientv3.Config{
			Endpoints:   cfg.Endpoints,
			DialTimeout: timeout,
			TLS:         cfg.TLS,
			Username:    cfg.Username,
			Password:    cfg.Password,
			// The client logs every retry; failures reach our callers as
			// errors, so its own log would only duplicate them.
			Logger: zap.NewNop(),
			// The Debian server is 3.4; the 3.7 client works with it
			// as long as it does not insist on a recent cluster.
			RejectOldCluster: false,
		})
		if err != nil {
			return nil, fmt.Errorf("etcd: %w", err)
		}
		s.client, s.ownClient = c, true
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	// A single-key read is the cheapest request that proves the cluster
	// serves linearizable reads.
	if _, err := s.client.Get(ctx, s.prefix+"/"); err != nil {
		if s.ownClient {
			_ = s.client.Close()
		}
		return nil, fmt.Errorf("etcd: connect %v: %w", cfg.Endpoints, err)
	}
	return s, nil
}

// Close releases the client if New created it. Operations after Close fail
// with storage.ErrClosed and open watches end with an Error event.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.done)
		if s.ownClient {
			err = s.client.Close()
		}
	})
	return err
}

// key maps a storage key to its etcd key.
func (s *Store) key(k string) string { return s.prefix + k }

// unkey maps an etcd key back; every key the store reads is under prefix.
func (s *Store) unkey(k []byte) string { return string(k[len(s.prefix):]) }

// object converts a key-value of the store's keyspace.
func (s *Store) object(kv *mvccpb.KeyValue) storage.Object {
	return storage.Object{Key: s.unkey(kv.Key), Value: value(kv.Value), ResourceVersion: kv.ModRevision}
}

// value returns the value of a key-value that exists. The protobuf
// decoder leaves an empty value nil, and nil means "no value" (a Deleted
// event's Value, a PrevValue the backend does not have), so an empty
// stored value is returned as empty and not nil, as the other backends do.
func value(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// check validates key and fails after Close.
func (s *Store) check(op, key string) error {
	if s.closed.Load() {
		return &storage.KeyError{Op: op, Key: key, Err: storage.ErrClosed}
	}
	return validate.Key(op, key)
}

// wrap maps an etcd client error to the storage sentinels and records the
// operation and key.
func (s *Store) wrap(op, key string, err error) error {
	switch {
	case s.closed.Load():
		err = fmt.Errorf("%w: %w", storage.ErrClosed, err)
	case errors.Is(err, rpctypes.ErrCompacted):
		err = fmt.Errorf("%w: %w", storage.ErrTooOld, err)
	case errors.Is(err, rpctypes.ErrRequestTooLarge):
		err = fmt.Errorf("%w: %w", storage.ErrTooLarge, err)
	}
	return &storage.KeyError{Op: op, Key: key, Err: err}
}

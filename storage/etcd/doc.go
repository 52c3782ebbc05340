// Package etcd is a storage.Interface over an etcd v3 cluster, with the
// mapping Kubernetes' etcd3 store uses, so several processes can share one
// store.
//
// # Mapping
//
// A value is stored under Config.Prefix + key, and its resourceVersion is
// the key's ModRevision: etcd's cluster-wide revision of its last write.
//
//   - Create is a transaction guarded by CreateRevision(key) == 0, true only
//     while the key is absent; failing, it reports storage.ErrExists.
//   - Update and a Delete with a resourceVersion are guarded by
//     ModRevision(key) == rv. Their else-branch reads the key, so a
//     *storage.ConflictError carries the current object at no extra cost.
//   - GuaranteedUpdate reads once, calls its function, and writes with the
//     ModRevision guard (ModRevision == 0 for a key that was absent),
//     retrying from the else-branch's object.
//   - List reports the response header's revision; the following pages of
//     a chain are read at that revision (WithRev), so a chain is a
//     consistent snapshot until etcd compacts it.
//   - Watch uses WithPrevKV and a start revision; etcd's compaction
//     becomes storage.ErrTooOld, at once or as an Error event.
//
// # Sharing a cluster
//
// Keys never leave with their prefix, and every list and watch stays
// inside it, so users whose prefixes do not nest do not see each other's
// keys. Prefixes nest when one is the other followed by "/…", and then
// they share keys: "/p" + "/images/x" and "/p/images" + "/x" are the same
// etcd key, and the store at "/p" lists and watches everything of the
// one at "/p/images". The empty prefix nests every other. "/p" and "/pa"
// do not nest, as every key starts with "/". The layout is kept, as
// changing it would strand stored data, so give each user a prefix that
// neither contains nor extends another's. Revisions are the cluster's,
// though: a store's resourceVersions
// advance with every write to the cluster, and [Store.Compact] compacts the
// whole keyspace.
//
// # Server
//
// The client is go.etcd.io/etcd/client/v3 v3.7; it works with servers
// from v3.4 on (it is tested against the Debian etcd-server 3.4 package).
// storage.MaxValueSize equals etcd's default --max-request-bytes, which
// bounds the whole request: run etcd with a larger limit (2 MiB is
// enough) to store values of the maximum size; otherwise they fail with
// storage.ErrTooLarge.
package etcd

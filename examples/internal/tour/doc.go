// Package tour is the quickstart's flow split into a first run and the
// runs after it, shared by the persistent (bbolt) and etcd examples: the
// two differ only in the store they open, and their tests compare against
// the same golden files.
package tour

//go:build coach

// Exercise 10.1: take the slow work out of the lock.
//
// Cache remembers the results of an expensive function. Get holds the
// cache's mutex while it computes a missing value, so while one goroutine
// computes, every other goroutine that calls Get, for any key, waits: the
// pool of callers runs one at a time. The mutex profile, or runtime/metrics'
// /sync/mutex/wait/total:seconds, shows goroutines spending most of their
// time waiting for this lock.
//
// TODO: hold c.mu only to look a key up and to store a result, never while
// compute runs. Two goroutines may then compute the same key at once; that
// is allowed here (both get the same value). The check measures the lock
// wait with runtime/metrics while several goroutines fill the cache.
package hotlock

import "sync"

// Cache is safe for concurrent use by any number of goroutines.
type Cache struct {
	mu      sync.Mutex
	compute func(key int) uint64
	vals    map[int]uint64
}

// New returns an empty cache over compute, a pure function.
func New(compute func(key int) uint64) *Cache {
	return &Cache{compute: compute, vals: map[int]uint64{}}
}

// Get returns compute(key), computing it only when no earlier Get stored it.
func (c *Cache) Get(key int) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.vals[key]; ok {
		return v
	}
	v := c.compute(key)
	c.vals[key] = v
	return v
}

//go:build coach

// Wrong: readers share an RWMutex, but a miss takes the write lock across compute, so misses still wait for each other.
package hotlock

import "sync"

// Cache is safe for concurrent use by any number of goroutines.
type Cache struct {
	mu      sync.RWMutex
	compute func(key int) uint64
	vals    map[int]uint64
}

// New returns an empty cache over compute, a pure function.
func New(compute func(key int) uint64) *Cache {
	return &Cache{compute: compute, vals: map[int]uint64{}}
}

// Get returns compute(key), computing it only when no earlier Get stored it.
func (c *Cache) Get(key int) uint64 {
	c.mu.RLock()
	v, ok := c.vals[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.vals[key]; ok {
		return v
	}
	v = c.compute(key)
	c.vals[key] = v
	return v
}

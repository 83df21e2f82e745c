//go:build coach

// Wrong: moves the lock into a helper but still holds it while compute runs.
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
	v, ok := c.vals[key]
	if !ok {
		v = c.store(key)
	}
	c.mu.Unlock()
	return v
}

// store computes and stores; the caller holds mu.
func (c *Cache) store(key int) uint64 {
	v := c.compute(key)
	c.vals[key] = v
	return v
}

//go:build coach

// Wrong: drops the lock altogether, so goroutines read and write the map at once.
package hotlock

// Cache is safe for concurrent use by any number of goroutines.
type Cache struct {
	compute func(key int) uint64
	vals    map[int]uint64
}

// New returns an empty cache over compute, a pure function.
func New(compute func(key int) uint64) *Cache {
	return &Cache{compute: compute, vals: map[int]uint64{}}
}

// Get returns compute(key), computing it only when no earlier Get stored it.
func (c *Cache) Get(key int) uint64 {
	if v, ok := c.vals[key]; ok {
		return v
	}
	v := c.compute(key)
	c.vals[key] = v
	return v
}

// Command hotlock is a pool serialized by one hot lock, on purpose. Its
// workers share a cache of results, and the cache holds its mutex while it
// computes a missing result, so while one worker computes, every other
// worker that wants any key, cached or not, waits. The program turns on the
// mutex profile and reports who made the others wait:
//
//	go run ./10-profiling/hotlock
//
// The fix is the one chapter 02 teaches: compute outside the lock (and,
// to avoid computing a key twice, keep a per-key entry that the others wait
// on, as exercise 10.1 does).
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

type cache struct {
	mu   sync.Mutex
	vals map[int]uint64
}

// get returns the value for key, computing it on a miss. BUG: the lock is
// held across compute.
func (c *cache) get(key int) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.vals[key]; ok {
		return v
	}
	v := compute(key)
	c.vals[key] = v
	return v
}

// compute is slow work that needs no lock at all.
func compute(key int) uint64 {
	h := uint64(key) | 1
	for range 200_000 {
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
	}
	return h
}

func main() {
	var workers, keys int
	f := lesson.NewFlags("10-profiling/hotlock", "a pool serialized by one hot lock: the mutex profile points at it")
	f.Int(&workers, "workers", 4, 2, 64, "workers in the pool")
	f.Int(&keys, "keys", 400, 1, 100_000, "distinct keys, each computed once")
	f.MustParse(os.Args[1:])

	runtime.SetMutexProfileFraction(1)
	c := &cache{vals: map[int]uint64{}}
	wait := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(wait)
	wait0 := wait[0].Value.Float64()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := range keys {
				c.get((k + w) % keys)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	metrics.Read(wait)
	waited := time.Duration((wait[0].Value.Float64() - wait0) * float64(time.Second))

	var prof bytes.Buffer
	pprof.Lookup("mutex").WriteTo(&prof, 1)
	fmt.Printf("%d workers, %d keys: took %s; goroutines waited %s in all for the mutex\n",
		workers, keys, took.Round(time.Millisecond), waited.Round(time.Millisecond))
	fmt.Printf("mutex profile: the lock was held, while others waited, in %s\n", holder(prof.String()))
}

// holder is the first function of this program in the mutex profile's
// heaviest record (debug=1 lists records heaviest first).
func holder(profile string) string {
	for line := range strings.SplitSeq(profile, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "#" && strings.HasPrefix(f[2], "main.") {
			return f[2][:strings.LastIndex(f[2], "+0x")]
		}
	}
	return "(nothing: no contention recorded)"
}

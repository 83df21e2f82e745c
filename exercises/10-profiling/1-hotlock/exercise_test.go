//go:build coach

package hotlock

import (
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Rejects:
//   - whole: holds the lock across compute (in a helper), so callers queue
//   - nolock: no lock at all: the race detector reports the map
//   - readlock: an RWMutex whose write lock still spans compute on a miss

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// slow is a pure function that takes a millisecond, as a call to a slow
// service would. (The sleep stands for that latency; it does not wait for
// any goroutine. Work that sleeps, rather than burning CPU, keeps the
// measurement independent of how busy the machine is.)
func slow(key int) uint64 {
	time.Sleep(time.Millisecond)
	return uint64(key) * 3
}

func TestValues(t *testing.T) {
	c := New(func(k int) uint64 { return uint64(k) * 3 })
	for k := range 10 {
		assert.Equal(t, uint64(k)*3, c.Get(k))
		assert.Equal(t, uint64(k)*3, c.Get(k), "a second Get returns the stored value")
	}
}

// mutexWait is the total time goroutines have spent blocked on a mutex.
func mutexWait() time.Duration {
	s := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(s)
	return time.Duration(s[0].Value.Float64() * float64(time.Second))
}

// Four goroutines fill the cache with different keys, then read them all
// back. The check measures how long they spent blocked on the lock, as
// runtime/metrics counts it, against how long they spent in Get at all.
// With the lock held across compute, about three quarters of their time is
// waiting; with it held only around the map, nearly none.
func TestLockWaitIsSmall(t *testing.T) {
	const goroutines, keys = 4, 25
	c := New(slow)
	wait0 := mutexWait()
	var inGet time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			start := time.Now()
			for k := range keys {
				key := g*keys + k
				assert.Equal(t, uint64(key)*3, c.Get(key))
			}
			for k := range goroutines * keys {
				assert.Equal(t, uint64(k)*3, c.Get(k))
			}
			took := time.Since(start)
			mu.Lock()
			inGet += took
			mu.Unlock()
		})
	}
	wg.Wait()
	waited := mutexWait() - wait0
	require.Positive(t, inGet)
	share := waited.Seconds() / inGet.Seconds()
	t.Logf("goroutines spent %s in Get, %s of it waiting for the lock (%.0f%%)", inGet, waited, 100*share)
	assert.Less(t, share, 0.25, "goroutines spent %.0f%% of their time in Get waiting for the lock (%s of %s): is the lock held while compute runs?", 100*share, waited, inGet)
}

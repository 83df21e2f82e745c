//go:build coach

package lastsender

// Rejects:
//   - firstout: closes once, but when the first worker is done, not the last
//   - plaincount: counts the workers out on a plain int, racing
//   - waitinpool: waits for the workers inside Pool, before anyone reads

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Each case runs in a synctest bubble. Every job takes 1ms of fake time, so
// the workers share the jobs out and finish together, and synctest.Test
// returns only once every worker has exited: a second close, or a send
// after the close, happens on every run. If the channel is never closed, or
// Pool waits for workers that wait for its reader, the bubble reports the
// deadlock at once instead of hanging.
func TestPool(t *testing.T) {
	tests := []struct{ workers, jobs int }{
		{1, 0},
		{1, 5},
		{2, 4},
		{3, 10},
		{4, 1}, // more workers than jobs
		{8, 0}, // no jobs at all: every worker is a last sender candidate
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d workers, %d jobs", tt.workers, tt.jobs), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				jobs := make(chan int)
				var feeder sync.WaitGroup
				feeder.Go(func() {
					defer close(jobs)
					for i := range tt.jobs {
						jobs <- i
					}
				})

				var mu sync.Mutex
				running, most := 0, 0 // jobs running at once, now and at most
				square := func(in int) int {
					mu.Lock()
					running++
					most = max(most, running)
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					running--
					mu.Unlock()
					return in * in
				}

				got := make(map[int]int)
				for r := range Pool(tt.workers, jobs, square) {
					assert.NotContains(t, got, r.In, "job %d came back twice", r.In)
					assert.Equal(t, r.In*r.In, r.Out, "job %d", r.In)
					assert.True(t, 1 <= r.Worker && r.Worker <= tt.workers,
						"worker ID %d is not in 1…%d", r.Worker, tt.workers)
					got[r.In] = r.Out
				}
				feeder.Wait()

				assert.Len(t, got, tt.jobs, "every job's result must arrive before the channel closes")
				mu.Lock()
				defer mu.Unlock()
				assert.LessOrEqual(t, most, tt.workers, "never more jobs at once than workers")
			})
		})
	}
}

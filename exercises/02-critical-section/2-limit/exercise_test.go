//go:build coach

package limit

// Rejects:
//   - batches: waits for a whole batch of n before starting the next
//   - oneextra: a semaphore with room for n+1
//   - serial: one job at a time, whatever n is

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func seconds(s ...int) []time.Duration {
	var d []time.Duration
	for _, v := range s {
		d = append(d, time.Duration(v)*time.Second)
	}
	return d
}

// anyTime marks a case whose total time depends on which jobs get the first
// slots, so only the other checks apply.
const anyTime = -1

// Every case runs in a synctest bubble: each job sleeps for its duration on
// the bubble's fake clock, which moves only when every goroutine in the
// bubble is blocked. So the times below are exact, on any machine, and the
// whole test takes no real time.
func TestLimit(t *testing.T) {
	tests := []struct {
		name string
		n    int
		jobs []time.Duration // how long each job runs
		took time.Duration   // how long Limit must take, or anyTime
	}{
		{"10 jobs, 3 at a time", 3, seconds(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 4 * time.Second},
		{"one at a time", 1, seconds(1, 2, 1), 4 * time.Second},
		{"more slots than jobs", 8, seconds(1, 1, 1, 1, 1), time.Second},
		{"as many slots as jobs", 2, seconds(2, 1), 2 * time.Second},
		{"no jobs", 2, nil, 0},
		{"a free slot is taken at once", 2, seconds(3, 1, 1, 1, 2), anyTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mu sync.Mutex // guards everything below
				running, most := 0, 0
				runs := make([]int, len(tt.jobs))
				start := make([]time.Duration, len(tt.jobs))
				end := make([]time.Duration, len(tt.jobs))

				t0 := time.Now()
				jobs := make([]func(), len(tt.jobs))
				for i, d := range tt.jobs {
					jobs[i] = func() {
						mu.Lock()
						runs[i]++
						running++
						most = max(most, running)
						start[i] = time.Since(t0)
						mu.Unlock()

						time.Sleep(d)

						mu.Lock()
						running--
						end[i] = time.Since(t0)
						mu.Unlock()
					}
				}
				Limit(tt.n, jobs)
				took := time.Since(t0)

				mu.Lock()
				defer mu.Unlock()
				for i, r := range runs {
					assert.Equal(t, 1, r, "job %d must run exactly once", i)
				}
				assert.Zero(t, running, "Limit must return only when every job has returned")
				assert.LessOrEqual(t, most, tt.n, "more than n jobs ran at once: %d with n = %d", most, tt.n)
				assert.GreaterOrEqual(t, most, min(tt.n, len(tt.jobs)),
					"with n = %d and %d jobs, %d should run at once, not %d", tt.n, len(tt.jobs), min(tt.n, len(tt.jobs)), most)
				if tt.took != anyTime {
					assert.Equal(t, tt.took, took, "how long Limit took")
				}

				// Whenever a job ended while others still waited to start,
				// the freed slot must have been taken at that very instant.
				// (Reported once: one empty slot tends to leave several
				// jobs waiting.)
				for _, e := range end {
					busy := 0
					for j := range tt.jobs {
						if start[j] <= e && e < end[j] {
							busy++
						}
					}
					if j := firstStartedAfter(start, e); j >= 0 && busy < tt.n {
						assert.Failf(t, "a free slot was left empty",
							"at %v only %d of %d slots were busy, yet job %d waited until %v to start: "+
								"start a job as soon as a slot is free, not when a whole batch is done",
							e, busy, tt.n, j, start[j])
						break
					}
				}
			})
		})
	}
}

// firstStartedAfter returns the job that started first after t, or -1.
func firstStartedAfter(start []time.Duration, t time.Duration) int {
	first := -1
	for j, s := range start {
		if s > t && (first < 0 || s < start[first]) {
			first = j
		}
	}
	return first
}

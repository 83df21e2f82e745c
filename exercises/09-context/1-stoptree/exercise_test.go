//go:build coach

package stoptree

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// Rejects:
//   - sleep: Stop sleeps instead of waiting, so it returns before the worker in the middle of a job is done
//   - blocked: the workers wait for a job without watching the context, so Stop never returns

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stopWithin calls stop and reports whether it returned within an hour of
// synctest's fake time: an hour passes at once when every goroutine in the
// bubble is blocked, so a Stop that never returns fails the test quickly.
func stopWithin(stop func()) bool {
	done := make(chan struct{})
	go func() {
		stop()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(time.Hour):
		return false
	}
}

// release ends a test: it closes the jobs channel, which belongs to the
// test, and lets an hour of fake time pass (at once), so that workers a
// wrong Stop left behind can finish and the failure is reported as itself,
// not as a deadlock of the bubble.
func release(jobs chan int) {
	close(jobs)
	time.Sleep(time.Hour)
}

// Four workers: one is in the middle of a one-second job, three are waiting
// for a job that never comes. Stop must return exactly when the busy one
// finishes: not before (it did not wait), not later (it slept).
func TestStopWaitsForEveryWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		jobs := make(chan int)
		defer release(jobs)
		var finished atomic.Int32
		p := Start(t.Context(), 4, jobs, func(int) {
			time.Sleep(time.Second)
			finished.Add(1)
		})
		jobs <- 1
		synctest.Wait() // one worker busy, three waiting for jobs

		start := time.Now()
		if !stopWithin(p.Stop) {
			t.Fatal("Stop did not return: a worker waiting for a job must still hear the cancel (select on ctx.Done() too)")
		}
		assert.Equal(t, time.Second, time.Since(start), "Stop must wait for the worker in the middle of a job, and return as soon as it is done")
		assert.EqualValues(t, 1, finished.Load(), "the job in progress is finished, not abandoned")
	})
}

// Cancelling the caller's context stops the workers too; Stop afterwards
// returns at once.
func TestTheCallersContextStopsThem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		jobs := make(chan int)
		defer release(jobs)
		ctx, cancel := context.WithCancel(t.Context())
		handled := make(chan int, 10)
		p := Start(ctx, 3, jobs, func(j int) { handled <- j })
		jobs <- 7
		assert.Equal(t, 7, <-handled)
		cancel()
		synctest.Wait()
		start := time.Now()
		if !stopWithin(p.Stop) {
			t.Fatal("Stop did not return after the caller's context was cancelled: the workers must watch it while they wait")
		}
		assert.Zero(t, time.Since(start), "the workers had already stopped: Stop has nothing to wait for")
	})
}

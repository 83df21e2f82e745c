//go:build coach

package window

// Rejects:
//   - batches: submits a batch of window, then waits for the whole batch
//   - collectnewest: makes room by waiting for the newest task, not the oldest
//   - onebyone: submits one task and waits for it, whatever the window

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Each case runs in a synctest bubble on an executor that rejects when its
// queue is full. Every task takes 1ms of fake time, so tasks cannot finish
// while MapWindow is submitting: submitting more than the queue holds is
// refused on every run, never only sometimes. The test also counts the
// tasks running at once: as many as the workers and the window allow, so
// that running one task at a time does not pass.
func TestMapWindow(t *testing.T) {
	tests := []struct {
		workers, queue, window, inputs int
	}{
		{1, 2, 2, 100},
		{2, 1, 1, 10},
		{3, 4, 4, 50},
		{4, 8, 2, 20},
		{2, 4, 4, 3}, // fewer inputs than the window
		{2, 4, 4, 0},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d workers, queue %d, window %d, %d inputs", tt.workers, tt.queue, tt.window, tt.inputs)
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := executor.New(executor.Config{Workers: tt.workers, QueueSize: tt.queue, Policy: executor.Reject})
				defer func() { assert.NoError(t, e.Shutdown(context.Background())) }()

				var mu sync.Mutex
				running, most := 0, 0 // tasks running at once, now and at most
				double := func(_ context.Context, in int) (int, error) {
					mu.Lock()
					running++
					most = max(most, running)
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					running--
					mu.Unlock()
					return 2 * in, nil
				}
				inputs := make([]int, tt.inputs)
				want := make([]int, tt.inputs)
				for i := range inputs {
					inputs[i] = i
					want[i] = 2 * i
				}

				got, err := MapWindow(context.Background(), e, inputs, tt.window, double)
				require.NoError(t, err, "a window no larger than the queue must never find it full")
				assert.Equal(t, want, got, "results in input order")
				mu.Lock()
				defer mu.Unlock()
				assert.Equal(t, min(tt.workers, tt.window, tt.inputs), most,
					"as many tasks at once as the workers and the window allow")
			})
		})
	}
}

var errBad = errors.New("bad input")

// The first error in input order is returned, wrapped with its index.
func TestMapWindowStopsAtTheFirstError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := executor.New(executor.Config{Workers: 2, QueueSize: 2, Policy: executor.Reject})
		defer func() { assert.NoError(t, e.Shutdown(context.Background())) }()

		inputs := make([]int, 20)
		for i := range inputs {
			inputs[i] = i
		}
		_, err := MapWindow(context.Background(), e, inputs, 2, func(_ context.Context, in int) (int, error) {
			time.Sleep(time.Millisecond)
			if in == 7 || in == 12 {
				return 0, fmt.Errorf("input %d: %w", in, errBad)
			}
			return in, nil
		})
		assert.ErrorIs(t, err, errBad)
		assert.ErrorContains(t, err, "input 7")
		assert.NotErrorIs(t, err, executor.ErrQueueFull)
	})
}

// The window slides: input i is submitted as soon as input i-window has been
// collected, not when a whole batch is done. The durations make batches,
// or waiting for the wrong task, start some inputs late. With at least as
// many workers as the window, each input starts when it is submitted: at
// the latest of the previous submission and the end of input i-window.
func TestTheWindowSlides(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 2
		e := executor.New(executor.Config{Workers: 4, QueueSize: 4, Policy: executor.Reject})
		defer func() { assert.NoError(t, e.Shutdown(context.Background())) }()

		ms := []time.Duration{1, 3, 1, 1, 1, 1, 2, 1}
		var mu sync.Mutex
		started := make([]time.Duration, len(ms))
		t0 := time.Now()
		inputs := make([]int, len(ms))
		for i := range inputs {
			inputs[i] = i
		}
		_, err := MapWindow(context.Background(), e, inputs, window, func(_ context.Context, in int) (int, error) {
			mu.Lock()
			started[in] = time.Since(t0)
			mu.Unlock()
			time.Sleep(ms[in] * time.Millisecond)
			return in, nil
		})
		require.NoError(t, err)

		want := make([]time.Duration, len(ms))
		end := make([]time.Duration, len(ms))
		for i := range ms {
			if i > 0 {
				want[i] = want[i-1]
			}
			if i >= window {
				want[i] = max(want[i], end[i-window])
			}
			end[i] = want[i] + ms[i]*time.Millisecond
		}
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, want, started, "when each input started: input i must be submitted as soon as input i-window is collected")
	})
}

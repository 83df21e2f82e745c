//go:build coach

package timeout

// Rejects:
//   - checkonce: looks at ctx before waiting, then waits for ever
//   - ownerror: gives up in time but hides ctx.Err()
//   - selectdefault: a select with a default returns without the lock

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The ABBA deadlock with bounded waits. 1->2 takes vault 1 and 2->1 takes
// vault 2, and only then does either reach for its second vault. 1->2 gives
// up at its 50ms deadline and lets go of vault 1; 2->1, which may wait 1s,
// gets vault 1 at that very moment and finishes.
//
// It runs in a synctest bubble: the clock is fake, so the times are exact,
// and if the waits are not bounded after all, the bubble reports the
// deadlock (once the deadlines have passed) instead of hanging the test.
func TestTimeoutBreaksABBA(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := NewVault(1, 100), NewVault(2, 100)
		var bothHoldOne sync.WaitGroup
		bothHoldOne.Add(2)
		holdingFrom = func() { bothHoldOne.Done(); bothHoldOne.Wait() }
		t.Cleanup(func() { holdingFrom = nil })

		var errs [2]error
		var took [2]time.Duration
		run := func(i int, from, to *Vault, d time.Duration) {
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			errs[i] = TransferWithin(ctx, from, to, 10)
			took[i] = time.Since(start)
		}
		var wg sync.WaitGroup
		wg.Go(func() { run(0, a, b, 50*time.Millisecond) })
		wg.Go(func() { run(1, b, a, time.Second) })
		wg.Wait()

		assert.ErrorIs(t, errs[0], context.DeadlineExceeded, "1->2 gives up at its deadline")
		assert.NoError(t, errs[1], "2->1 gets vault 1 once 1->2 lets go")
		assert.Equal(t, [2]time.Duration{50 * time.Millisecond, 50 * time.Millisecond}, took,
			"1->2 gives up at 50ms, and 2->1 gets vault 1 that very moment")
		assert.Equal(t, [2]int64{110, 90}, [2]int64{a.balance, b.balance}, "only 2->1 went through")
	})
}

// Lock on its own, case by case, each in a bubble as above.
func TestLock(t *testing.T) {
	tests := []struct {
		name        string
		held        bool          // someone holds the lock when Lock is called
		releasedAt  time.Duration // when they let go; 0 means never
		deadline    time.Duration // Lock's context times out after this; 0 means no deadline
		cancelFirst bool          // Lock's context is cancelled before the call
		wantErr     error
		wantAt      time.Duration // when Lock returns, in fake time
	}{
		{name: "free lock", wantErr: nil, wantAt: 0},
		{name: "free lock, with a deadline", deadline: 10 * time.Millisecond, wantErr: nil, wantAt: 0},
		{name: "held until 5ms, deadline 10ms", held: true, releasedAt: 5 * time.Millisecond,
			deadline: 10 * time.Millisecond, wantErr: nil, wantAt: 5 * time.Millisecond},
		{name: "held, deadline 10ms", held: true,
			deadline: 10 * time.Millisecond, wantErr: context.DeadlineExceeded, wantAt: 10 * time.Millisecond},
		{name: "held, context cancelled", held: true, cancelFirst: true,
			wantErr: context.Canceled, wantAt: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := NewChanMutex()
				var releaser sync.WaitGroup
				if tt.held {
					assert.NoError(t, m.Lock(context.Background()))
					if tt.releasedAt > 0 {
						releaser.Go(func() { time.Sleep(tt.releasedAt); m.Unlock() })
					}
				}
				ctx, cancel := context.WithCancel(context.Background())
				if tt.deadline > 0 {
					ctx, cancel = context.WithTimeout(context.Background(), tt.deadline)
				}
				defer cancel()
				if tt.cancelFirst {
					cancel()
				}

				start := time.Now()
				err := m.Lock(ctx)
				assert.Equal(t, tt.wantAt, time.Since(start), "when Lock returned")
				if tt.wantErr == nil {
					assert.NoError(t, err, "the lock was free (or freed) before the deadline")
					m.Unlock()
				} else {
					assert.ErrorIs(t, err, tt.wantErr, "Lock must give up and return ctx.Err()")
					if tt.held && tt.releasedAt == 0 {
						m.Unlock() // the holder lets go at last
					}
				}
				releaser.Wait()
			})
		})
	}
}

//go:build coach

package stopflag

// Rejects:
//   - globalflag: one flag for every spinner, so Stop stops them all
//   - nowait: Stop does not wait for the spinner before reading its count
//   - ticker: waits between passes instead of spinning

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The test lets the spinner call work at least `before` times, then stops it.
// It runs in a synctest bubble so that a spinner that blocks instead of
// spinning (and so never reaches `before` calls) is reported as a deadlock
// at once, instead of hanging the test.
func TestStop(t *testing.T) {
	for _, before := range []int{0, 1, 100} {
		t.Run(fmt.Sprint("after ", before, " calls"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				t0 := time.Now() // the bubble's clock moves only when every goroutine in it waits
				calls := 0       // only the spinner's goroutine touches it until Stop returns
				reached := make(chan struct{})
				s := Start(func() {
					calls++
					if calls == before {
						close(reached)
					}
				})
				if before > 0 {
					<-reached // the spinner is spinning: work has run `before` times
				}
				got := s.Stop()
				assert.Equal(t, calls, got, "Stop must return how many times the spinner called work")
				assert.GreaterOrEqual(t, got, before)
				assert.Zero(t, time.Since(t0), "the spinner waited between passes (a sleep, a ticker, a timer): "+
					"it must call work again at once and never block between calls")
			})
		})
	}
}

// Two spinners, each with its own flag: stopping one must leave the other
// spinning. If Stop stopped both, the second would never call work again, and
// the bubble would report the test's wait for that call as a deadlock.
func TestStopOneOfTwo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		first := Start(func() {})

		var (
			watch atomic.Bool // set once first has stopped
			once  sync.Once
			moved = make(chan struct{}) // second called work after that
		)
		second := Start(func() {
			if watch.Load() {
				once.Do(func() { close(moved) })
			}
		})

		first.Stop()
		watch.Store(true)
		<-moved
		second.Stop()
	})
}

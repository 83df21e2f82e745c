//go:build coach

package nestedpool

// Rejects:
//   - goroutines: runs the orders on goroutines of their own, not on p
//   - leakylines: a second pool for the lines that is never closed
//   - serialload: loads the orders one after another outside the pool

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

// Every case runs in a synctest bubble. Loading an order's lines takes 1ms of
// fake time, so every worker has picked up an order before the first line is
// priced: the shape that deadlocks, on every run. A deadlocked bubble panics
// with "deadlock: all goroutines in bubble are blocked" instead of hanging.
func TestTotals(t *testing.T) {
	tests := []struct {
		workers int
		orders  [][]int // the items of each order
	}{
		{1, [][]int{{1, 2, 3}}},
		{2, [][]int{{1}, {2, 3}}},
		{2, [][]int{{1, 2}, {3}, {4, 5, 6}}},
		{3, [][]int{{1, 1}, {2}, {3, 3, 3}, {}, {5}}},
		{4, [][]int{{7}, {8, 9}}}, // fewer orders than workers
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d workers, %d orders", tt.workers, len(tt.orders)), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := NewPool(tt.workers)
				defer p.Close()

				var mu sync.Mutex
				running, most := 0, 0 // orders loading at once, now and at most
				orders := make([]Order, len(tt.orders))
				want := make([]int, len(tt.orders))
				for i, items := range tt.orders {
					orders[i] = Order{Lines: func() []int {
						mu.Lock()
						running++
						most = max(most, running)
						mu.Unlock()
						time.Sleep(time.Millisecond)
						mu.Lock()
						running--
						mu.Unlock()
						return items
					}}
					for _, item := range items {
						want[i] += 10 * item
					}
				}

				got := Totals(p, orders, func(item int) int { return 10 * item })
				assert.Equal(t, want, got, "each order's total is the sum of its prices")
				mu.Lock()
				defer mu.Unlock()
				assert.LessOrEqual(t, most, tt.workers,
					"more orders loaded at once than the pool has workers: run the orders on p")
				assert.GreaterOrEqual(t, most, min(tt.workers, len(tt.orders)),
					"with %d workers and %d orders, %d orders should load at once: run the orders as tasks on p",
					tt.workers, len(tt.orders), min(tt.workers, len(tt.orders)))
			})
		})
	}
}

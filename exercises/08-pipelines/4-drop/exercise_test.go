//go:build coach

package drop

// Rejects:
//   - sleep: waits a little (time.After) for a slow subscriber before dropping: Publish still waits
//   - goroutine-per-send: sends from a new goroutine each time: never waits, but drops nothing, leaks the blocked senders and loses the order

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A fast subscriber reads everything; a stuck one, with room for 2, reads
// nothing until the end. On synctest's fake clock "never waits" is exact:
// Publish must return without the clock moving and without blocking.
// Repeated, because when the fast reader gets to run is up to the scheduler.
func TestPublishNeverWaits(t *testing.T) {
	for round := range 20 {
		synctest.Test(t, func(t *testing.T) {
			const n = 10
			var b Broadcaster
			fast, stuck := b.Subscribe(n), b.Subscribe(2)
			var got []int
			readerDone := make(chan struct{})
			go func() {
				defer close(readerDone)
				for v := range fast.C {
					got = append(got, v)
				}
			}()

			published := make(chan time.Duration)
			go func() {
				start := time.Now()
				for v := range n {
					b.Publish(v)
				}
				published <- time.Since(start)
			}()
			synctest.Wait()
			var took time.Duration
			select {
			case took = <-published:
			default:
				// Blocked, or waiting on a timer: let it finish, then fail.
				go func() {
					for range stuck.C {
					}
				}()
				time.Sleep(time.Hour)
				<-published
				b.Close()
				<-readerDone
				t.Fatalf("Publish waited for the subscriber whose buffer was full (round %d): it must never wait; drop instead", round)
			}
			if took > 0 {
				t.Fatalf("Publish waited %v in all: it must never wait", took)
			}
			if stuck.Dropped != n-2 {
				// No Close: a goroutine still sending would panic on it.
				t.Fatalf("a subscriber with a full buffer must miss the value and count it: Dropped = %d, want %d", stuck.Dropped, n-2)
			}
			b.Close()
			<-readerDone
			var stuckGot []int
			for v := range stuck.C {
				stuckGot = append(stuckGot, v)
			}
			if fmt.Sprint(stuckGot) != "[0 1]" {
				t.Fatalf("the stuck subscriber should have the first two values, got %v (values out of order, or not buffered)", stuckGot)
			}
			want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
			if fmt.Sprint(got) != fmt.Sprint(want) || fast.Dropped != 0 {
				t.Fatalf("the fast subscriber, with room for all %d, got %v (dropped %d): values out of order or lost", n, got, fast.Dropped)
			}
		})
		if t.Failed() {
			return
		}
	}
}

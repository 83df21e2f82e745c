package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/timeline"
)

// fetchRate stands for slow work that needs no shared state: a call to a
// rate service, a disk read, a big computation.
func fetchRate(slow time.Duration) int64 {
	time.Sleep(slow)
	return 108
}

// Deposits runs workers goroutines that each fetch an exchange rate (slow)
// and then add the converted amount to one shared balance (fast), and records
// on rec what each of them did. Worker i starts i*slow/10 after the first, so
// they arrive at the lock in order.
//
// With holdAcross, each worker takes the lock before the fetch and keeps it
// until after the update: the slow work is inside the critical section, so
// the workers run one after another and the last one waits for all the
// others. Without it, the fetch runs outside and only the update is locked:
// the fetches overlap and the lock is held for an instant.
//
// mu guards the balance; the lesson passes a new sync.Mutex. (Its test
// passes a channel-based lock instead: inside a testing/synctest bubble a
// goroutine waiting on a sync.Mutex does not count as blocked, so the fake
// clock would never move while one worker slept holding the lock.)
//
// It returns the final balance (the same either way) and how long it took.
func Deposits(rec *timeline.Recorder, mu TryLocker, workers int, slow time.Duration, holdAcross bool) (balance int64, took time.Duration) {
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		lane := fmt.Sprintf("worker %d", i+1)
		wg.Go(func() {
			time.Sleep(time.Duration(i) * slow / 10)
			// lock takes mu, and records a "wait" span only if someone
			// else holds it, so the drawing shows who queued.
			lock := func() {
				if !mu.TryLock() {
					end := rec.Begin(lane, "wait")
					mu.Lock()
					end()
				}
			}
			if holdAcross {
				lock()
				end := rec.Begin(lane, "locked: fetch+add")
				rate := fetchRate(slow) // slow, and everyone else is waiting
				balance += rate
				end()
				mu.Unlock()
				return
			}
			end := rec.Begin(lane, "fetch")
			rate := fetchRate(slow) // slow, but nobody waits for it
			end()
			lock()
			end = rec.Begin(lane, "add")
			balance += rate // the only line that touches shared state
			end()
			mu.Unlock()
		})
	}
	wg.Wait()
	return balance, time.Since(start)
}

// TryLocker is a lock that can also be tried without waiting; *sync.Mutex
// and ChanLock are both one.
type TryLocker interface {
	sync.Locker
	TryLock() bool
}

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/gocourse/concurrency/internal/timeline"
)

// Strategy is how the philosophers avoid deadlock at the table.
type Strategy int

const (
	// Hierarchy numbers the forks and has everyone pick up the lower
	// numbered fork first: the last philosopher reaches for fork 0 before
	// fork n-1, so the circle of waiting can never close.
	Hierarchy Strategy = iota
	// Waiter seats at most n-1 philosophers at once (a semaphore of n-1):
	// with one chair empty, some seated philosopher always has both forks
	// within reach.
	Waiter
)

func (s Strategy) String() string {
	switch s {
	case Hierarchy:
		return "resource hierarchy"
	case Waiter:
		return "waiter (semaphore of n-1)"
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// Table describes a dinner.
type Table struct {
	N        int           // philosophers, and forks; at least 2
	Meals    int           // meals each philosopher eats
	Eat      time.Duration // how long a meal takes
	Think    time.Duration // philosopher i thinks (i+1)*Think before each meal
	Strategy Strategy
}

// Lane names philosopher i's row in the timeline.
func Lane(i int) string { return fmt.Sprintf("philosopher %d", i+1) }

// Dine seats t.N philosophers around t.N forks and returns how many meals
// each ate once all are done. Every meal is recorded in rec, if not nil, as a
// span on the philosopher's lane labelled with the meal's number.
//
// A fork is a channel with room for one token (see ChanMutex): taking it is
// a send, putting it back a receive. Philosopher i uses forks i and i+1 mod n.
// Everyone picking up the left fork first would deadlock as soon as all of
// them hold one; the strategy decides what happens instead.
func Dine(t Table, rec *timeline.Recorder) []int {
	forks := make([]chan struct{}, t.N)
	for i := range forks {
		forks[i] = make(chan struct{}, 1)
	}
	seats := semaphore.NewWeighted(int64(max(t.N-1, 1)))
	meals := make([]int, t.N)
	var wg sync.WaitGroup
	for i := range t.N {
		wg.Go(func() {
			left, right := i, (i+1)%t.N
			first, second := left, right
			if t.Strategy == Hierarchy && second < first {
				first, second = second, first
			}
			for meal := 1; meal <= t.Meals; meal++ {
				time.Sleep(time.Duration(i+1) * t.Think)
				if t.Strategy == Waiter {
					// Background: the waiter always seats someone eventually.
					_ = seats.Acquire(context.Background(), 1)
				}
				forks[first] <- struct{}{}
				forks[second] <- struct{}{}
				end := func() {}
				if rec != nil {
					end = rec.Begin(Lane(i), fmt.Sprint(meal))
				}
				time.Sleep(t.Eat)
				end()
				meals[i]++
				<-forks[second]
				<-forks[first]
				if t.Strategy == Waiter {
					seats.Release(1)
				}
			}
		})
	}
	wg.Wait()
	return meals
}

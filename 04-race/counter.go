package main

import (
	"sync"
	"sync/atomic"
)

// A counting strategy runs goroutines goroutines that each add 1 per times
// and returns the total. racy/main.go does the same with a plain int and
// loses updates; each strategy here orders the goroutines' accesses in a
// different way, so none is lost and the race detector stays quiet.
type strategy struct {
	name  string
	how   string
	count func(goroutines, per int) int
}

// strategies are the four fixes, in the order the lesson shows them.
var strategies = []strategy{
	{"mutex", "one shared int, each ++ under sync.Mutex", countMutex},
	{"atomic", "one shared atomic.Int64, each ++ is Add(1)", countAtomic},
	{"channel", "one owner goroutine, the others send it +1s", countChannel},
	{"confined", "each goroutine counts its own; merged after Wait", countConfined},
}

// countMutex makes the read-add-write of count++ one indivisible step by
// holding a lock around it. Unlock happens before the next Lock, so every
// goroutine sees the value the previous holder stored.
func countMutex(goroutines, per int) int {
	var (
		mu    sync.Mutex
		count int // guarded by mu
		wg    sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range per {
				mu.Lock()
				count++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return count
}

// countAtomic lets the CPU do the read-add-write as one instruction (LOCK
// XADD on amd64). Enough when the shared state is a single word.
func countAtomic(goroutines, per int) int {
	var (
		count atomic.Int64
		wg    sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range per {
				count.Add(1)
			}
		})
	}
	wg.Wait()
	return int(count.Load())
}

// countChannel shares nothing: the count lives in one goroutine, and the
// others ask it to add by sending on a channel. A send happens before the
// matching receive completes, and only the owner ever touches count.
func countChannel(goroutines, per int) int {
	incs := make(chan int, 64)
	total := make(chan int)
	go func() { // the owner
		count := 0
		for n := range incs {
			count += n
		}
		total <- count
	}()

	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range per {
				incs <- 1
			}
		})
	}
	wg.Wait()
	close(incs) // every send is done: let the owner finish
	return <-total
}

// countConfined shares nothing while the work runs: each goroutine counts in
// its own local variable and writes its result once, to its own slot. The
// slots are read only after wg.Wait, and wg.Done happens before Wait
// returns, so the merge sees every result.
func countConfined(goroutines, per int) int {
	parts := make([]int, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			n := 0
			for range per {
				n++
			}
			parts[i] = n // one write to a slot no other goroutine touches
		})
	}
	wg.Wait()
	total := 0
	for _, n := range parts {
		total += n
	}
	return total
}

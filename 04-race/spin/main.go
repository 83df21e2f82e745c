// Command spin stops a busy goroutine with a plain bool, which the Go memory
// model does not allow: the write in main and the reads in the loop are not
// ordered by anything, so it is a data race, and a compiler is free to load
// the flag once and spin forever.
//
//	go run ./04-race/spin         # what this compiler does (see docs/04-race.md)
//	go run -race ./04-race/spin   # the race detector names both lines, exit 66
//
// main waits -wait for the spinner to notice; if it never does, spin says so
// and exits with status 3 (the spinner is still running when main returns;
// the process ends anyway). -hoisted does by hand what the memory model
// allows a compiler to do: read the flag once, before the loop.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

var done bool // the stop flag: plain memory, no synchronisation

func main() {
	var wait time.Duration
	var hoisted bool
	f := lesson.NewFlags("04-race/spin", "A goroutine spins until main sets a plain bool: a data race on purpose.")
	f.Duration(&wait, "wait", 2*time.Second, time.Millisecond, 24*time.Hour, "how long main waits for the spinner to see the flag")
	f.BoolVar(&hoisted, "hoisted", false, "read the flag once before the loop, as a compiler may")
	f.MustParse(os.Args[1:])

	exited := make(chan int)
	if hoisted {
		go func() {
			spins := 0
			stop := done // one load, kept in a register: the loop never looks again
			for !stop {
				spins++
			}
			exited <- spins
		}()
	} else {
		go func() {
			spins := 0
			for !done { // the read: nothing makes main's write visible here
				spins++
			}
			exited <- spins
		}()
	}

	time.Sleep(50 * time.Millisecond) // let the spinner get going
	start := time.Now()
	done = true // the write

	select {
	case <-exited:
		fmt.Printf("the spinner saw done = true and stopped %s after the write\n", time.Since(start).Round(time.Millisecond))
	case <-time.After(wait):
		fmt.Printf("after %s the spinner still had not seen done = true\n", wait)
		os.Exit(3)
	}
}

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
	"flag"
	"fmt"
	"os"
	"time"
)

var done bool // the stop flag: plain memory, no synchronisation

func main() {
	wait := flag.Duration("wait", 2*time.Second, "how long main waits for the spinner to see the flag")
	hoisted := flag.Bool("hoisted", false, "read the flag once before the loop, as a compiler may")
	flag.Parse()
	if *wait <= 0 {
		fmt.Fprintf(os.Stderr, "spin: -wait must be > 0, got %s\n", *wait)
		os.Exit(2)
	}

	exited := make(chan int)
	if *hoisted {
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
	case <-time.After(*wait):
		fmt.Printf("after %s the spinner still had not seen done = true\n", *wait)
		os.Exit(3)
	}
}

// Command spin is broken on purpose: it waits for a channel with a select
// that has a default case, in a loop. The default is always ready, so the
// loop never blocks: it spins, and burns a whole core doing nothing until
// the channel is ready. A select without the default would park the
// goroutine and cost nothing while it waits. The program waits both ways
// for the same time and prints the CPU time each burned.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/cputime"
	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	wait := 300 * time.Millisecond
	f := lesson.NewFlags("08-pipelines/spin", "wait for a channel with a spinning select and a blocking one, and compare their CPU time")
	f.Duration(&wait, "wait", wait, time.Millisecond, time.Minute, "how long each one waits")
	f.MustParse(os.Args[1:])

	fmt.Printf("waiting %v for a channel to be closed, twice:\n", wait)
	cpu, polls := cpuWhile(wait, func(stop <-chan struct{}) (polls int) {
		for {
			select {
			case <-stop:
				return polls
			default:
				polls++ // the bug: nothing to do, so straight round again
			}
		}
	})
	fmt.Printf("  select with default: %v of CPU, %d empty rounds\n", cpu.Round(time.Millisecond), polls)
	cpu, _ = cpuWhile(wait, func(stop <-chan struct{}) (polls int) {
		<-stop // parked until stop is closed
		return 0
	})
	fmt.Printf("  plain receive:       %v of CPU\n", cpu.Round(time.Millisecond))
}

// cpuWhile runs loop in a goroutine for wait and returns the CPU time the
// process used meanwhile.
func cpuWhile(wait time.Duration, loop func(stop <-chan struct{}) int) (time.Duration, int) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var polls int
	before := cputime.Process()
	wg.Go(func() { polls = loop(stop) })
	time.Sleep(wait)
	close(stop)
	wg.Wait()
	return cputime.Process() - before, polls
}

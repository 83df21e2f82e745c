// Command slowticker is broken on purpose: its consumer takes longer per
// tick than the ticker's period. A time.Ticker does not queue the ticks a
// slow reader misses: its channel holds at most one, and the rest are
// dropped. Code that counts ticks as "time passed" is then wrong: here a
// once-a-10ms counter meant to reach 30 in 300ms reaches about 10.
//
//	go run ./09-context/slowticker
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	var work time.Duration
	f := lesson.NewFlags("09-context/slowticker", "a ticker consumer slower than its ticker")
	f.Duration(&work, "work", 30*time.Millisecond, time.Millisecond, time.Second, "time the consumer spends on each tick (the ticker's period is 10ms)")
	f.MustParse(os.Args[1:])

	const period, window = 10 * time.Millisecond, 300 * time.Millisecond
	tk := time.NewTicker(period)
	defer tk.Stop()
	end := time.After(window)
	ticks := 0
loop:
	for {
		select {
		case <-tk.C:
			ticks++
			time.Sleep(work) // the bug: the consumer is slower than the ticker
		case <-end:
			break loop
		}
	}
	due := int(window / period)
	fmt.Printf("a %v ticker read for %v by a consumer that takes %v per tick: %d ticks counted, %d due\n", period, window, work, ticks, due)
	if ticks < due*9/10 {
		fmt.Printf("dropped: %d ticks never arrived; a ticker keeps at most one waiting\n", due-ticks)
		os.Exit(1)
	}
}

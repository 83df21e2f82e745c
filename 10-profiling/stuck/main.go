// Command stuck is a worker pool that hangs, on purpose, the way real ones
// do: nothing crashes, nothing is printed, the program simply stops making
// progress. Find out where from a goroutine dump alone:
//
//	GOTRACEBACK=all go run ./10-profiling/stuck
//	# then press Ctrl-\ (SIGQUIT) in the same terminal, or from another:
//	pkill -QUIT stuck
//
// The bug: the workers send their results on an unbuffered channel, and
// main reads the results only after wg.Wait(). Each worker finishes its
// first job and blocks in the send; main blocks in Wait; nobody will ever
// move again. The runtime's "all goroutines are asleep" check does not fire,
// because a heartbeat goroutine with a ticker is still alive, as a real
// server's listener or timers would be.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	var workers, jobs int
	f := lesson.NewFlags("10-profiling/stuck", "a worker pool that hangs: find where from its goroutine dump (SIGQUIT)")
	f.Int(&workers, "workers", 3, 1, 64, "workers in the pool")
	f.Int(&jobs, "jobs", 10, 1, 1000, "jobs to run")
	f.MustParse(os.Args[1:])

	go heartbeat()
	sum := runPool(workers, jobs)
	fmt.Println("sum", sum) // never reached
}

// heartbeat stands for everything a real program has that keeps it alive.
func heartbeat() {
	t := time.NewTicker(time.Hour)
	for range t.C {
	}
}

func runPool(workers, jobs int) int {
	in := make(chan int, jobs)
	results := make(chan int) // unbuffered: a send waits for a receiver
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() { worker(in, results) })
	}
	for j := range jobs {
		in <- j
	}
	close(in)
	fmt.Printf("submitted %d jobs to %d workers; waiting for them to finish\n", jobs, workers)
	wg.Wait() // BUG: the results are read only after every worker is done
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	return sum
}

func worker(in <-chan int, results chan<- int) {
	for j := range in {
		results <- j * j
	}
}

//go:build coach

// Exercise 08.3: an ordered fan-out (a solution).
package ordered

// OrderedMap calls f on every value from in, with up to workers (≥ 1)
// calls running at once, and sends f's results on the channel it returns,
// in the order of their inputs.
//
// Each input gets a one-value channel for its result. The dispatcher puts
// those channels in a queue in input order and hands the work to the
// workers; the sender takes the queue in order and waits on each channel
// in turn. The queue holds at most workers channels, so the workers never
// run more than that far ahead of the oldest unsent result.
func OrderedMap(in <-chan int, workers int, f func(int) int) <-chan int {
	type job struct {
		v   int
		res chan<- int
	}
	jobs := make(chan job)
	queue := make(chan chan int, workers)
	go func() {
		defer close(queue)
		defer close(jobs)
		for v := range in {
			res := make(chan int, 1) // room for its one value: the worker never waits
			queue <- res
			jobs <- job{v, res}
		}
	}()
	for range workers {
		go func() {
			for j := range jobs {
				j.res <- f(j.v)
			}
		}()
	}
	out := make(chan int)
	go func() {
		defer close(out)
		for res := range queue {
			out <- <-res
		}
	}()
	return out
}

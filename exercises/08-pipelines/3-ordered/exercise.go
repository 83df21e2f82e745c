//go:build coach

// Exercise 08.3: an ordered fan-out.
//
// OrderedMap calls a slow f on every value it receives, several calls at
// once, and sends the results on. Its workers send each result as soon as
// it is ready, so the results come out in the order the calls finish, and
// a caller that needs result i to be f(input i) gets them mixed up.
//
// TODO: send the results in the order of their inputs, still with up to
// `workers` calls of f running at once, and hold back no more results than
// you need to. The lesson's ordered fan-out (08-pipelines/fanout.go) does
// it with sequence numbers and a reorder buffer; a queue of one-value
// channels, one per input in input order, is another way.
package ordered

import "sync"

// OrderedMap calls f on every value from in, with up to workers (≥ 1)
// calls running at once, and sends f's results on the channel it returns,
// in the order of their inputs. It closes that channel after the last
// result, once in is closed; by then every goroutine it started has
// returned or is about to.
func OrderedMap(in <-chan int, workers int, f func(int) int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for v := range in {
				out <- f(v)
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

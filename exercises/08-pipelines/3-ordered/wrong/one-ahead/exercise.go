//go:build coach

// Wrong: holds back at most one early result, which is enough only when results are at most one place out of order.
package ordered

import "sync"

func OrderedMap(in <-chan int, workers int, f func(int) int) <-chan int {
	type result struct{ seq, v int }
	jobs := make(chan result)
	go func() {
		defer close(jobs)
		seq := 0
		for v := range in {
			jobs <- result{seq, v}
			seq++
		}
	}()
	results := make(chan result)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- result{j.seq, f(j.v)}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	out := make(chan int)
	go func() {
		defer close(out)
		next := 0
		var held *result
		for r := range results {
			if r.seq != next {
				if held != nil {
					out <- held.v // a second early one: let the first go
				}
				held = &r
				continue
			}
			out <- r.v
			next++
			if held != nil && held.seq == next {
				out <- held.v
				next++
				held = nil
			}
		}
		if held != nil {
			out <- held.v
		}
	}()
	return out
}

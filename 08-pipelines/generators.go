package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"runtime"
	"time"
)

// chanGen is a generator in the style Go code used before range-over-func:
// a goroutine sends 0, 1, ..., n-1 on a channel and closes it. Every value
// costs a channel hand-off between two goroutines. The context is how the
// consumer says "I have had enough": without it, a consumer that stops
// early leaves the goroutine blocked on its send forever.
func chanGen(ctx context.Context, n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := range n {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// leakyGen is chanGen without the way out. A consumer that breaks out of its
// range loop leaves this goroutine blocked on ch <- i for the rest of the
// program: a goroutine leak. leak/ is the same mistake in a pipeline.
func leakyGen(n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := range n {
			ch <- i // blocks forever once nobody receives
		}
	}()
	return ch
}

// seqGen is the same generator as an iterator (Go 1.23's range over func).
// No goroutine and no channel: the loop body of the consumer is the yield
// function, called in the consumer's own goroutine. When the consumer
// breaks, yield returns false and the generator returns: nothing to leak.
func seqGen(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// A genCost is what one way of generating cost per item.
type genCost struct {
	name    string
	perItem float64 // nanoseconds
}

// genCosts sums n items from each generator and times it. The sums are
// checked so the loops cannot be optimised away.
func genCosts(ctx context.Context, n int) ([]genCost, error) {
	want := n * (n - 1) / 2
	ways := []struct {
		name string
		sum  func() int
	}{
		{"channel + goroutine", func() int {
			s := 0
			for v := range chanGen(ctx, n) {
				s += v
			}
			return s
		}},
		{"iter.Seq", func() int {
			s := 0
			for v := range seqGen(n) {
				s += v
			}
			return s
		}},
		{"iter.Pull", func() int {
			next, stop := iter.Pull(seqGen(n))
			defer stop()
			s := 0
			for v, ok := next(); ok; v, ok = next() {
				s += v
			}
			return s
		}},
	}
	var costs []genCost
	for _, w := range ways {
		start := time.Now()
		if got := w.sum(); got != want && ctx.Err() == nil {
			return nil, fmt.Errorf("%s summed to %d, want %d", w.name, got, want)
		}
		costs = append(costs, genCost{w.name, nsPer(time.Since(start), n)})
	}
	return costs, ctx.Err()
}

// firstThree takes three values from ch and stops listening.
func firstThree(ch <-chan int) []int {
	var got []int
	for v := range ch {
		got = append(got, v)
		if len(got) == 3 {
			break
		}
	}
	return got
}

func showGenerators(ctx context.Context, w io.Writer) error {
	costs, err := genCosts(ctx, cfg.items)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "summing %d items, cost per item:\n", cfg.items)
	for _, c := range costs {
		fmt.Fprintf(w, "  %-20s %6.1f ns\n", c.name, c.perItem)
	}

	before := runtime.NumGoroutine()
	leaky := leakyGen(1000)
	got := firstThree(leaky)
	fmt.Fprintf(w, "consumer stops after %v: goroutines %d before, %d after (one leaked, blocked on its send)\n",
		got, before, goroutinesSettle(before))
	for range leaky { // this lesson drains it, so the leak ends here; a real one stays
	}

	gctx, cancel := context.WithCancel(ctx)
	ch := chanGen(gctx, 1000)
	got = firstThree(ch)
	cancel()
	for range ch { // returns once the generator has seen the cancel and closed ch
	}
	fmt.Fprintf(w, "fix 1, a context: took %v, cancelled, and the generator closed its channel and returned (goroutines %d)\n",
		got, goroutinesSettle(before))

	got = got[:0]
	for v := range seqGen(1000) {
		got = append(got, v)
		if len(got) == 3 {
			break
		}
	}
	fmt.Fprintf(w, "fix 2, an iterator: took %v, broke out of the loop; there was no goroutine to leak (goroutines %d)\n",
		got, goroutinesSettle(before))
	return nil
}

// goroutinesSettle returns the number of goroutines once it is back down to
// want, or after a thousand yields if it never gets there (a leak). A
// goroutine that has closed its channel or called Done still has to return,
// so a count taken at once can include one that is on its way out.
func goroutinesSettle(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 1000 && n > want; i++ {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	return n
}

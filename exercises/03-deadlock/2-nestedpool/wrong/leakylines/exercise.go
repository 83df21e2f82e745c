//go:build coach

// Wrong: prices the lines on a second pool but never closes it, so its
// workers wait for tasks for ever: a goroutine leak on every call.
package nestedpool

import "sync"

// A Pool runs tasks on a fixed number of workers, in the order submitted.
type Pool struct {
	tasks chan func()
	wg    sync.WaitGroup
}

// NewPool starts workers goroutines that run the tasks submitted to the
// pool. Up to 64 tasks wait in its queue before Submit blocks.
func NewPool(workers int) *Pool {
	p := &Pool{tasks: make(chan func(), 64)}
	for range workers {
		p.wg.Go(func() {
			for task := range p.tasks {
				task()
			}
		})
	}
	return p
}

// Submit queues f and returns a channel that receives f's result once a
// worker has run it.
func (p *Pool) Submit(f func() int) <-chan int {
	result := make(chan int, 1)
	p.tasks <- func() { result <- f() }
	return result
}

// Close lets the workers finish the queued tasks, then waits for them to
// exit. Submit must not be called after Close.
func (p *Pool) Close() {
	close(p.tasks)
	p.wg.Wait()
}

// An Order is priced line by line.
type Order struct {
	// Lines loads the items of the order (from a database, say: it takes a
	// moment).
	Lines func() []int
}

// lineWorkers is the size of the pool that prices lines. Any size of at
// least 1 avoids the deadlock; more prices lines in parallel.
const lineWorkers = 4

// Totals prices every order on p and returns each order's total, in the
// order given. price returns the price of one item.
func Totals(p *Pool, orders []Order, price func(item int) int) []int {
	// Orders wait for lines, lines wait for nothing: two pools, so the wait
	// points one way only and cannot close a cycle. Closed when Totals
	// returns, after every price has been read.
	lines := NewPool(lineWorkers)

	results := make([]<-chan int, len(orders))
	for i, o := range orders {
		results[i] = p.Submit(func() int {
			var prices []<-chan int
			for _, item := range o.Lines() {
				prices = append(prices, lines.Submit(func() int { return price(item) }))
			}
			total := 0
			for _, pr := range prices {
				total += <-pr // a lines worker is free, or will be: none waits
			}
			return total
		})
	}
	totals := make([]int, len(orders))
	for i, r := range results {
		totals[i] = <-r
	}
	return totals
}

//go:build coach

// Exercise 03.2: a pool that cannot wait for itself.
//
// Totals prices orders on a fixed pool of workers. Each order is a task on
// the pool: it loads its lines, submits one pricing task per line to the
// same pool, and waits for their prices. Once every worker runs an order,
// the pricing tasks sit in the queue behind them, and every worker waits for
// a task that only a free worker could run: the deadlock of
// 03-deadlock/nestedpool. The test runs Totals in a synctest bubble, which
// sees every goroutine blocked on a channel and reports the deadlock at once.
//
// TODO: make Totals finish for any number of workers and orders. Keep the
// orders running as tasks on p; the Pool itself is fine as it is.
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

// Totals prices every order on p and returns each order's total, in the
// order given. price returns the price of one item.
func Totals(p *Pool, orders []Order, price func(item int) int) []int {
	results := make([]<-chan int, len(orders))
	for i, o := range orders {
		results[i] = p.Submit(func() int {
			var prices []<-chan int
			for _, item := range o.Lines() {
				prices = append(prices, p.Submit(func() int { return price(item) }))
			}
			total := 0
			for _, pr := range prices {
				total += <-pr // waits for a task queued behind this one
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

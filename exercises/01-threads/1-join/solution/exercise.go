//go:build coach

// Exercise 01.1, solved: a WaitGroup joins the goroutines, and wg.Go does
// the Add and the Done so neither can be misplaced.
package join

import "sync"

// GreetAll returns "hello, NAME" for every name, in order.
func GreetAll(names []string) []string {
	out := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			out[i] = greet(name)
		})
	}
	wg.Wait()
	return out
}

// greet makes one greeting. The test swaps it for one that checks the
// greetings really run at the same time.
var greet = func(name string) string { return "hello, " + name }

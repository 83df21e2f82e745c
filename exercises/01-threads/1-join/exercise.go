//go:build coach

// Exercise 01.1: join the goroutines you start.
//
// GreetAll greets every name in its own goroutine, writing each greeting into
// its own slot of the result. But it returns as soon as the goroutines are
// started, so the caller reads slots that may not be written yet: the
// greetings come back empty, and the race detector reports the writes racing
// with the caller's reads.
//
// TODO: make GreetAll wait for every goroutine before it returns.
package join

// GreetAll returns "hello, NAME" for every name, in order.
func GreetAll(names []string) []string {
	out := make([]string, len(names))
	for i, name := range names {
		go func() {
			out[i] = greet(name)
		}()
	}
	return out
}

// greet makes one greeting. The test swaps it for one that checks the
// greetings really run at the same time.
var greet = func(name string) string { return "hello, " + name }

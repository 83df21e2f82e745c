//go:build coach

// Wrong: sleeps a while instead of waiting for the goroutines; a sleep
// orders nothing, so the reads still race with the writes.
package join

import "time"

// GreetAll returns "hello, NAME" for every name, in order.
func GreetAll(names []string) []string {
	out := make([]string, len(names))
	for i, name := range names {
		go func() {
			out[i] = greet(name)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	return out
}

var greet = func(name string) string { return "hello, " + name }

//go:build coach

// Wrong: waits only for the goroutine started last, as if goroutines
// finished in the order they started.
package join

// GreetAll returns "hello, NAME" for every name, in order.
func GreetAll(names []string) []string {
	out := make([]string, len(names))
	last := make(chan struct{})
	for i, name := range names {
		go func() {
			out[i] = greet(name)
			if i == len(names)-1 {
				close(last)
			}
		}()
	}
	if len(names) > 0 {
		<-last
	}
	return out
}

var greet = func(name string) string { return "hello, " + name }

//go:build coach

// Wrong: greets the names one after another in the caller's goroutine; right
// answers, but nothing runs at the same time.
package join

// GreetAll returns "hello, NAME" for every name, in order.
func GreetAll(names []string) []string {
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = greet(name)
	}
	return out
}

var greet = func(name string) string { return "hello, " + name }

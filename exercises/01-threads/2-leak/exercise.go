//go:build coach

// Exercise 01.2: do not leave goroutines behind.
//
// Fastest asks every mirror at once and returns the first answer. The answer
// is right, but the goroutines of the slower mirrors block forever on their
// send: nobody will ever receive it. Each call leaks len(mirrors)-1
// goroutines, and goleak, run at the end of the tests, lists them.
//
// TODO: make Fastest return the first answer without leaking a goroutine.
// Keep it returning as soon as the first answer arrives.
package leak

// Fastest returns the answer of whichever mirror answers first.
func Fastest(mirrors []func() string) string {
	answers := make(chan string)
	for _, ask := range mirrors {
		go func() { answers <- ask() }()
	}
	return <-answers
}

//go:build coach

// Wrong: waits for every mirror before returning, so the fastest answer
// arrives only as late as the slowest one.
package leak

import "sync"

// Fastest returns the answer of whichever mirror answers first.
func Fastest(mirrors []func() string) string {
	answers := make(chan string, len(mirrors))
	var wg sync.WaitGroup
	for _, ask := range mirrors {
		wg.Go(func() { answers <- ask() })
	}
	wg.Wait()
	return <-answers
}

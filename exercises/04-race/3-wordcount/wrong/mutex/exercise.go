//go:build coach

// Wrong: one shared map behind a mutex: no race, but the exercise asks for
// no mutex and no shared map, and every word takes the same lock.
package wordcount

import (
	"strings"
	"sync"
)

// Count returns how many times each word (as strings.Fields splits them)
// occurs in all the texts together.
func Count(texts []string) map[string]int {
	total := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, text := range texts {
		wg.Go(func() {
			for _, w := range strings.Fields(text) {
				mu.Lock()
				total[w]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return total
}

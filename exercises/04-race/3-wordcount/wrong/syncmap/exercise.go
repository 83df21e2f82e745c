//go:build coach

// Wrong: a sync.Map of atomic counters is still one map shared by every
// goroutine, which the exercise asks you not to have.
package wordcount

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Count returns how many times each word (as strings.Fields splits them)
// occurs in all the texts together.
func Count(texts []string) map[string]int {
	var shared sync.Map // word → *atomic.Int64
	var wg sync.WaitGroup
	for _, text := range texts {
		wg.Go(func() {
			for _, w := range strings.Fields(text) {
				n, _ := shared.LoadOrStore(w, new(atomic.Int64))
				n.(*atomic.Int64).Add(1)
			}
		})
	}
	wg.Wait()
	total := map[string]int{}
	shared.Range(func(k, v any) bool {
		total[k.(string)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return total
}

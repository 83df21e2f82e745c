//go:build coach

package join

// Rejects:
//   - onlylast: waits only for the goroutine started last
//   - serial: greets one name after another, with no goroutines
//   - sleep: sleeps instead of waiting, so the reads still race

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stuckAfter bounds how long a greeting waits for the others to start. A
// right answer never comes near it; a serial one fails after it once.
const stuckAfter = 3 * time.Second

// TestGreetAll holds every greeting until all of them have started: with a
// goroutine per name they all get there at once; one after another, the
// first waits for a second that cannot start, and the test fails.
func TestGreetAll(t *testing.T) {
	for _, n := range []int{0, 1, 3, 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			names := make([]string, n)
			want := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprint("name", i)
				want[i] = "hello, " + names[i]
			}
			all := barrier(t, n)
			defer swap(&greet, func(name string) string { all(); return "hello, " + name })()
			got := GreetAll(names)
			assert.Equal(t, want, got, "every greeting must be there when GreetAll returns")
		})
	}
}

// barrier returns a function that blocks until n calls are inside it, or
// fails the test (once) when they do not all arrive within stuckAfter.
func barrier(t *testing.T, n int) func() {
	var mu sync.Mutex
	arrived, broken := 0, false
	everyone := make(chan struct{})
	return func() {
		mu.Lock()
		arrived++
		if arrived == n && !broken {
			close(everyone)
		}
		mu.Unlock()
		select {
		case <-everyone:
		case <-time.After(stuckAfter):
			mu.Lock()
			defer mu.Unlock()
			if !broken {
				broken = true
				t.Errorf("only %d of %d greetings started within %s: GreetAll must greet each name in a goroutine of its own, all at the same time", arrived, n, stuckAfter)
				close(everyone) // let the rest through at once
			}
		}
	}
}

// swap sets *v to x and returns a function that puts the old value back.
func swap[T any](v *T, x T) func() {
	old := *v
	*v = x
	return func() { *v = old }
}

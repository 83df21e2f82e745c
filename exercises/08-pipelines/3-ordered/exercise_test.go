//go:build coach

package ordered

// Rejects:
//   - serial: one call of f at a time, in order; the check needs workers calls at once
//   - sleep: staggers the calls with time.Sleep and hopes they finish in order
//   - one-ahead: holds back one early result; right only when calls finish at most one place out of order

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// feed sends vs on a new channel from a goroutine and closes it.
func feed(vs []int) <-chan int {
	in := make(chan int)
	go func() {
		defer close(in)
		for _, v := range vs {
			in <- v
		}
	}()
	return in
}

func square(v int) int { return v*v + 1 }

// Up to workers calls run at once, and no more. Each call takes a second
// on the bubble's fake clock, so calls that overlap overlap exactly.
func TestCallsRunAtOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mu sync.Mutex
				inside, most := 0, 0
				f := func(v int) int {
					mu.Lock()
					inside++
					most = max(most, inside)
					mu.Unlock()
					time.Sleep(time.Second)
					mu.Lock()
					inside--
					mu.Unlock()
					return square(v)
				}
				inputs := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
				var got []int
				for v := range OrderedMap(feed(inputs), workers, f) {
					got = append(got, v)
				}
				want := make([]int, len(inputs))
				for i, v := range inputs {
					want[i] = square(v)
				}
				mu.Lock()
				defer mu.Unlock()
				if most != workers {
					t.Fatalf("at most %d call(s) of f ran at once; with %d workers there must be %d", most, workers, workers)
				}
				require.Equal(t, want, got, "results out of input order")
			})
		})
	}
}

// The calls finish in an order the test chooses (each call of f sleeps for
// a time picked for its input), in reverse and in 30 shuffled orders. The
// results must come out in input order every time.
func TestOrderWhateverOrderCallsFinish(t *testing.T) {
	const n, workers = 12, 4
	orders := [][]int{}
	rev := make([]int, n)
	for i := range rev {
		rev[i] = n - i
	}
	orders = append(orders, rev)
	for seed := range 30 {
		orders = append(orders, rand.New(rand.NewPCG(uint64(seed), 8)).Perm(n))
	}
	for i, delays := range orders {
		synctest.Test(t, func(t *testing.T) {
			f := func(v int) int {
				time.Sleep(time.Duration(delays[v]+1) * time.Second)
				return square(v)
			}
			inputs := make([]int, n)
			want := make([]int, n)
			for v := range inputs {
				inputs[v], want[v] = v, square(v)
			}
			var got []int
			for v := range OrderedMap(feed(inputs), workers, f) {
				got = append(got, v)
			}
			if !slices.Equal(want, got) {
				t.Fatalf("results out of input order (finishing order %d, call times %v s):\n got  %v\n want %v", i, delays, got, want)
			}
		})
		if t.Failed() {
			return
		}
	}
}

func TestNoInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for v := range OrderedMap(feed(nil), 3, square) {
			t.Fatalf("a result with no input: %d", v)
		}
	})
}

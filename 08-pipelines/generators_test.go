package main

import (
	"context"
	"iter"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestGeneratorsAgree(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1000} {
		ch := slices.Collect(func(yield func(int) bool) {
			for v := range chanGen(t.Context(), n) {
				if !yield(v) {
					return
				}
			}
		})
		seq := slices.Collect(seqGen(n))
		assert.Equal(t, seq, ch, "n=%d", n)
		assert.Len(t, seq, n)

		next, stop := iter.Pull(seqGen(n))
		var pulled []int
		for v, ok := next(); ok; v, ok = next() {
			pulled = append(pulled, v)
		}
		stop()
		assert.Equal(t, seq, pulled)
	}
	costs, err := genCosts(t.Context(), 1000)
	require.NoError(t, err)
	assert.Len(t, costs, 3)
}

// The leak is real, goleak sees it, and it lasts until someone receives.
func TestLeakyGeneratorLeaks(t *testing.T) {
	before := goleak.IgnoreCurrent() // whatever runs already is not this test's
	ch := leakyGen(1000)
	assert.Equal(t, []int{0, 1, 2}, firstThree(ch))

	err := goleak.Find(before)
	require.Error(t, err, "goleak must see the generator blocked on its send")
	assert.Contains(t, err.Error(), ".leakyGen.func1")
	assert.Contains(t, err.Error(), "chan send")

	for range ch { // release it, so the test itself leaks nothing
	}
	assert.NoError(t, goleak.Find(before))
}

// Both fixes stop early and leave nothing behind (goleak checks at the end
// of the package's tests; here, at once).
func TestGeneratorFixesStopEarly(t *testing.T) {
	before := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(t.Context())
	ch := chanGen(ctx, 1_000_000)
	assert.Equal(t, []int{0, 1, 2}, firstThree(ch))
	cancel()
	n := 0
	for range ch {
		n++
	}
	// After the cancel both of the generator's cases are ready (we are
	// still receiving), and select picks at random, so a few more values
	// may come: each one with probability 1/2, so 64 never do.
	assert.Less(t, n, 64, "the generator must stop soon after the cancel")
	assert.NoError(t, goleak.Find(before))

	var got []int
	for v := range seqGen(1_000_000) {
		if got = append(got, v); len(got) == 3 {
			break
		}
	}
	assert.Equal(t, []int{0, 1, 2}, got)
	assert.NoError(t, goleak.Find(before))
}

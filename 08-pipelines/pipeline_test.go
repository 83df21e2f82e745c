package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestCorpusIsTheSameEveryRun(t *testing.T) {
	a, b := corpus(100), corpus(100)
	assert.Equal(t, a, b)
	for _, l := range a {
		n := len(strings.Fields(l))
		assert.True(t, n >= 8 && n <= 16, "line %q has %d words", l, n)
	}
}

func TestWordCountMatchesTheLoop(t *testing.T) {
	lines := corpus(500)
	want := wordCountLoop(lines)
	for _, buf := range []int{0, 1, 16, 1024} {
		got, err := wordCount(t.Context(), lines, buf)
		require.NoError(t, err)
		assert.True(t, maps.Equal(want, got), "buffer %d", buf)
	}
	got, err := wordCount(t.Context(), nil, 4)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, []string{"a=3", "b=2", "c=1"}, top(wordCountLoop([]string{"A b, c.", "a B a"}), 5))
}

// An error in the middle stage comes back from wordCount, and every stage
// has returned by then: the source was blocked on a send and saw ctx done.
func TestWordCountError(t *testing.T) {
	before := goleak.IgnoreCurrent()
	lines := corpus(1000)
	lines[10] = "Caf\xe9"
	_, err := wordCount(t.Context(), lines, 0)
	require.ErrorIs(t, err, ErrBadLine)
	assert.EqualError(t, err, "line 11: line is not valid UTF-8")
	assert.NoError(t, goleak.Find(before))
}

// A cancelled caller gets its context's error, and nothing is left running.
func TestWordCountCancelled(t *testing.T) {
	before := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := wordCount(ctx, corpus(1000), 0)
	require.ErrorIs(t, err, context.Canceled)
	assert.NoError(t, goleak.Find(before))
}

func TestFirstWordsStopsEarly(t *testing.T) {
	before := goleak.IgnoreCurrent()
	lines := corpus(1000)
	got := firstWords(t.Context(), lines, "wh", 3)
	require.Len(t, got, 3)
	var want []string
	for _, l := range lines {
		for _, w := range strings.Fields(strings.ToLower(strings.TrimSuffix(l, "."))) {
			if strings.HasPrefix(w, "wh") && len(want) < 3 {
				want = append(want, w)
			}
		}
	}
	assert.Equal(t, want, got)
	assert.NoError(t, goleak.Find(before))
}

// The producer can never be more than the buffer plus the one value in the
// consumer's hands ahead.
func TestBackpressureBound(t *testing.T) {
	for _, buf := range []int{0, 1, 16, 256} {
		lead := maxLead(5000, buf)
		assert.LessOrEqual(t, lead, buf+1, "buffer %d", buf)
	}
}

func TestPipelinesSumLikeTheLoop(t *testing.T) {
	for _, rounds := range []int{tinyRounds, smallRounds} {
		for _, n := range []int{0, 1, 63, 64, 65, 255, 256, 257, 10_000} {
			want := sumLoop(n, rounds)
			assert.Equal(t, want, sumPipeline(n, rounds), "n=%d unbatched", n)
			for _, batch := range []int{1, 64, 256} {
				assert.Equal(t, want, sumBatched(n, batch, rounds), "n=%d batch=%d rounds=%d", n, batch, rounds)
				assert.Equal(t, want, sumPasses(n, batch, rounds), "passes: n=%d batch=%d rounds=%d", n, batch, rounds)
			}
		}
	}
	assert.NotEqual(t, mix(1), mix(2))
	assert.True(t, slices.Equal([]uint64{mix(0)}, []uint64{mix(0)}))
}

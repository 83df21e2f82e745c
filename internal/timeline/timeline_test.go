package timeline

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ExampleRender() {
	spans := []Span{
		{Lane: "worker 1", Label: "task 1", Start: 0, End: 10 * time.Millisecond},
		{Lane: "worker 2", Label: "task 2", Start: 0, End: 20 * time.Millisecond},
		{Lane: "worker 1", Label: "task 3", Start: 10 * time.Millisecond, End: 30 * time.Millisecond},
	}
	Render(os.Stdout, spans, Options{Width: 30, Style: ASCII})
	// Output:
	//           0                         30ms
	// worker 1 |[task 1==][task 3============]|
	// worker 2 |[task 2============]          |
}

func TestRenderTable(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		spans []Span
		opts  Options
		want  string
	}{
		{
			name: "no spans",
			want: "(no spans recorded)\n",
		},
		{
			name:  "a tiny span is still one column wide",
			spans: []Span{{Lane: "a", Label: "x", Start: 0, End: 100 * ms}, {Lane: "b", Label: "y", Start: 50 * ms, End: 50 * ms}},
			opts:  Options{Width: 10, Style: ASCII},
			want:  "   0    100ms\na |[x=======]|\nb |     |    |\n",
		},
		{
			name:  "a span that began before the drawing starts at its first column",
			spans: []Span{{Lane: "a", Label: "x", Start: -2 * ms, End: 4 * ms}, {Lane: "b", Label: "y", Start: 0, End: 8 * ms}},
			opts:  Options{Width: 8, Style: ASCII},
			want:  "   0    8ms\na |[x=]    |\nb |[y=====]|\n",
		},
		{
			name:  "fixed lane order",
			spans: []Span{{Lane: "a", Label: "x", Start: 0, End: 4 * ms}, {Lane: "b", Label: "y", Start: 0, End: 4 * ms}},
			opts:  Options{Width: 4, Style: ASCII, Lanes: []string{"b"}},
			want:  "   0 4ms\nb |[y=]|\na |[x=]|\n",
		},
		{
			name:  "a fixed total shares one scale",
			spans: []Span{{Lane: "w", Label: "x", Start: 0, End: 5 * ms}},
			opts:  Options{Width: 10, Style: ASCII, Total: 10 * ms},
			want:  "   0     10ms\nw |[x==]     |\n",
		},
		{
			name:  "back-to-back spans do not overlap",
			spans: []Span{{Lane: "w", Label: "a", Start: 0, End: 10 * ms}, {Lane: "w", Label: "b", Start: 10 * ms, End: 30 * ms}},
			opts:  Options{Width: 10, Style: ASCII},
			want:  "   0     30ms\nw |[a][b====]|\n",
		},
		{
			name:  "labels longer than the bar are cut",
			spans: []Span{{Lane: "w", Label: "a long label", Start: 0, End: time.Second}},
			opts:  Options{Width: 6, Style: ASCII},
			want:  "   0   1s\nw |[a lo]|\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			require.NoError(t, Render(&b, tt.spans, tt.opts))
			assert.Equal(t, tt.want, b.String())
		})
	}
}

func TestColorHasEscapesAndASCIIHasNone(t *testing.T) {
	spans := []Span{{Lane: "w", Label: "job", Start: 0, End: time.Second}}
	var c, a strings.Builder
	require.NoError(t, Render(&c, spans, Options{Width: 10, Style: Color}))
	require.NoError(t, Render(&a, spans, Options{Width: 10, Style: ASCII}))
	assert.Contains(t, c.String(), "\x1b[")
	assert.Contains(t, c.String(), "job")
	assert.NotContains(t, a.String(), "\x1b[")
	// Auto on a non-terminal writer is plain ASCII.
	var auto strings.Builder
	require.NoError(t, Render(&auto, spans, Options{Width: 10}))
	assert.Equal(t, a.String(), auto.String())
}

// In a synctest bubble the clock is fake, so the recorded spans, and the
// drawing made from them, are exact.
func TestRecorderInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rec Recorder
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				lane := fmt.Sprintf("worker %d", i+1)
				for j := range i + 1 {
					end := rec.Begin(lane, fmt.Sprintf("t%d", j))
					time.Sleep(10 * time.Millisecond)
					end()
				}
			})
		}
		wg.Wait()
		spans := rec.Spans()
		require.Len(t, spans, 6)
		assert.Equal(t, Span{Lane: "worker 1", Label: "t0", Start: 0, End: 10 * time.Millisecond}, spans[0])
		assert.Equal(t, Span{Lane: "worker 3", Label: "t2", Start: 20 * time.Millisecond, End: 30 * time.Millisecond}, spans[5])
		var b strings.Builder
		require.NoError(t, Render(&b, spans, Options{Width: 9, Style: ASCII, Lanes: []string{"worker 1", "worker 2", "worker 3"}}))
		assert.Equal(t, ""+
			"          0    30ms\n"+
			"worker 1 |[t]      |\n"+
			"worker 2 |[t][t]   |\n"+
			"worker 3 |[t][t][t]|\n", b.String())
	})
}

func TestAddClampsNegativeSpans(t *testing.T) {
	var rec Recorder
	rec.Add(Span{Lane: "x", Start: 5, End: 1})
	assert.Equal(t, []Span{{Lane: "x", Start: 5, End: 5}}, rec.Spans())
}

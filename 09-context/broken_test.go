package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// Each broken-on-purpose program runs as a child; the test asserts what it
// printed and how it ended.
func TestBrokenPrograms(t *testing.T) {
	tests := []struct {
		pkg  string
		exit int
		want []string
	}{
		{"./09-context/leak", 1, []string{
			"started 100 workers, cancelled their context, waited 100ms: 100 still running\n",
			"leak: cancel() stops only goroutines that look at ctx.Done()\n",
		}},
		{"./09-context/storedctx", 1, []string{
			"client: 200 OK accepted\n",
			"background: saving order-17: context canceled\n",
		}},
		{"./09-context/lockstep", 1, []string{
			"  at     0s: 100 arrive in the same window,  90 rejected\n",
			"  at   10ms:  90 arrive in the same window,  80 rejected\n",
			"  at  3.27s:  10 arrive in the same window,   0 rejected\n",
			"drained after 3.27s, 450 rejections",
		}},
		{"./09-context/slowticker", 1, []string{
			"a 10ms ticker read for 300ms by a consumer that takes 30ms per tick:",
			"ticks never arrived; a ticker keeps at most one waiting\n",
		}},
		{"./09-context/testdata/lostcancel", 0, []string{
			"1000 fetches done (sum 999000); 1000 one-hour timers still pending, one per dropped cancel\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			t.Parallel()
			res, err := harness.Run(t.Context(), tt.pkg, harness.Options{Timeout: 30 * time.Second})
			require.NoError(t, err)
			assert.Equal(t, tt.exit, res.ExitCode, res.String())
			assert.False(t, res.TimedOut, res.String())
			for _, want := range tt.want {
				assert.Contains(t, res.Stdout, want)
			}
		})
	}
}

// The slow consumer counts about one tick in three: 30ms of work per 10ms
// tick. A busy machine only makes the consumer slower, so the bound holds.
func TestSlowTickerDropsTicks(t *testing.T) {
	res, err := harness.Run(t.Context(), "./09-context/slowticker", harness.Options{Args: []string{"-work", "30ms"}})
	require.NoError(t, err)
	assert.Equal(t, 1, res.ExitCode, res.String())
	assert.Regexp(t, `: ([1-9]|1[0-5]) ticks counted, 30 due\n`, res.Stdout)
}

// go vet's lostcancel check reports the dropped cancel. The program lives
// under testdata so that go vet ./... over the course stays clean.
func TestVetReportsLostCancel(t *testing.T) {
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	vet := harness.Command(t.Context(), "go", "vet", "./09-context/testdata/lostcancel")
	vet.Dir = root
	out, err := vet.CombinedOutput()
	require.Error(t, err, "go vet should fail on the lost cancel")
	assert.Contains(t, string(out), "the cancel function returned by context.WithTimeout should be called, not discarded, to avoid a context leak")
}

//go:build coach

package leak

// Rejects:
//   - bufferone: a buffer of one still leaves the other slow mirrors blocked
//   - serial: asks one mirror after another, so a slow one holds up the answer
//   - waitall: waits for every mirror before it returns

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFastest(t *testing.T) {
	// The slow mirrors answer only when the test lets them, after Fastest
	// has returned: so Fastest must not wait for them, and their goroutines
	// must still be able to finish.
	release := make(chan struct{})
	slow := func() string { <-release; return "slow" }
	fast := func() string { return "fast" }

	got := make(chan string, 1)
	go func() { got <- Fastest([]func() string{slow, fast, slow, slow}) }()
	select {
	case v := <-got:
		assert.Equal(t, "fast", v)
		close(release)
	case <-time.After(3 * time.Second):
		t.Error("Fastest did not return within 3s, although one mirror answered at once: " +
			"it must return as soon as the first answer arrives, not wait for the slow mirrors")
		close(release)
		<-got
	}
}

func TestOneMirror(t *testing.T) {
	assert.Equal(t, "only", Fastest([]func() string{func() string { return "only" }}))
}

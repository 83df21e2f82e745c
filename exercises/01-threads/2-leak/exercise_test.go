//go:build coach

package leak

import (
	"testing"

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

	got := Fastest([]func() string{slow, fast, slow})
	assert.Equal(t, "fast", got)
	close(release)
}

func TestOneMirror(t *testing.T) {
	assert.Equal(t, "only", Fastest([]func() string{func() string { return "only" }}))
}

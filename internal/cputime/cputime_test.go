package cputime

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A fixed amount of arithmetic shows up as CPU time, however loaded the
// machine is: waiting for a core stretches the wall time, not this.
func TestProcessCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage here")
	}
	before := Process()
	x := uint64(1)
	for range 100_000_000 { // about 0.1 s of CPU on a 2 GHz core
		x = x*6364136223846793005 + 1442695040888963407
	}
	used := Process() - before
	assert.NotZero(t, x)
	assert.GreaterOrEqual(t, used, 10*time.Millisecond, "1e8 multiply-adds used %v of CPU", used)
}

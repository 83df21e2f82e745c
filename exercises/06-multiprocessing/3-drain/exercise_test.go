//go:build coach

package drain

// Rejects:
//   - readinbackground: reads in a goroutine that Output does not wait for
//   - readonce: one Read, then Wait

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// roleEnv makes the test binary its own helper, as in the chapter: a child
// started with roleEnv=flood writes os.Args[1] bytes to stdout and exits
// before any test runs.
const roleEnv = "EXERCISE_06_3_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "flood" {
		n, _ := strconv.Atoi(os.Args[1])
		if _, err := os.Stdout.Write(make([]byte, n)); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// flood is a child that writes n bytes to stdout.
func flood(ctx context.Context, t *testing.T, n int) *exec.Cmd {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, exe, strconv.Itoa(n))
	cmd.Env = append(os.Environ(), roleEnv+"=flood",
		// Under -race the child is a race-enabled binary too, and by
		// default it sleeps a second at exit; it has nothing to report.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return cmd
}

// patience is how long a case waits for Output before calling it stuck. A
// correct Output returns in milliseconds; the wait runs out only on a
// deadlock.
const patience = 5 * time.Second

func TestOutput(t *testing.T) {
	// A pipe holds 64 KiB on Linux, 16 or 64 KiB on macOS: 1 KiB always fits
	// (the wrong order passes), 1 MiB never does.
	for _, n := range []int{0, 1 << 10, 1 << 20} {
		t.Run(fmt.Sprintf("%d bytes", n), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type result struct {
				out []byte
				err error
			}
			cmd := flood(ctx, t, n)
			done := make(chan result, 1)
			go func() {
				out, err := Output(cmd)
				done <- result{out, err}
			}()

			select {
			case res := <-done:
				assert.NoError(t, res.err)
				assert.Len(t, res.out, n, "every byte the child wrote")
			case <-time.After(patience):
				cancel() // exec kills the child, which frees both sides
				select {
				case <-done:
				case <-time.After(patience):
					t.Error("Output did not return even after its child was killed")
				}
				t.Fatalf("deadlock: the child is blocked writing %d bytes into a full pipe, "+
					"and the parent waits for it to exit before reading", n)
			}
		})
	}
}

//go:build coach

package eof

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// patience is how long a case waits for Gather before calling it stuck. A
// correct Gather returns as soon as its children have exited, in
// milliseconds; the wait runs out only when Gather is waiting for an EOF
// that never comes.
const patience = 5 * time.Second

func TestGather(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d children", n), func(t *testing.T) {
			t.Parallel() // stuck, the two cases cost one patience, not two
			var cmds []*exec.Cmd
			var want []string
			for i := range n {
				line := fmt.Sprintf("hello from child %d", i)
				cmds = append(cmds, exec.Command("/bin/sh", "-c", "echo '"+line+"'"))
				want = append(want, line)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type result struct {
				lines []string
				err   error
			}
			done := make(chan result, 1)
			go func() {
				lines, err := Gather(ctx, cmds)
				done <- result{lines, err}
			}()

			select {
			case res := <-done:
				assert.NoError(t, res.err)
				assert.ElementsMatch(t, want, res.lines, "every child's line, once each")
			case <-time.After(patience):
				cancel() // ends Gather's read, so its goroutine and the pipe go too
				select {
				case <-done:
				case <-time.After(patience):
					t.Error("Gather did not return even after ctx was cancelled")
				}
				t.Fatalf("Gather still waits for EOF %v after starting children that echo one line and exit: "+
					"a write end of the pipe is still open", patience)
			}
		})
	}
}

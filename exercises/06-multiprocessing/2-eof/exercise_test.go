//go:build coach

package eof

// Rejects:
//   - closeonsuccess: keeps the write end open when a command cannot start
//   - closeperchild: closes the write end after the first Start
//   - waitfirst: waits for the children before reading the pipe

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
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
	tests := []struct {
		name     string
		children int
		lines    int  // lines each child writes
		bad      bool // one more command, in the middle, cannot start
	}{
		{"1 child", 1, 1, false},
		{"3 children", 3, 1, false},
		// 20000 lines are more than a pipe holds: read while the child runs.
		{"1 child, 20000 lines", 1, 20000, false},
		{"3 children, one cannot start", 3, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // stuck, the cases cost one patience, not four
			var cmds []*exec.Cmd
			var want []string
			for i := range tt.children {
				line := fmt.Sprintf("hello from child %d", i)
				cmds = append(cmds, exec.Command("/bin/sh", "-c", fmt.Sprintf("yes '%s' | head -n %d", line, tt.lines)))
				for range tt.lines {
					want = append(want, line)
				}
				if tt.bad && i == 0 {
					cmds = append(cmds, exec.Command("/no/such/program"))
				}
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
				if tt.bad {
					assert.Error(t, res.err, "a command that cannot start is an error")
					break
				}
				assert.NoError(t, res.err)
				slices.Sort(want)
				slices.Sort(res.lines)
				assert.Equal(t, want, res.lines, "every child's line, once each")
			case <-time.After(patience):
				cancel() // ends Gather's read, so its goroutine and the pipe go too
				select {
				case <-done:
				case <-time.After(patience):
					t.Error("Gather did not return even after ctx was cancelled")
				}
				t.Fatalf("Gather still waits for EOF %v after starting children that write their lines and exit: "+
					"a write end of the pipe is still open", patience)
			}
		})
	}
}

//go:build coach

package reap

// Rejects:
//   - lasterror: returns the last error, not the first in the order of cmds
//   - serial: starts and waits for one command after another
//   - waitingoroutines: reaps in goroutines that nobody waits for

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// exit is a child that exits with status code at once; a code below 0 is a
// program that does not exist, so Start fails.
func exit(code int) *exec.Cmd {
	if code < 0 {
		return exec.Command("/no/such/program")
	}
	return exec.Command("/bin/sh", "-c", "exit "+strconv.Itoa(code))
}

func TestRunAll(t *testing.T) {
	tests := []struct {
		name  string
		codes []int // each child's exit status; -1: it cannot start
		want  int   // the exit status RunAll must report; 0: no error; -1: Start's error
	}{
		{"none", nil, 0},
		{"all succeed", []int{0, 0, 0}, 0},
		{"the last fails", []int{0, 0, 3}, 3},
		{"the first fails", []int{3, 0, 0}, 3},
		{"two fail", []int{0, 4, 5, 0}, 4},
		{"one cannot start", []int{0, -1, 0}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds := make([]*exec.Cmd, len(tt.codes))
			for i, code := range tt.codes {
				cmds[i] = exit(code)
			}
			// Whatever RunAll did, leave no zombie behind this test.
			t.Cleanup(func() {
				for _, cmd := range cmds {
					if cmd.Process != nil && cmd.ProcessState == nil {
						cmd.Wait()
					}
				}
			})

			err := RunAll(cmds)

			for i, cmd := range cmds {
				if cmd.Process != nil {
					assert.NotNil(t, cmd.ProcessState,
						"child %d (pid %d) was started and never waited for: it stays a zombie", i, cmd.Process.Pid)
				}
			}
			var exitErr *exec.ExitError
			switch tt.want {
			case 0:
				assert.NoError(t, err)
			case -1:
				assert.ErrorIs(t, err, fs.ErrNotExist, "the first error is the one Start returned")
			default:
				require.True(t, errors.As(err, &exitErr), "want an *exec.ExitError, got %v", err)
				assert.Equal(t, tt.want, exitErr.ExitCode(), "the first error in the order of cmds")
			}
		})
	}
}

// The commands run side by side: each child says "up" and then waits for
// its stdin to end, which the test ends only once every child is up. Started
// one after another, the first waits for the others, which cannot start
// before it exits, and after five seconds the test gives up and fails.
func TestRunsSideBySide(t *testing.T) {
	const n = 3
	inR, inW, err := os.Pipe()
	require.NoError(t, err)
	outR, outW, err := os.Pipe()
	require.NoError(t, err)
	defer outR.Close()
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmds[i] = exec.Command("/bin/sh", "-c", "echo up; read x; exit 0")
		cmds[i].Stdin, cmds[i].Stdout = inR, outW
	}
	done := make(chan error, 1)
	go func() { done <- RunAll(cmds) }()

	ups := make(chan struct{}, n)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			ups <- struct{}{}
		}
	}()
	up := 0
	giveUp := time.After(5 * time.Second)
	for up < n {
		select {
		case <-ups:
			up++
		case <-giveUp:
			t.Errorf("only %d of %d children were running after 5s: RunAll must start them all before it waits for any", up, n)
			up = n
		}
	}
	inW.Close() // every child's read ends, and so does the child
	assert.NoError(t, <-done)
	inR.Close()
	outW.Close() // now the scanner sees EOF and its goroutine ends
}

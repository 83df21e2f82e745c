package harness

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(WithCleanup(m)) }

const fixture = "./internal/harness/testdata/fixture"

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		exit     int
		stdout   string
		stderr   []string
		timedOut bool
	}{
		{
			name:   "exit status and both streams",
			opts:   Options{Args: []string{"exit"}},
			exit:   3,
			stdout: "to stdout\n",
			stderr: []string{"to stderr"},
		},
		{
			name:   "race detector",
			opts:   Options{Race: true, Args: []string{"race"}},
			exit:   66,
			stderr: []string{"WARNING: DATA RACE", "Found 1 data race(s)"},
		},
		{
			name:   "deadlock detector needs a build without -race (no cgo)",
			opts:   Options{Args: []string{"deadlock"}},
			exit:   2,
			stderr: []string{"fatal error: all goroutines are asleep - deadlock!"},
		},
		{
			name:   "usage error",
			opts:   Options{},
			exit:   2,
			stderr: []string{"usage: fixture"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(t.Context(), fixture, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.exit, res.ExitCode, res.String())
			assert.Equal(t, tt.timedOut, res.TimedOut)
			if tt.stdout != "" {
				assert.Equal(t, tt.stdout, res.Stdout)
			}
			for _, want := range tt.stderr {
				assert.Contains(t, res.Stderr, want)
			}
		})
	}
}

func TestTimeoutKillsTheWholeGroup(t *testing.T) {
	res, err := Run(t.Context(), fixture, Options{Args: []string{"hang"}, Timeout: 2 * time.Second})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, res.String())
	assert.Equal(t, -1, res.ExitCode)
	assert.Equal(t, "killed", res.Signal)
	// What it printed before the kill is kept.
	require.True(t, strings.HasPrefix(res.Stdout, "started grandchild "), res.String())
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(res.Stdout, "started grandchild ")))
	require.NoError(t, err)
	// The grandchild was in the same group and got the same SIGKILL. It is
	// reparented to init (or a subreaper), so it may linger briefly as a
	// zombie; poll its state rather than sleeping a fixed time.
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		pollPause()
	}
	assert.False(t, alive(pid), "grandchild %d survived the timeout", pid)
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err)
	}
	// The state follows the command name in parentheses: "Z" is a zombie.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func TestBuildOnceAndCleanup(t *testing.T) {
	a, err := Build(t.Context(), fixture, false)
	require.NoError(t, err)
	b, err := Build(t.Context(), fixture, false)
	require.NoError(t, err)
	assert.Equal(t, a, b, "the same package is built once")
	assert.FileExists(t, a)
}

func TestBuildAllThenCleanupAfter(t *testing.T) {
	BuildAll(t.Context(), Program{Pkg: fixture}, Program{Pkg: "./internal/harness/testdata/no-such-program"})
	var bin string
	err := CleanupAfter(func() error {
		var err error
		bin, err = Build(t.Context(), fixture, false)
		require.NoError(t, err)
		assert.FileExists(t, bin, "built by BuildAll")
		_, err = Build(t.Context(), "./internal/harness/testdata/no-such-program", false)
		return err
	})
	require.Error(t, err, "the build error BuildAll kept")
	assert.NoFileExists(t, bin, "removed by CleanupAfter")
}

func TestBuildErrorIsClear(t *testing.T) {
	_, err := Run(t.Context(), "./internal/harness/testdata/no-such-program", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go build ./internal/harness/testdata/no-such-program")
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	require.NoError(t, err)
	assert.FileExists(t, root+"/go.mod")
}

//go:build unix

package breakit

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture makes a tiny module in a git repository: one chapter, one page,
// a tracked file, an untracked one, an ignored one and a workspace/ file.
func fixture(t *testing.T, patches map[string]string) string {
	t.Helper()
	root := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("go.mod", "module example.com/fixture\n")
	write(".gitignore", "ignored.txt\n")
	write("01-demo/hello.txt", "hello\n")
	for name, text := range patches {
		write("01-demo/testdata/breakit/"+name+".patch", text)
	}
	git := func(args ...string) {
		cmd := exec.CommandContext(t.Context(), "git", args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
	git("init", "-q")
	git("add", ".")
	write("01-demo/untracked.txt", "untracked\n")
	write("ignored.txt", "ignored\n")
	write("workspace/01-demo/mine.txt", "mine\n")
	return root
}

func TestRunnerOnFixture(t *testing.T) {
	const patch = "diff --git a/01-demo/hello.txt b/01-demo/hello.txt\n--- a/01-demo/hello.txt\n+++ b/01-demo/hello.txt\n@@ -1 +1 @@\n-hello\n+broken\n"
	root := fixture(t, map[string]string{
		"as-said":  "Title: Patched\nRun: cat 01-demo/hello.txt\nExit: 0\nExpect: ^broken\\n$\n\n" + patch,
		"differs":  "Title: Wrong claim\nRun: echo hello; exit 3\nExit: 0\nExpect: goodbye\nReject: hello\n",
		"files":    "Title: What is copied\nRun: cat 01-demo/untracked.txt; test ! -e ignored.txt && test ! -e workspace && echo NO_COLOR=$NO_COLOR\nExit: 0\nExpect: untracked\nExpect: NO_COLOR=1\n",
		"hangs":    "Title: Hangs\nRun: sleep 60 & echo pid=$!; wait\nTimeout: 1s\nExit: nonzero\n",
		"bad-diff": "Title: Stale\nRun: true\nExit: 0\n\n" + strings.ReplaceAll(patch, "-hello", "-howdy"),
		// What a go command killed before its cleanup leaves behind.
		"litter": "Title: Litter\nRun: mkdir \"$TMPDIR/go-build1\"\nExit: 0\n",
	})
	exps, err := Find(root)
	require.NoError(t, err)
	require.Len(t, exps, 6)

	var reported []string
	r := &Runner{Root: root, Parallel: 2, Report: func(res *Result) { reported = append(reported, res.Exp.Name) }}
	start := time.Now()
	results, err := r.Run(t.Context(), exps)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 30*time.Second, "the hanging experiment was not cut at its 1s timeout")
	assert.ElementsMatch(t, []string{"as-said", "bad-diff", "differs", "files", "hangs", "litter"}, reported)

	got := map[string]*Result{}
	for _, res := range results {
		got[res.Exp.Name] = res
	}
	for _, name := range []string{"as-said", "files"} {
		assert.True(t, got[name].OK(), "%s: %v %v\n%s", name, got[name].Err, got[name].Diffs, got[name].Output)
	}
	assert.Equal(t, []string{"exit status 3, want 0", "output lacks /goodbye/", "output has /hello/"}, got["differs"].Diffs)
	assert.ErrorContains(t, got["bad-diff"].Err, "git apply")
	assert.Equal(t, []string{"leaves in TMPDIR: go-build1"}, got["litter"].Diffs)

	hangs := got["hangs"]
	assert.True(t, hangs.TimedOut)
	assert.Equal(t, []string{"still running after 1s (killed)"}, hangs.Diffs)
	m := regexp.MustCompile(`pid=(\d+)`).FindStringSubmatch(hangs.Output)
	require.NotNil(t, m, hangs.Output)
	pid, _ := strconv.Atoi(m[1])
	// SIGKILL went to the whole group; the sleep, now an orphan, may take a
	// moment to die and be reaped, so poll its state.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.Now().Add(5 * time.Second); alive(pid) && time.Now().Before(deadline); {
		<-tick.C
	}
	assert.False(t, alive(pid), "the background sleep outlived the timeout: the process group was not killed")

	// The checkout is as it was.
	data, err := os.ReadFile(filepath.Join(root, "01-demo", "hello.txt"))
	require.NoError(t, err)
	assert.Equal(t, "hello\n", string(data))
}

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
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

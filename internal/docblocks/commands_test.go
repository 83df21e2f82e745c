package docblocks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/breakit"
	"github.com/gocourse/concurrency/internal/harness"
)

const (
	// cmdParallel commands run at once, each in its own copy of the module:
	// the course machine has 2 cores, and a build uses both.
	cmdParallel = 2
	// cmdTimeout is how long one command may run (a cold -race build on a
	// busy machine takes a minute).
	cmdTimeout = 3 * time.Minute
)

// TestPageCommandsRun runs every go build, go vet, go list and go doc
// command, and every go run with -h, that README.md, CONTRIBUTING.md,
// exercises/README.md and docs/*.md show (in their shell blocks and as whole
// commands in their prose), each as written with bash -o pipefail -c in a
// copy of the module. Each must exit 0 and leave the copy as it found it: a
// command on a page never writes into the reader's checkout (build with
// -o /dev/null, or into d=$(mktemp -d)). Set DOCS_SKIP=1 to leave it out of a
// quick local run.
func TestPageCommandsRun(t *testing.T) {
	if os.Getenv("DOCS_SKIP") != "" {
		t.Skip("DOCS_SKIP is set")
	}
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	cmds, err := checkedCommands(root)
	require.NoError(t, err)
	require.NotEmpty(t, cmds, "no go build, go vet or go run -h command on any page")

	files, err := breakit.Files(t.Context(), root)
	require.NoError(t, err)
	// A few copies, each reused by one command after another.
	copies := make(chan *moduleCopy, cmdParallel)
	for _, dir := range copyDirs(t, cmdParallel) {
		copies <- &moduleCopy{root: root, files: files, dir: dir}
	}
	for _, c := range cmds {
		t.Run(c.Where(), func(t *testing.T) {
			t.Parallel()
			var m *moduleCopy
			select {
			case m = <-copies:
			case <-t.Context().Done():
				return
			}
			defer func() { copies <- m }()
			require.NoError(t, m.ready(), "copy the module")
			if err := checkCommand(t.Context(), m, c); err != nil {
				t.Error(err)
			}
		})
	}
}

// copyDirs returns n fresh paths for copies of the module, removed with
// the test. Go's build cache keys a compiled package by its directory unless
// paths are trimmed, so runShell sets GOFLAGS=-trimpath: a copy at a new
// path then builds from the cache, as the checkout would.
func copyDirs(t *testing.T, n int) []string {
	var dirs []string
	for range n {
		dirs = append(dirs, filepath.Join(t.TempDir(), "module"))
	}
	return dirs
}

// checkedCommands lists the commands TestPageCommandsRun runs, with the
// pages' paths relative to root.
func checkedCommands(root string) ([]Command, error) {
	pages, err := Pages(root)
	if err != nil {
		return nil, err
	}
	pages = append([]string{
		filepath.Join(root, "README.md"),
		filepath.Join(root, "CONTRIBUTING.md"),
		filepath.Join(root, "exercises", "README.md"),
	}, pages...)
	var cmds []Command
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, err
		}
		cs, err := Commands(filepath.ToSlash(rel), string(data))
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if Checked(c.Text) {
				cmds = append(cmds, c)
			}
		}
	}
	return cmds, nil
}

// checkCommand runs c in m's copy and says, in one line, what is wrong: an
// exit status other than 0, a timeout, files the command wrote, changed or
// removed in the copy, or several of these. The end of the output of a
// command that failed follows on later lines.
//
// The command gets a TMPDIR of its own (harness.Scratch), which must be
// empty when it ends. A binary that the command builds to an absolute path
// outside the copy (go build -o /tmp/ps07) is the reader's to keep, not the
// test's: it is removed after the run if it was not there before.
func checkCommand(ctx context.Context, m *moduleCopy, c Command) error {
	scratch, err := harness.NewScratch()
	if err != nil {
		return err
	}
	built := map[string]bool{} // absolute -o path: did it exist before?
	for _, p := range buildOutputs(c.Text) {
		_, err := os.Lstat(p)
		built[p] = err == nil
	}
	out, code, runErr := runShell(ctx, m.dir, c.Text, cmdTimeout, scratch.Env())
	for p, existed := range built {
		if !existed {
			os.Remove(p)
		}
	}
	left, err := scratch.Close()
	if err != nil {
		return err
	}
	changes, err := m.changes()
	if err != nil {
		m.clean = nil // whatever the command left, the next one gets a fresh copy
		return err
	}
	var problems []string
	switch {
	case runErr != nil:
		problems = append(problems, runErr.Error())
	case code != 0:
		problems = append(problems, fmt.Sprintf("exit status %d", code))
	}
	if len(changes) > 0 {
		problems = append(problems, "writes into the checkout: "+strings.Join(changes, ", "))
	}
	if left != "" {
		problems = append(problems, left)
	}
	if len(problems) == 0 {
		return nil
	}
	tail := ""
	if runErr != nil || code != 0 {
		tail = indentTail(out)
	}
	return fmt.Errorf("%s: %s: %s%s", c.Where(), c.Text, strings.Join(problems, "; "), tail)
}

// indentTail returns the last lines of out, each on a line of its own after
// a tab, so that the first line of a failure stays one line.
func indentTail(out string) string {
	if strings.TrimSpace(out) == "" {
		return ""
	}
	return "\n\t" + strings.ReplaceAll(strings.TrimRight(breakit.Tail(out, 10), "\n"), "\n", "\n\t")
}

// buildOutputs lists the absolute paths that cmd's go build commands write
// with -o, leaving out /dev/null and paths made of shell variables.
func buildOutputs(cmd string) []string {
	var paths []string
	for _, words := range SimpleCommands(cmd) {
		if len(words) < 2 || words[0] != "go" || words[1] != "build" {
			continue
		}
		for i, w := range words {
			var p string
			switch {
			case w == "-o" && i+1 < len(words):
				p = words[i+1]
			case strings.HasPrefix(w, "-o="):
				p = strings.TrimPrefix(w, "-o=")
			}
			if filepath.IsAbs(p) && p != os.DevNull && !strings.Contains(p, "$") {
				paths = append(paths, p)
			}
		}
	}
	return paths
}

// runShell runs cmd with bash -o pipefail -c in dir, with NO_COLOR=1 and env
// added to the environment, and returns its stdout and stderr interleaved and
// its exit status. The error is for a command that could not start or did
// not finish within timeout.
func runShell(ctx context.Context, dir, cmd string, timeout time.Duration, env ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := harness.Command(ctx, "bash", "-o", "pipefail", "-c", cmd)
	c.Dir = dir
	// -trimpath keeps the build cache's keys free of the copy's directory
	// (see copyDirs); it changes nothing these commands print.
	c.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"))
	c.Env = append(c.Env, env...)
	var out strings.Builder
	c.Stdout = &out
	c.Stderr = &out
	err := c.Run()
	if ctx.Err() != nil {
		return out.String(), -1, fmt.Errorf("did not finish within %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), ee.ExitCode(), nil
	}
	return out.String(), 0, err
}

// A moduleCopy is a copy of the module's files in dir, and what it held
// when it was made.
type moduleCopy struct {
	root, dir string
	files     []string
	clean     map[string]fileState // nil until made, and after a command changed it
}

type fileState struct {
	mode fs.FileMode
	size int64
	mod  time.Time
}

// ready makes the copy unless it is as it was made.
func (m *moduleCopy) ready() error {
	if m.clean != nil {
		return nil
	}
	if err := os.RemoveAll(m.dir); err != nil {
		return err
	}
	if err := breakit.CopyModule(m.root, m.dir, m.files); err != nil {
		return err
	}
	var err error
	m.clean, err = snapshot(m.dir)
	return err
}

// changes lists what differs in the copy since it was made; when something
// does, the next ready makes it again.
func (m *moduleCopy) changes() ([]string, error) {
	now, err := snapshot(m.dir)
	if err != nil {
		return nil, err
	}
	var diffs []string
	for p, st := range now {
		was, ok := m.clean[p]
		switch {
		case !ok:
			diffs = append(diffs, "new "+p)
		case was.mode != st.mode || was.size != st.size || !was.mod.Equal(st.mod):
			diffs = append(diffs, "changed "+p)
		}
	}
	for p := range m.clean {
		if _, ok := now[p]; !ok {
			diffs = append(diffs, "removed "+p)
		}
	}
	if len(diffs) > 0 {
		m.clean = nil
	}
	slices.Sort(diffs)
	return diffs, nil
}

// snapshot records every file and directory under dir.
func snapshot(dir string) (map[string]fileState, error) {
	files := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		st := fileState{mode: info.Mode()}
		if !d.IsDir() { // a directory's size and time change with its entries
			st.size, st.mod = info.Size(), info.ModTime()
		}
		files[filepath.ToSlash(rel)] = st
		return nil
	})
	return files, err
}

const commandsPage = "# Page\n" +
	"\n" +
	"Run `go run ./01-threads -h`, not `go vet` alone or `go vet ./...`; `go test -run X ./01-threads` too.\n" +
	"<!-- output: go run ./01-threads -h -->\n" +
	"```text\n" +
	"$ go build ./not-a-command\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"# a comment\n" +
	"go build -o /dev/null ./04-race/racy   # a binary to nowhere\n" +
	"$ GOMAXPROCS=1 go vet \\\n" +
	"    ./09-context\n" +
	"\n" +
	"```\n" +
	"````markdown\n" +
	"```sh\n" +
	"go build ./inside-an-example\n" +
	"```\n" +
	"````\n" +
	"```go\n" +
	"go build()\n" +
	"```\n" +
	"```console\n" +
	"$ d=$(mktemp -d) && go build -o $d/p ./03-deadlock/abba\n" +
	"output line\n" +
	"```\n" +
	"```\n" +
	"go run ./07-pool-server serve -h 2>&1 | head -n 3\n" +
	"```\n"

func TestCommands(t *testing.T) {
	cmds, err := Commands("p.md", commandsPage)
	require.NoError(t, err)
	var got []string
	for _, c := range cmds {
		got = append(got, fmt.Sprintf("%s %s", c.Where(), c.Text))
	}
	assert.Equal(t, []string{
		"p.md:3 go run ./01-threads -h",
		"p.md:3 go test -run X ./01-threads",
		"p.md:11 go build -o /dev/null ./04-race/racy   # a binary to nowhere",
		"p.md:12 GOMAXPROCS=1 go vet ./09-context",
		"p.md:25 d=$(mktemp -d) && go build -o $d/p ./03-deadlock/abba",
		"p.md:29 go run ./07-pool-server serve -h 2>&1 | head -n 3",
	}, got)
}

func TestChecked(t *testing.T) {
	tests := []struct {
		cmd  string
		want bool
	}{
		{"go build ./04-race/racy", true},
		{"go vet ./01-threads # it exits 1", true},
		{"GOMAXPROCS=1 CGO_ENABLED=0 go build ./x", true},
		{"d=$(mktemp -d) && go build -o $d/p ./x && timeout 3 $d/p; echo \"exit $?\"", true},
		{"go run ./01-threads -h", true},
		{"go run ./07-pool-server serve -h 2>&1 | head", true},
		{"go run ./01-threads", false},
		{"go run ./01-threads -only 2 -help", true},
		{"go test -run X ./01-threads", false},
		{"go test -c -o $d/t.test ./10-profiling", false},
		{"echo 'go build ./x'", false},
		{"go run ./x -path '-h'", true}, // quotes removed: the program gets -h
		{"go run ./x 2>&1 | grep -h y", false},
		{"go list ./...", true},
		{"go tool pprof -top x", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Checked(tt.cmd), "%s: %q", tt.cmd, SimpleCommands(tt.cmd))
	}
}

func TestBuildOutputs(t *testing.T) {
	assert.Equal(t, []string{"/tmp/ps07", "/tmp/b"},
		buildOutputs("go build -o /tmp/ps07 ./07-pool-server && go build -o=/tmp/b ./x"))
	assert.Empty(t, buildOutputs("d=$(mktemp -d) && go build -o $d/p ./x; go build -o /dev/null ./y; go build -o rel ./z; cp a -o /tmp/c"))
}

func TestSimpleCommands(t *testing.T) {
	assert.Equal(t, [][]string{
		{"mktemp", "-d"},
		{"go", "build", "-o", "$d/p", "./x"},
		{"timeout", "3", "$d/p"},
		{"echo", "exit $?"},
		{"rm", "-r", "$d"},
	}, SimpleCommands(`A=1 mktemp -d && GOFLAGS= go build -o $d/p ./x || timeout 3 $d/p; echo "exit $?"; rm -r $d # done`))
	assert.Empty(t, SimpleCommands(`d=$(mktemp -d)`), "an assignment alone runs no program")
	assert.Equal(t, [][]string{
		{"go", "build", "./x", "2>&1"},
		{"grep", "a b", "c|d"},
	}, SimpleCommands(`go build ./x 2>&1 | grep 'a b' "c|d"`))
}

// The check itself: a command that writes, changes or removes a file in the
// copy is reported with its place, and so are a failure and a timeout.
func TestCheckCommandCatchesWrites(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.txt"), []byte("a"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "b.txt"), []byte("b"), 0o644))
	m := &moduleCopy{root: root, files: []string{"a.txt", "b.txt"}, dir: filepath.Join(t.TempDir(), "module")}
	tests := []struct{ cmd, want string }{
		{"cat a.txt >/dev/null", ""},
		{"touch new.out", "p.md:7: touch new.out: writes into the checkout: new new.out"},
		{"echo x >> a.txt; rm b.txt", "writes into the checkout: changed a.txt, removed b.txt"},
		{"mkdir out", "writes into the checkout: new out"},
		{"false | cat", "p.md:7: false | cat: exit status 1"}, // pipefail
		{"echo oops; exit 3", "exit status 3\n\toops"},
		{"touch x.out; exit 2", "p.md:7: touch x.out; exit 2: exit status 2; writes into the checkout: new x.out"},
		// What a go command killed before its cleanup leaves behind.
		{`mkdir "$TMPDIR/go-build123"`, "p.md:7: mkdir \"$TMPDIR/go-build123\": leaves in TMPDIR: go-build123"},
		{`touch "${TMPDIR:-/tmp}/x"; rm "$TMPDIR/x"`, ""},
	}
	for _, tt := range tests {
		require.NoError(t, m.ready())
		err := checkCommand(t.Context(), m, Command{File: "p.md", Line: 7, Text: tt.cmd})
		if tt.want == "" {
			assert.NoError(t, err, tt.cmd)
			continue
		}
		require.Error(t, err, tt.cmd)
		assert.Contains(t, err.Error(), tt.want)
	}
	// A binary built to an absolute path is removed after the run, unless
	// it was there before.
	bin := filepath.Join(t.TempDir(), "ps07")
	require.NoError(t, m.ready())
	require.NoError(t, checkCommand(t.Context(), m, Command{File: "p.md", Line: 9,
		Text: "go build -o " + bin + " ./nothing 2>/dev/null; touch " + bin}))
	assert.NoFileExists(t, bin)
	require.NoError(t, os.WriteFile(bin, []byte("mine"), 0o644))
	require.NoError(t, m.ready())
	require.NoError(t, checkCommand(t.Context(), m, Command{File: "p.md", Line: 9,
		Text: "go build -o=" + bin + " ./nothing 2>/dev/null; true"}))
	assert.FileExists(t, bin)

	_, _, err := runShell(t.Context(), root, "sleep 5", 100*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not finish within 100ms")
}

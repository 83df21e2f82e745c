// Package harness builds and runs programs that are broken on purpose.
//
// A lesson about a data race or a deadlock needs a program that really races
// or really deadlocks. Running such code inside a test would make the test
// itself racy or hung, so the broken code lives in its own small main package
// and the harness runs it as a child process: built once per process (with or
// without the race detector), run with a timeout, and reported as exit status,
// stdout and stderr. A child that outlives its timeout is killed together with
// its whole process group, and whatever it printed so far is kept.
//
// The runtime's deadlock check ("all goroutines are asleep") is skipped in
// any binary that links cgo (golang/go#25538): every -race build, since the
// race runtime needs cgo, and, with cgo on, anything that imports net. So
// deadlock demos must be built with Race false, and must not import net,
// even when the tests themselves run under -race. 03-deadlock/selectforever
// shows all three cases.
//
// All functions are safe for concurrent use.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout is how long Run lets a child live when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options says how to run a child.
type Options struct {
	// Race builds the program with the race detector.
	Race bool
	// Args are the child's command-line arguments.
	Args []string
	// Env is added to the parent's environment (later entries win).
	Env []string
	// Stdin is the child's standard input; nil means no input.
	Stdin io.Reader
	// Timeout kills the child and its process group when it runs longer.
	// Zero means DefaultTimeout.
	Timeout time.Duration
}

// Result is what a child did.
type Result struct {
	Stdout   string
	Stderr   string
	ExitCode int    // the exit status; -1 when the child was killed by a signal
	Signal   string // the signal that ended the child, if any ("killed")
	TimedOut bool   // the harness killed the child at its timeout
	Elapsed  time.Duration
}

// Output is stdout followed by stderr.
func (r Result) Output() string { return r.Stdout + r.Stderr }

// String summarises the result for a failing test's message.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "exit=%d", r.ExitCode)
	if r.Signal != "" {
		fmt.Fprintf(&b, " signal=%s", r.Signal)
	}
	if r.TimedOut {
		b.WriteString(" timed-out")
	}
	fmt.Fprintf(&b, " elapsed=%s\n--- stdout ---\n%s\n--- stderr ---\n%s", r.Elapsed.Round(time.Millisecond), r.Stdout, r.Stderr)
	return b.String()
}

var (
	mu     sync.Mutex
	dir    string                    // where binaries go; made on first Build
	builds = map[string]*buildOnce{} // key: pkg + race flag
)

type buildOnce struct {
	once sync.Once
	path string
	err  error
}

// Build compiles the main package pkg, a path relative to the module root
// such as "./04-race/racy", and returns the binary's path. Each (pkg, race)
// pair is built once per process; later calls return the same binary.
// Cleanup removes the binaries.
func Build(ctx context.Context, pkg string, race bool) (string, error) {
	key := fmt.Sprintf("%s|race=%t", pkg, race)
	mu.Lock()
	if dir == "" {
		d, err := os.MkdirTemp("", "harness-")
		if err != nil {
			mu.Unlock()
			return "", fmt.Errorf("harness: temp dir: %w", err)
		}
		dir = d
	}
	b := builds[key]
	if b == nil {
		b = &buildOnce{}
		builds[key] = b
	}
	outDir := dir
	mu.Unlock()

	b.once.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			b.err = err
			return
		}
		name := strings.NewReplacer("/", "_", ".", "_").Replace(strings.TrimPrefix(pkg, "./"))
		if race {
			name += "-race"
		}
		b.path = filepath.Join(outDir, name)
		args := []string{"build", "-o", b.path}
		if race {
			args = append(args, "-race")
		}
		args = append(args, pkg)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("harness: go build %s: %v\n%s", pkg, err, out)
		}
	})
	return b.path, b.err
}

// A Program is a main package for Build: its path from the module root, and
// whether to build it with the race detector.
type Program struct {
	Pkg  string
	Race bool
}

// BuildAll builds the programs at once, before a lesson runs them one after
// another: each go build spends much of its time waiting (on the build cache,
// on the linker), so in parallel they take little longer than the slowest.
// A build error is kept, and returned by Build or Run when the program is
// used.
func BuildAll(ctx context.Context, progs ...Program) {
	var wg sync.WaitGroup
	for _, p := range progs {
		wg.Go(func() { _, _ = Build(ctx, p.Pkg, p.Race) })
	}
	wg.Wait()
}

// CleanupAfter calls run, then Cleanup, and returns run's error, or else
// Cleanup's: a lesson's Around that runs children.
func CleanupAfter(run func() error) error {
	err := run()
	if cerr := Cleanup(); err == nil {
		err = cerr
	}
	return err
}

// Run builds pkg (see Build) and runs it as a child with the given options.
// The error is non-nil only when the program could not be built or started;
// a child that fails, crashes or times out is reported in the Result.
func Run(ctx context.Context, pkg string, o Options) (Result, error) {
	bin, err := Build(ctx, pkg, o.Race)
	if err != nil {
		return Result{}, err
	}
	return Exec(ctx, bin, o)
}

// Exec runs an already built binary as a child. Options.Race is ignored.
func Exec(ctx context.Context, bin string, o Options) (Result, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := Command(ctx, bin, o.Args...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Stdin = o.Stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr

	start := time.Now()
	err := cmd.Run()
	res := Result{
		Stdout:  stdout.String(),
		Stderr:  stderr.String(),
		Elapsed: time.Since(start),
	}
	if cmd.ProcessState == nil {
		return res, fmt.Errorf("harness: start %s: %w", bin, err)
	}
	res.ExitCode = cmd.ProcessState.ExitCode()
	res.Signal = signalOf(cmd.ProcessState)
	res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	return res, nil
}

// Command is exec.CommandContext with the child in a process group of its
// own: when ctx is done the whole group is killed, so a grandchild cannot
// outlive the child or keep its pipes open, and Wait gives up on the pipes
// two seconds after the kill at the latest.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	newProcessGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// Cleanup removes every binary that Build made. Build may be called again
// afterwards; it starts afresh.
func Cleanup() error {
	mu.Lock()
	defer mu.Unlock()
	if dir == "" {
		return nil
	}
	err := os.RemoveAll(dir)
	dir = ""
	builds = map[string]*buildOnce{}
	return err
}

// TestingM is the part of *testing.M that WithCleanup needs; it is the same
// interface goleak.VerifyTestMain accepts.
type TestingM interface{ Run() int }

// WithCleanup wraps m so that the built binaries are removed after the tests
// run. Use it in TestMain together with goleak:
//
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }
func WithCleanup(m TestingM) TestingM { return cleanupM{m} }

type cleanupM struct{ m TestingM }

func (c cleanupM) Run() int {
	code := c.m.Run()
	if err := Cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// ModuleRoot returns the directory that holds this module's go.mod, found by
// walking up from the working directory.
func ModuleRoot() (string, error) {
	rootOnce.Do(func() {
		d, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				root = d
				return
			}
			parent := filepath.Dir(d)
			if parent == d {
				rootErr = errors.New("harness: no go.mod above the working directory; run from inside the course")
				return
			}
			d = parent
		}
	})
	return root, rootErr
}

// Package breakit runs the "Break it" experiments the chapter pages propose.
//
// Each experiment is one file, NN-topic/testdata/breakit/NAME.patch: a header
// of "Key: value" lines, a blank line, then a unified diff made with git diff
// (paths relative to the module root). An experiment that needs no edit, such
// as GOMAXPROCS=1 go run ..., is the header alone.
//
//	Title: Remove the Wait
//	Run: go test -count=1 -run 'TestJoins$' ./01-threads
//	Timeout: 90s
//	Exit: nonzero
//	Expect: WARNING: DATA RACE
//	Reject: panic: test timed out
//
// Run copies the module to a temporary directory (the files git tracks plus
// the untracked ones it does not ignore; never workspace/), applies the diff
// with git apply, runs the command with bash -c and NO_COLOR=1, and checks
// the exit status (0, nonzero, or a number), that every Expect regexp matches
// stdout+stderr, and that no Reject regexp does. A command still running at
// its Timeout is killed with its whole process group and counts as a
// difference. The checkout itself is never written.
//
// On the chapter's page, docs/NN-topic.md, the experiment is introduced by
// the marker <!-- breakit: NAME --> inside the "## Break it" section, and the
// first fenced code block after the marker holds the Run command on a line of
// its own. CheckPage checks that.
package breakit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// DefaultTimeout bounds an experiment whose header has no Timeout.
const DefaultTimeout = 60 * time.Second

// Experiment is one parsed patch file.
type Experiment struct {
	Chapter string // "01-threads"
	Name    string // the file name without .patch
	Path    string // the patch file

	Title   string
	Run     string
	Timeout time.Duration
	Exit    string // "0", "nonzero" or a number
	Expect  []*regexp.Regexp
	Reject  []*regexp.Regexp
	Diff    []byte // empty when the experiment is a command alone
}

// ID is "NN-topic/NAME", what -run matches.
func (e *Experiment) ID() string { return e.Chapter + "/" + e.Name }

// Page is the chapter's page, relative to the module root.
func (e *Experiment) Page() string { return filepath.Join("docs", e.Chapter+".md") }

// Marker is the comment that introduces the experiment on its page.
func (e *Experiment) Marker() string { return "<!-- breakit: " + e.Name + " -->" }

var (
	chapterRE = regexp.MustCompile(`^[0-9][0-9]-[a-z0-9-]+$`)
	nameRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Parse reads one experiment. chapter and name say where it came from.
func Parse(chapter, name string, data []byte) (*Experiment, error) {
	e := &Experiment{Chapter: chapter, Name: name, Timeout: DefaultTimeout}
	if !chapterRE.MatchString(chapter) {
		return nil, fmt.Errorf("chapter %q is not NN-topic", chapter)
	}
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("name %q: use lower-case letters, digits and dashes", name)
	}
	header, diff, _ := bytes.Cut(data, []byte("\n\n"))
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.TrimRight(string(header), "\n"), "\n") {
		key, value, ok := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			return nil, fmt.Errorf("header line %d %q: want Key: value", i+1, line)
		}
		if key != "Expect" && key != "Reject" && seen[key] {
			return nil, fmt.Errorf("header line %d: %s given twice", i+1, key)
		}
		seen[key] = true
		switch key {
		case "Title":
			e.Title = value
		case "Run":
			e.Run = value
		case "Timeout":
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("header line %d: Timeout %q is not a positive duration", i+1, value)
			}
			e.Timeout = d
		case "Exit":
			if value != "nonzero" {
				if n, err := strconv.Atoi(value); err != nil || n < 0 || n > 255 {
					return nil, fmt.Errorf("header line %d: Exit %q: want 0, nonzero or a status", i+1, value)
				}
			}
			e.Exit = value
		case "Expect", "Reject":
			re, err := regexp.Compile(value)
			if err != nil {
				return nil, fmt.Errorf("header line %d: %s: %v", i+1, key, err)
			}
			if key == "Expect" {
				e.Expect = append(e.Expect, re)
			} else {
				e.Reject = append(e.Reject, re)
			}
		default:
			return nil, fmt.Errorf("header line %d: unknown key %q (Title, Run, Timeout, Exit, Expect, Reject)", i+1, key)
		}
	}
	for _, k := range []string{"Title", "Run", "Exit"} {
		if !seen[k] {
			return nil, fmt.Errorf("header has no %s", k)
		}
	}
	if len(e.Expect) == 0 && e.Exit == "" {
		return nil, errors.New("header states no outcome")
	}
	if d := bytes.TrimSpace(diff); len(d) > 0 {
		if !bytes.HasPrefix(d, []byte("diff --git a/")) {
			return nil, errors.New("after the blank line comes a diff made with git diff (diff --git a/...)")
		}
		e.Diff = append(bytes.Trim(diff, "\n"), '\n')
	}
	return e, nil
}

// ParseFile reads NN-topic/testdata/breakit/NAME.patch.
func ParseFile(path string) (*Experiment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	chapter := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(path))))
	name := strings.TrimSuffix(filepath.Base(path), ".patch")
	e, err := Parse(chapter, name, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	e.Path = path
	return e, nil
}

// Find returns every experiment under root, sorted by ID.
func Find(root string) ([]*Experiment, error) {
	paths, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "testdata", "breakit", "*.patch"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var exps []*Experiment
	var errs []error
	for _, p := range paths {
		e, err := ParseFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		exps = append(exps, e)
	}
	return exps, errors.Join(errs...)
}

// Files lists what CopyModule copies: the files git tracks that are still
// there, and the untracked files git does not ignore, never under workspace/.
func Files(ctx context.Context, root string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %v: %s", root, err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	seen := map[string]bool{}
	for _, f := range strings.Split(string(out), "\x00") {
		if f == "" || seen[f] || f == "workspace" || strings.HasPrefix(f, "workspace/") {
			continue
		}
		seen[f] = true
		if _, err := os.Lstat(filepath.Join(root, f)); errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree, not yet committed
		}
		files = append(files, f)
	}
	return files, nil
}

// CopyModule copies files (relative to root) into dst, keeping their modes.
func CopyModule(root, dst string, files []string) error {
	for _, f := range files {
		src := filepath.Join(root, f)
		to := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		info, err := os.Lstat(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since Files listed it
		}
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			data, err := os.ReadFile(src)
			if err != nil {
				return err
			}
			if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Apply applies e's diff to the copy in dir with git apply.
func Apply(ctx context.Context, dir string, e *Experiment) error {
	if len(e.Diff) == 0 {
		return nil
	}
	return gitApply(ctx, dir, e.Diff, false)
}

// CheckApplies says whether e's diff applies to the tree in root, without
// changing anything (git apply --check).
func CheckApplies(ctx context.Context, root string, e *Experiment) error {
	if len(e.Diff) == 0 {
		return nil
	}
	return gitApply(ctx, root, e.Diff, true)
}

func gitApply(ctx context.Context, dir string, diff []byte, check bool) error {
	args := []string{"apply"}
	if check {
		args = append(args, "--check")
	}
	cmd := exec.CommandContext(ctx, "git", append(args, "-")...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(diff)
	// The copy is not a repository. Stop git from finding one above it, so
	// that the paths in the diff are taken relative to dir.
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git apply: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Result is what one experiment did.
type Result struct {
	Exp      *Experiment
	ExitCode int // -1 when killed by a signal
	TimedOut bool
	Output   string // stdout and stderr, interleaved
	Elapsed  time.Duration
	Diffs    []string // how the outcome differs from the header; empty when as stated
	Err      error    // the experiment could not be set up (copy, patch)
}

// OK says whether the experiment came out as its page says.
func (r *Result) OK() bool { return r.Err == nil && len(r.Diffs) == 0 }

// Check compares an outcome with what the header states.
func Check(e *Experiment, exitCode int, timedOut bool, output string) []string {
	var diffs []string
	if timedOut {
		diffs = append(diffs, fmt.Sprintf("still running after %s (killed)", e.Timeout))
	}
	switch e.Exit {
	case "":
	case "nonzero":
		if exitCode == 0 && !timedOut {
			diffs = append(diffs, "exit status 0, want nonzero")
		}
	default:
		if want, _ := strconv.Atoi(e.Exit); exitCode != want && !timedOut {
			diffs = append(diffs, fmt.Sprintf("exit status %d, want %d", exitCode, want))
		}
	}
	for _, re := range e.Expect {
		if !re.MatchString(output) {
			diffs = append(diffs, fmt.Sprintf("output lacks /%s/", re))
		}
	}
	for _, re := range e.Reject {
		if re.MatchString(output) {
			diffs = append(diffs, fmt.Sprintf("output has /%s/", re))
		}
	}
	return diffs
}

// Runner runs experiments against one module.
type Runner struct {
	Root     string // the module root
	Parallel int    // experiments at once; 0 means 2
	// Report is called once per experiment as it finishes, from any goroutine
	// but never from two at once.
	Report func(*Result)
}

// Run runs exps, Parallel at a time, and returns their results in the order
// of exps. Each experiment gets a fresh copy of the module; copies made by
// the same worker reuse one path, so go's build cache serves the packages an
// experiment does not change.
func (r *Runner) Run(ctx context.Context, exps []*Experiment) ([]*Result, error) {
	files, err := Files(ctx, r.Root)
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp("", "breakit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(base)

	n := r.Parallel
	if n <= 0 {
		n = 2
	}
	results := make([]*Result, len(exps))
	next := make(chan int)
	var mu sync.Mutex // serialises Report
	var wg sync.WaitGroup
	for w := range n {
		dir := filepath.Join(base, fmt.Sprintf("w%d", w), "module")
		wg.Go(func() {
			for i := range next {
				res := r.one(ctx, dir, files, exps[i])
				results[i] = res
				if r.Report != nil {
					mu.Lock()
					r.Report(res)
					mu.Unlock()
				}
			}
		})
	}
	for i := range exps {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	for i, res := range results {
		if res == nil {
			results[i] = &Result{Exp: exps[i], Err: ctx.Err()}
		}
	}
	return results, ctx.Err()
}

func (r *Runner) one(ctx context.Context, dir string, files []string, e *Experiment) *Result {
	res := &Result{Exp: e}
	if err := os.RemoveAll(dir); err != nil {
		res.Err = err
		return res
	}
	if err := CopyModule(r.Root, dir, files); err != nil {
		res.Err = fmt.Errorf("copy the module: %w", err)
		return res
	}
	if err := Apply(ctx, dir, e); err != nil {
		res.Err = err
		return res
	}
	scratch, err := harness.NewScratch()
	if err != nil {
		res.Err = err
		return res
	}
	tctx, cancel := context.WithTimeout(ctx, e.Timeout)
	defer cancel()
	cmd := harness.Command(tctx, "bash", "-c", e.Run)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", scratch.Env())
	// One writer for both: exec then uses one pipe, and the two streams
	// interleave as they would on a terminal.
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err = cmd.Run()
	res.Elapsed = time.Since(start)
	res.Output = out.String()
	left, serr := scratch.Close()
	if cmd.ProcessState == nil {
		res.Err = fmt.Errorf("start bash: %w", err)
		return res
	}
	res.ExitCode = cmd.ProcessState.ExitCode()
	res.TimedOut = errors.Is(tctx.Err(), context.DeadlineExceeded)
	if ctx.Err() != nil {
		res.Err = ctx.Err()
		return res
	}
	res.Diffs = Check(e, res.ExitCode, res.TimedOut, res.Output)
	switch {
	case serr != nil:
		res.Err = serr
	case left != "":
		// A command on a page must not leave files in the reader's /tmp.
		res.Diffs = append(res.Diffs, left)
	}
	return res
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// Marker is a <!-- breakit: NAME --> comment found on a page.
type Marker struct {
	Name    string
	Line    int      // 1-based
	InBreak bool     // inside the "## Break it" section
	Block   []string // the lines of the first fenced code block after it
}

var markerRE = regexp.MustCompile(`^\s*<!--\s*breakit:\s*(\S+)\s*-->\s*$`)

// Markers finds the breakit markers on a page.
func Markers(page io.Reader) ([]Marker, error) {
	var (
		markers []Marker
		section string
		fence   string // the fence of the block we are in, "" outside one
		pending []int  // markers still waiting for their block
		block   []string
	)
	sc := bufio.NewScanner(page)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				for _, i := range pending {
					markers[i].Block = block
				}
				pending, block, fence = nil, nil, ""
				continue
			}
			block = append(block, line)
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			for len(trimmed) > len(fence) && trimmed[len(fence)] == fence[0] {
				fence += fence[:1]
			}
			block = []string{}
			continue
		}
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimSpace(strings.TrimPrefix(line, "## "))
		}
		if m := markerRE.FindStringSubmatch(line); m != nil {
			markers = append(markers, Marker{Name: m[1], Line: n, InBreak: section == "Break it"})
			pending = append(pending, len(markers)-1)
		}
	}
	return markers, sc.Err()
}

// CheckPage checks the page of one chapter against the chapter's
// experiments: every experiment has exactly one marker, inside "## Break
// it", whose first fenced block after it has the Run command as one of its
// lines; every marker names an experiment.
func CheckPage(page io.Reader, exps []*Experiment) []error {
	markers, err := Markers(page)
	if err != nil {
		return []error{err}
	}
	var errs []error
	byName := map[string][]Marker{}
	for _, m := range markers {
		byName[m.Name] = append(byName[m.Name], m)
	}
	known := map[string]bool{}
	for _, e := range exps {
		known[e.Name] = true
		ms := byName[e.Name]
		if len(ms) != 1 {
			errs = append(errs, fmt.Errorf("%s: want exactly one %s on the page, found %d", e.ID(), e.Marker(), len(ms)))
			continue
		}
		m := ms[0]
		if !m.InBreak {
			errs = append(errs, fmt.Errorf("%s: the marker on line %d is outside the ## Break it section", e.ID(), m.Line))
		}
		if m.Block == nil {
			errs = append(errs, fmt.Errorf("%s: no fenced code block after the marker on line %d", e.ID(), m.Line))
			continue
		}
		found := false
		for _, l := range m.Block {
			if strings.TrimSpace(l) == e.Run {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("%s: the first code block after line %d does not hold the Run command %q; it holds:\n%s",
				e.ID(), m.Line, e.Run, strings.Join(m.Block, "\n")))
		}
	}
	for _, m := range markers {
		if !known[m.Name] {
			errs = append(errs, fmt.Errorf("line %d: marker for %q, but there is no testdata/breakit/%s.patch", m.Line, m.Name, m.Name))
		}
	}
	return errs
}

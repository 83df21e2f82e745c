package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A state is where a learner stands with one exercise.
type state int

const (
	notStarted state = iota
	failing
	passing
)

func (s state) String() string {
	return [...]string{"not started", "failing", "passing"}[s]
}

var (
	// errNotSolved makes coach check exit 1 when the exercise fails, so it
	// can be scripted; the report has said why.
	errNotSolved = errors.New("not solved yet")
	// errStopped is a check stopped by Ctrl-C: no verdict, nothing recorded.
	errStopped = errors.New("stopped")
)

// A usageError is a command line the coach cannot make sense of (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// coach holds what every command needs.
type coach struct {
	root string
	exs  []Exercise
	prog *Progress
	out  io.Writer
	in   io.Reader // answers to questions (reset all)
	// keys are single key presses, when stdin is a terminal; nil otherwise.
	keys <-chan byte
	// tty is set when out is a terminal: watch clears the screen.
	tty bool
	// color is set when out is a terminal and NO_COLOR is not.
	color bool
	// width is the terminal's width, for wrapping the coach's own words.
	width int
	// test checks an exercise; runTests, or a fake in the coach's tests.
	test func(ctx context.Context, root string, ex Exercise, dir string) (Outcome, error)
	// waitChange blocks until a file in dir changes (nil), or ctx is done
	// (ctx.Err()).
	waitChange func(ctx context.Context, dir string) error
}

// check runs ex's tests on the learner's copy, records the result unless
// the check was stopped, and returns it.
func (c *coach) check(ctx context.Context, ex Exercise) (Outcome, error) {
	dir, err := ensure(c.root, ex)
	if err != nil {
		return Outcome{}, err
	}
	files, err := goFiles(dir)
	if err != nil {
		return Outcome{}, err
	}
	if len(files) == 0 {
		return Outcome{}, fmt.Errorf("%s has no .go files left; to start it afresh, run: go run ./coach reset %s", relSlash(c.root, dir), ex.ID)
	}
	for _, f := range files {
		if !hasCoachTag(f) {
			return Outcome{Output: fmt.Sprintf("%s: the first line must stay //go:build coach\n", relSlash(c.root, f)),
				Untagged: true}, nil
		}
	}
	hash, err := hashDir(dir)
	if err != nil {
		return Outcome{}, err
	}
	o, err := c.test(ctx, c.root, ex, dir)
	if err != nil || o.Stopped {
		return o, err
	}
	e := c.prog.Exercises[ex.Name]
	e.Hash, e.Passed = hash, o.Passed
	e.EverPassed = e.EverPassed || o.Passed
	c.prog.set(ex.Name, e)
	return o, c.prog.save()
}

// hasCoachTag reports whether a file starts with the coach build line,
// which keeps the learner's work out of go vet ./... and make test.
func hasCoachTag(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	return strings.TrimSpace(line) == "//go:build coach"
}

// recorded says where the learner stands with ex by the progress file
// alone, without running anything: a copy changed since its last check
// counts as failing until it is checked again.
func (c *coach) recorded(ex Exercise) (state, bool) {
	if !started(c.root, ex) {
		return notStarted, false
	}
	hash, err := hashDir(workDir(c.root, ex))
	e, ok := c.prog.Exercises[ex.Name]
	if err != nil || !ok || e.Hash != hash {
		return failing, true
	}
	if e.Passed {
		return passing, false
	}
	return failing, false
}

// state says where the learner stands with ex. A copy changed since its last
// check is checked again now, saying so, so the answer is never stale.
func (c *coach) state(ctx context.Context, ex Exercise) (state, error) {
	s, stale := c.recorded(ex)
	if !stale {
		return s, nil
	}
	fmt.Fprintf(c.out, "Checking %s again: it changed since its last check...\n", ex.ID)
	o, err := c.check(ctx, ex)
	if err != nil {
		return failing, err
	}
	if o.Stopped {
		return failing, errStopped
	}
	if o.Passed {
		return passing, nil
	}
	return failing, nil
}

// next is the first exercise, in teaching order, that does not pass, by the
// record (nothing is run).
func (c *coach) next() (Exercise, bool) {
	for _, ex := range c.exs {
		if s, _ := c.recorded(ex); s != passing {
			return ex, true
		}
	}
	return Exercise{}, false
}

// after is the first exercise after ex, in teaching order and wrapping
// around, that does not pass by the record.
func (c *coach) after(ex Exercise) (Exercise, bool) {
	at := 0
	for i, e := range c.exs {
		if e.Name == ex.Name {
			at = i
		}
	}
	for k := 1; k <= len(c.exs); k++ {
		e := c.exs[(at+k)%len(c.exs)]
		if s, _ := c.recorded(e); s != passing {
			return e, true
		}
	}
	return Exercise{}, false
}

// done counts the exercises that pass, by the record.
func (c *coach) done() int {
	n := 0
	for _, ex := range c.exs {
		if s, _ := c.recorded(ex); s == passing {
			n++
		}
	}
	return n
}

// list prints every exercise with its state and points at the next one.
// With recheck, a copy changed since its last check is checked again first.
func (c *coach) list(ctx context.Context, recheck bool) error {
	var next *Exercise
	done := 0
	nameWidth := 0
	for _, ex := range c.exs {
		nameWidth = max(nameWidth, len(ex.Name))
	}
	if c.width > 0 && c.width < 80 {
		nameWidth = 0 // the titles go; the names carry the meaning
	}
	var lines []string
	for i, ex := range c.exs {
		s, stale := c.recorded(ex)
		if stale && recheck {
			var err error
			if s, err = c.state(ctx, ex); err != nil {
				return err
			}
		}
		mark := " "
		if s == passing {
			done++
		} else if next == nil {
			next, mark = &c.exs[i], "→"
		}
		line := fmt.Sprintf("%s %-5s %-*s  %-12s", mark, ex.ID, nameWidth, ex.Name, s)
		if nameWidth > 0 {
			line += " " + ex.Title
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(c.out, strings.Join(lines, "\n"))
	fmt.Fprintf(c.out, "\n%d of %d exercises pass.\n", done, len(c.exs))
	if next == nil {
		c.doneMessage()
		return nil
	}
	dir, err := ensure(c.root, *next)
	if err != nil {
		return err
	}
	c.say(fmt.Sprintf("Next: %s, %s (%s).", next.ID, next.Title, next.Concept))
	fmt.Fprintf(c.out, "Edit %s/exercise.go,\nthen run: go run ./coach watch\n", relSlash(c.root, dir))
	return nil
}

func (c *coach) doneMessage() {
	c.say("You're done: every exercise passes, with the race detector and goleak watching.")
}

// say prints the coach's own words, wrapped to the terminal's width.
func (c *coach) say(text string) {
	fmt.Fprintln(c.out, wrap(text, c.width))
}

// wrap breaks text into lines of at most width columns, at spaces; width 0
// leaves it whole.
func wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		col := 0
		for j, word := range strings.Fields(para) {
			n := len([]rune(word))
			if j > 0 && col+1+n > width {
				b.WriteByte('\n')
				col = 0
			} else if j > 0 {
				b.WriteByte(' ')
				col++
			}
			b.WriteString(word)
			col += n
		}
	}
	return b.String()
}

// paint colours s when colour is on (a terminal, and no NO_COLOR).
func (c *coach) paint(code, s string) string {
	if !c.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// report prints what a check found: plain words first, then the evidence.
func (c *coach) report(ex Exercise, o Outcome) {
	if o.Passed {
		c.say(c.paint("32", "✓") + fmt.Sprintf(" %s passes: %s (%d clean runs with -race).", ex.ID, ex.Title, runs))
		return
	}
	c.say(c.paint("31", "✗") + fmt.Sprintf(" %s is not solved yet. %s", ex.ID, Explain(o)))
	if ev := evidence(o.Output); strings.TrimSpace(ev) != "" {
		fmt.Fprintln(c.out, "\n"+ev)
	}
	if o.Vet != "" {
		if okLine.MatchString(o.Output) {
			fmt.Fprintln(c.out, "\ngo vet says:")
		} else {
			c.say("\nAnd go vet found a likely mistake too. " + ExplainVet(o.Vet))
		}
		fmt.Fprint(c.out, o.Vet)
	}
	fmt.Fprintf(c.out, "\nStuck? go run ./coach hint %s\n", ex.ID)
}

// evidence picks the part of go test's output that shows the problem, the
// learner's own file and the test's message first: the compiler's messages,
// or the test's failure messages and the lines of exercise.go that the
// report names, then the first race report, leak or panic, trimmed of the
// runtime's and testify's own frames, at most evidenceLines lines.
func evidence(output string) string {
	if strings.Contains(output, "[build failed]") || strings.Contains(output, "[setup failed]") {
		return compilerLines(output)
	}
	var first, rest []string
	seen := map[string]bool{}
	from := -1
	for _, m := range []string{"WARNING: DATA RACE", "fatal error:", "found unexpected goroutines", "panic:", "--- FAIL"} {
		if i := strings.Index(output, m); i >= 0 {
			from = strings.LastIndex(output[:i], "\n") + 1
			break
		}
	}
	if from < 0 {
		from = 0
	}
	for line := range strings.Lines(output) {
		line = strings.TrimRight(line, "\n")
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "Error:"), strings.HasPrefix(t, "Messages:"),
			strings.Contains(t, "_test.go:") && !strings.HasPrefix(t, "Error Trace:") && !strings.Contains(t, " +0x"):
			if !seen[t] && !strings.HasSuffix(t, ":") {
				first, seen[t] = append(first, t), true
			}
		case strings.Contains(t, "exercise.go:") && !strings.Contains(t, "_test.go"):
			if !seen[t] {
				first, seen[t] = append(first, "  at "+t), true
			}
		}
	}
	for line := range strings.Lines(output[from:]) {
		line = strings.TrimRight(line, "\n")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "Error Trace:") || strings.HasPrefix(t, "Test:") {
			continue
		}
		// A stack frame is a function line and then its file line: drop
		// both when the file is Go's own or a library's.
		if libraryFile(t) {
			if n := len(rest); n > 0 && isFuncLine(rest[n-1]) {
				rest = rest[:n-1]
			}
			continue
		}
		rest = append(rest, line)
	}
	lines := first
	if len(first) > 0 {
		lines = append(lines, "", "Details:")
	}
	for _, l := range rest {
		if !seen[strings.TrimSpace(l)] {
			lines = append(lines, l)
		}
	}
	if len(lines) > evidenceLines {
		lines = append(lines[:evidenceLines], fmt.Sprintf("... (%d more lines: go test -race -tags coach ./workspace/... shows them all)", len(lines)-evidenceLines))
	}
	return strings.Join(lines, "\n")
}

const evidenceLines = 30

// hint prints the hint of the named exercise, or of the next one by the
// record (a hint never runs a check).
func (c *coach) hint(name string) error {
	ex, err := c.pick(name)
	if err != nil {
		return err
	}
	h, err := ex.Hint()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Hint for %s, %s:\n\n%s\n", ex.ID, ex.Title, wrap(strings.TrimRight(h, "\n"), c.width))
	return nil
}

// pick is the named exercise, or the next one by the record when name is
// empty.
func (c *coach) pick(name string) (Exercise, error) {
	if name != "" {
		return c.find(name)
	}
	ex, ok := c.next()
	if !ok {
		return Exercise{}, errors.New("every exercise passes; name one, such as " + c.exs[0].ID)
	}
	return ex, nil
}

// find is Find, also accepting the paths the coach prints
// (workspace/01-threads/1-join/, exercises/01-threads/1-join, a file in
// one) and paths relative to a subdirectory the coach was run from.
func (c *coach) find(name string) (Exercise, error) {
	n := filepath.ToSlash(name)
	if abs, err := filepath.Abs(name); err == nil {
		if rel, err := filepath.Rel(c.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			if _, err := os.Stat(abs); err == nil {
				n = filepath.ToSlash(rel)
			}
		}
	}
	n = strings.TrimPrefix(n, "./")
	n = strings.TrimSuffix(n, "/")
	if strings.HasSuffix(n, ".go") {
		n = pathDir(n)
	}
	for _, prefix := range []string{"workspace/", "exercises/"} {
		n = strings.TrimPrefix(n, prefix)
	}
	return Find(c.exs, n)
}

func pathDir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return p
}

// reset restores one exercise, or all of them after asking, to how they
// were shipped. An exercise once really passed keeps its solution open.
func (c *coach) reset(name string) error {
	targets := c.exs
	if name == "all" {
		fmt.Fprintf(c.out, "Put all %d exercises back as shipped? Your work in workspace/ is lost. [y/N] ", len(c.exs))
		answer, _ := bufio.NewReader(c.in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(c.out, "\nNothing was reset.")
			return nil
		}
	} else {
		ex, err := c.find(name)
		if err != nil {
			return err
		}
		targets = []Exercise{ex}
	}
	for _, ex := range targets {
		if err := reset(c.root, ex); err != nil {
			return err
		}
		if e, ok := c.prog.Exercises[ex.Name]; ok && e.EverPassed {
			c.prog.set(ex.Name, Entry{EverPassed: true})
		} else {
			c.prog.remove(ex.Name)
		}
		fmt.Fprintf(c.out, "%s is back to its starting state.\n", ex.ID)
	}
	return c.prog.save()
}

// solution prints the solution's files, but only once the exercise passed.
func (c *coach) solution(ctx context.Context, name string) error {
	ex, err := c.find(name)
	if err != nil {
		return err
	}
	if _, err := c.state(ctx, ex); err != nil {
		return err
	}
	if !c.prog.Exercises[ex.Name].EverPassed {
		return fmt.Errorf("%s does not pass yet; the solution opens once it does (try: go run ./coach hint %s)", ex.ID, ex.ID)
	}
	files, err := goFiles(filepath.Join(ex.Dir, "solution"))
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "// %s\n%s\n", relSlash(c.root, f), b)
	}
	return nil
}

// relSlash is path relative to root, with slashes.
func relSlash(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// libraryFile reports whether a line is the file line of a frame in Go's
// own code or a library's.
func libraryFile(t string) bool {
	return strings.Contains(t, ".go:") && (strings.Contains(t, "go/src/") || strings.Contains(t, "/pkg/mod/"))
}

// isFuncLine reports whether a line is the function line of a frame.
func isFuncLine(line string) bool {
	t := strings.TrimSpace(line)
	return strings.Contains(t, "(") && !strings.Contains(t, ".go:") && !strings.Contains(t, " ")
}

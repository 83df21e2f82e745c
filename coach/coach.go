package main

import (
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

// coach holds what every command needs.
type coach struct {
	root string
	exs  []Exercise
	prog *Progress
	out  io.Writer
	// test runs an exercise's tests; runTests, or a fake in the coach's tests.
	test func(ctx context.Context, root string, ex Exercise, dir string) (Outcome, error)
	// waitChange blocks until a file in dir changes, or ctx is done.
	waitChange func(ctx context.Context, dir string) error
}

// check runs ex's tests on the learner's copy, records the result and
// returns it.
func (c *coach) check(ctx context.Context, ex Exercise) (Outcome, error) {
	dir, err := ensure(c.root, ex)
	if err != nil {
		return Outcome{}, err
	}
	hash, err := hashDir(dir)
	if err != nil {
		return Outcome{}, err
	}
	o, err := c.test(ctx, c.root, ex, dir)
	if err != nil {
		return Outcome{}, err
	}
	e := c.prog.Exercises[ex.Name]
	e.Hash, e.Passed = hash, o.Passed
	e.EverPassed = e.EverPassed || o.Passed
	c.prog.Exercises[ex.Name] = e
	return o, c.prog.save()
}

// state says where the learner stands with ex. A copy changed since its last
// check is checked again now, so the answer is never stale.
func (c *coach) state(ctx context.Context, ex Exercise) (state, error) {
	if !started(c.root, ex) {
		return notStarted, nil
	}
	hash, err := hashDir(workDir(c.root, ex))
	if err != nil {
		return failing, err
	}
	e, ok := c.prog.Exercises[ex.Name]
	if !ok || e.Hash != hash {
		o, err := c.check(ctx, ex)
		if err != nil {
			return failing, err
		}
		e.Passed = o.Passed
	}
	if e.Passed {
		return passing, nil
	}
	return failing, nil
}

// next is the first exercise, in teaching order, that does not pass.
func (c *coach) next(ctx context.Context) (Exercise, bool, error) {
	for _, ex := range c.exs {
		s, err := c.state(ctx, ex)
		if err != nil {
			return Exercise{}, false, err
		}
		if s != passing {
			return ex, true, nil
		}
	}
	return Exercise{}, false, nil
}

// list prints every exercise with its state and points at the next one.
func (c *coach) list(ctx context.Context) error {
	var next *Exercise
	done := 0
	nameWidth := 0
	for _, ex := range c.exs {
		nameWidth = max(nameWidth, len(ex.Name))
	}
	for i, ex := range c.exs {
		s, err := c.state(ctx, ex)
		if err != nil {
			return err
		}
		mark := " "
		if s == passing {
			done++
		} else if next == nil {
			next, mark = &c.exs[i], "→"
		}
		fmt.Fprintf(c.out, "%s %-5s %-*s  %-12s %s\n", mark, ex.ID, nameWidth, ex.Name, s, ex.Title)
	}
	fmt.Fprintf(c.out, "\n%d of %d exercises pass.\n", done, len(c.exs))
	if next == nil {
		c.doneMessage()
		return nil
	}
	dir, err := ensure(c.root, *next)
	if err != nil {
		return err
	}
	rel, _ := filepath.Rel(c.root, dir)
	fmt.Fprintf(c.out, "Next: %s, %s (%s).\n", next.ID, next.Title, next.Concept)
	fmt.Fprintf(c.out, "Edit %s/, then run: go run ./coach watch\n", filepath.ToSlash(rel))
	return nil
}

func (c *coach) doneMessage() {
	fmt.Fprintln(c.out, "You're done: every exercise passes, with the race detector and goleak watching.")
}

// report prints what a check found: plain words first, then the evidence.
func (c *coach) report(ex Exercise, o Outcome) {
	if o.Passed {
		fmt.Fprintf(c.out, "✓ %s passes: %s\n", ex.ID, ex.Title)
		return
	}
	fmt.Fprintf(c.out, "✗ %s is not solved yet. %s\n", ex.ID, Explain(o))
	fmt.Fprintln(c.out, "\n"+evidence(o.Output))
	fmt.Fprintf(c.out, "Stuck? go run ./coach hint %s\n", ex.ID)
}

// evidence picks the part of go test's output that shows the problem: the
// compiler's messages, the first race report, the leaked goroutines, or the
// first failed check, at most evidenceLines lines of it.
func evidence(output string) string {
	if strings.Contains(output, "[build failed]") || strings.Contains(output, "[setup failed]") {
		return compilerLines(output)
	}
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
	lines := strings.Split(strings.TrimRight(output[from:], "\n"), "\n")
	if len(lines) > evidenceLines {
		lines = append(lines[:evidenceLines], fmt.Sprintf("... (%d more lines: go test -race -tags coach ./workspace/... shows them all)", len(lines)-evidenceLines))
	}
	return strings.Join(lines, "\n")
}

const evidenceLines = 30

// watch checks an exercise, then again each time its files change. When it
// passes, it moves on to the next exercise; it returns when every exercise
// passes or ctx is done.
func (c *coach) watch(ctx context.Context, name string) error {
	var ex Exercise
	if name != "" {
		var err error
		if ex, err = Find(c.exs, name); err != nil {
			return err
		}
	} else {
		n, ok, err := c.next(ctx)
		if err != nil {
			return err
		}
		if !ok {
			c.doneMessage()
			return nil
		}
		ex = n
	}
	for {
		dir, err := ensure(c.root, ex)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.root, dir)
		fmt.Fprintf(c.out, "\n== %s %s: %s ==\n", ex.ID, ex.Title, filepath.ToSlash(rel))
		o, err := c.check(ctx, ex)
		if err != nil {
			return err
		}
		c.report(ex, o)
		if o.Passed {
			fmt.Fprintf(c.out, "The solution is there to compare: go run ./coach solution %s\n", ex.ID)
			n, ok, err := c.next(ctx)
			if err != nil {
				return err
			}
			if !ok {
				c.doneMessage()
				return nil
			}
			ex = n
			continue
		}
		fmt.Fprintln(c.out, "Watching for changes (Ctrl-C to stop)...")
		if err := c.waitChange(ctx, dir); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
	}
}

// hint prints the hint of the named exercise, or of the next one.
func (c *coach) hint(ctx context.Context, name string) error {
	ex, err := c.pick(ctx, name)
	if err != nil {
		return err
	}
	h, err := ex.Hint()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Hint for %s, %s:\n\n%s\n", ex.ID, ex.Title, strings.TrimRight(h, "\n"))
	return nil
}

// pick is the named exercise, or the next one when name is empty.
func (c *coach) pick(ctx context.Context, name string) (Exercise, error) {
	if name != "" {
		return Find(c.exs, name)
	}
	ex, ok, err := c.next(ctx)
	if err != nil {
		return Exercise{}, err
	}
	if !ok {
		return Exercise{}, errors.New("every exercise passes; name one, such as " + c.exs[0].ID)
	}
	return ex, nil
}

// reset restores one exercise, or all of them, to how they were shipped.
func (c *coach) reset(name string) error {
	targets := c.exs
	if name != "all" {
		ex, err := Find(c.exs, name)
		if err != nil {
			return err
		}
		targets = []Exercise{ex}
	}
	for _, ex := range targets {
		if err := reset(c.root, ex); err != nil {
			return err
		}
		delete(c.prog.Exercises, ex.Name)
		fmt.Fprintf(c.out, "%s is back to its starting state.\n", ex.ID)
	}
	return c.prog.save()
}

// solution prints the solution's files, but only once the exercise passed.
func (c *coach) solution(ctx context.Context, name string) error {
	ex, err := Find(c.exs, name)
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
		rel, _ := filepath.Rel(c.root, f)
		fmt.Fprintf(c.out, "// %s\n%s\n", filepath.ToSlash(rel), b)
	}
	return nil
}

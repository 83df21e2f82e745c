// Command coach runs the course's exercises and tells you how you are doing.
//
//	go run ./coach                 list the exercises and point at the next one
//	go run ./coach watch [NAME]    check an exercise again each time you save it
//	go run ./coach check [NAME]    check it once
//	go run ./coach hint [NAME]     show its hint
//	go run ./coach solution NAME   show the solution, once your exercise passes
//	go run ./coach reset NAME|all  put an exercise back as it was shipped
//
// NAME is an ID such as 01.2, a name such as 01-threads/2-leak, or a path
// the coach prints, such as workspace/01-threads/2-leak/. Without NAME the
// coach takes the next exercise that does not pass yet.
//
// A check runs go vet and go test -race (three times: a pass must not be
// luck) with the exercise's shipped test files laid over the learner's copy,
// so only the shipped tests count. In watch, on a terminal, single keys
// work: h hint, l list, n next, r re-check, q quit.
//
// Each exercise is shipped in exercises/ and copied to workspace/ (ignored by
// git) where you edit it. Its files carry the build tag "coach", so the
// unsolved exercises never break go build, go vet or make test; the coach
// runs them with go test -race -tags coach.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

const usage = `usage: go run ./coach [list | watch [NAME] | check [NAME] | hint [NAME] | solution NAME | reset NAME|all]

NAME is an ID (01.2), a name (01-threads/2-leak, 2-leak) or a path the
coach prints (workspace/01-threads/2-leak/). check exits 1 when the
exercise does not pass yet, 2 on a usage error.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

// run runs the coach with the process's terminal and returns the exit
// status.
func run(ctx context.Context, args []string) int {
	root, err := harness.ModuleRoot()
	if err == nil {
		if _, serr := os.Stat(filepath.Join(root, "exercises")); serr != nil {
			err = fmt.Errorf("%s has no exercises/ directory; run the coach from inside the course, such as: cd %s && go run ./coach", root, root)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coach:", err)
		return 1
	}
	c, err := newCoach(root, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coach:", err)
		return 1
	}
	c.in = os.Stdin
	if isTerminal(os.Stdout) {
		c.tty = true
		c.color = os.Getenv("NO_COLOR") == ""
		c.width = termWidth(os.Stdout)
	}
	if len(args) > 0 && args[0] == "watch" && c.tty && isTerminal(os.Stdin) {
		if keys, restore, err := singleKeys(os.Stdin); err == nil {
			defer restore()
			c.keys = keys
		}
	}
	return exitCode(c.dispatch(ctx, args))
}

// exitCode prints err, if any, and picks the exit status: 0 done, 1 not
// solved or failed, 2 a usage error, 130 stopped by Ctrl-C.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errNotSolved):
		return 1
	case errors.Is(err, errStopped):
		fmt.Fprintln(os.Stderr, "coach: stopped; nothing was recorded")
		return 130
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "coach:", err)
		return 2
	default:
		fmt.Fprintln(os.Stderr, "coach:", err)
		return 1
	}
}

func newCoach(root string, out io.Writer) (*coach, error) {
	exs, err := Load(root)
	if err != nil {
		return nil, err
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("no exercises under %s/exercises", root)
	}
	prog, err := loadProgress(root)
	if err != nil {
		return nil, err
	}
	return &coach{root: root, exs: exs, prog: prog, out: out, in: strings.NewReader(""), test: runTests, waitChange: pollChange}, nil
}

func (c *coach) dispatch(ctx context.Context, args []string) error {
	cmd, name := "list", ""
	if len(args) > 0 {
		cmd = args[0]
	}
	if len(args) > 1 {
		name = args[1]
	}
	if len(args) > 2 {
		return usagef("too many arguments; run: go run ./coach help")
	}
	switch cmd {
	case "list":
		return c.list(ctx, true)
	case "watch":
		return c.watch(ctx, name)
	case "check":
		ex, err := c.pick(name)
		if err != nil {
			return err
		}
		c.say(fmt.Sprintf("Checking %s… (the first check builds the race runtime and can take a minute)", ex.ID))
		o, err := c.check(ctx, ex)
		if err != nil {
			return err
		}
		if o.Stopped {
			return errStopped
		}
		c.report(ex, o)
		if !o.Passed {
			return errNotSolved
		}
		return nil
	case "hint":
		return c.hint(name)
	case "solution":
		if name == "" {
			return usagef("which exercise? such as: go run ./coach solution %s", c.exs[0].ID)
		}
		return c.solution(ctx, name)
	case "reset":
		if name == "" {
			return usagef("which exercise? name one, such as %s, or all", c.exs[0].ID)
		}
		return c.reset(name)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(c.out, usage)
		return nil
	default:
		return usagef("unknown command %q; run: go run ./coach help", cmd)
	}
}

// pollChange is the real change source: it fingerprints the exercise's
// files twice a second and returns when the fingerprint changes.
func pollChange(ctx context.Context, dir string) error {
	before, err := hashDir(dir)
	if err != nil {
		return err
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			now, err := hashDir(dir)
			if err != nil {
				continue // a file half-saved, or moved: look again
			}
			if now != before {
				return nil
			}
		}
	}
}

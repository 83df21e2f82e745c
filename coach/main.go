// Command coach runs the course's exercises and tells you how you are doing.
//
//	go run ./coach                 list the exercises and point at the next one
//	go run ./coach watch [NAME]    check an exercise again each time you save it
//	go run ./coach check [NAME]    check it once
//	go run ./coach hint [NAME]     show its hint
//	go run ./coach solution NAME   show the solution, once your exercise passes
//	go run ./coach reset NAME|all  put an exercise back as it was shipped
//
// NAME is an ID such as 01.2, or a name such as 01-threads/2-leak. Without
// NAME the coach takes the next exercise that does not pass yet.
//
// Each exercise is shipped in exercises/ and copied to workspace/ (ignored by
// git) where you edit it. Its files carry the build tag "coach", so the
// unsolved exercises never break go build, go vet or make test; the coach
// runs them with go test -race -tags coach.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

const usage = `usage: go run ./coach [list | watch [NAME] | check [NAME] | hint [NAME] | solution NAME | reset NAME|all]`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "coach:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	root, err := harness.ModuleRoot()
	if err != nil {
		return err
	}
	c, err := newCoach(root, out)
	if err != nil {
		return err
	}
	return c.dispatch(ctx, args)
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
	return &coach{root: root, exs: exs, prog: prog, out: out, test: runTests, waitChange: pollChange}, nil
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
		return fmt.Errorf("too many arguments; run: go run ./coach help")
	}
	switch cmd {
	case "list":
		return c.list(ctx)
	case "watch":
		return c.watch(ctx, name)
	case "check":
		ex, err := c.pick(ctx, name)
		if err != nil {
			return err
		}
		o, err := c.check(ctx, ex)
		if err != nil {
			return err
		}
		c.report(ex, o)
		return nil
	case "hint":
		return c.hint(ctx, name)
	case "solution":
		if name == "" {
			return fmt.Errorf("which exercise? such as: go run ./coach solution %s", c.exs[0].ID)
		}
		return c.solution(ctx, name)
	case "reset":
		if name == "" {
			return fmt.Errorf("which exercise? name one, such as %s, or all", c.exs[0].ID)
		}
		return c.reset(name)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(c.out, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q; run: go run ./coach help", cmd)
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
				return err
			}
			if now != before {
				return nil
			}
		}
	}
}

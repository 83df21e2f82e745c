package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// watch checks an exercise, then again each time its files change, and
// restarts a check when a file changes under it, so the verdict on the
// screen is always the verdict on the files as they are. When it passes,
// it moves on to the next exercise after it (on a terminal, once the
// learner presses n). It returns when every exercise passes, the learner
// presses q, or ctx is done (Ctrl-C): a stopped check records nothing.
func (c *coach) watch(ctx context.Context, name string) error {
	var ex Exercise
	if name != "" {
		var err error
		if ex, err = c.find(name); err != nil {
			return err
		}
	} else {
		n, ok := c.next()
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
		o, err := c.checkWatched(ctx, ex, dir)
		if errors.Is(err, errStopped) || ctx.Err() != nil {
			fmt.Fprintln(c.out, "\nStopped. Nothing was recorded for the check that was running.")
			return nil
		}
		if err != nil {
			return err
		}
		c.screen(ex, dir, o)
		if o.Passed {
			fmt.Fprintf(c.out, "Compare with the solution: go run ./coach solution %s\n", ex.ID)
			n, ok := c.after(ex)
			if !ok {
				c.doneMessage()
				return nil
			}
			if c.keys == nil {
				ex = n
				continue
			}
			fmt.Fprintf(c.out, "Press n for %s, q to quit.\n", n.ID)
		}
	wait:
		for {
			if c.keys != nil {
				fmt.Fprintln(c.out, "Watching for changes. Keys: h hint · l list · n next · r re-check · q quit")
			} else {
				fmt.Fprintln(c.out, "Watching for changes (Ctrl-C to stop)...")
			}
			key, err := c.waitEvent(ctx, dir)
			if err != nil {
				if errors.Is(err, context.Canceled) || ctx.Err() != nil {
					return nil
				}
				return err
			}
			switch key {
			case 0, 'r': // a change, or a re-check asked for
				break wait
			case 'q':
				return nil
			case 'n':
				if n, ok := c.after(ex); ok {
					ex = n
				}
				break wait
			case 'h':
				fmt.Fprintln(c.out)
				if err := c.hint(ex.ID); err != nil {
					return err
				}
			case 'l':
				fmt.Fprintln(c.out)
				if err := c.list(ctx, false); err != nil {
					return err
				}
			}
		}
	}
}

// checkWatched checks ex, and starts again whenever a file changes during
// the check, until a check ends on files that did not change under it. A
// check stopped by ctx returns errStopped.
func (c *coach) checkWatched(ctx context.Context, ex Exercise, dir string) (Outcome, error) {
	for {
		c.clear()
		c.header(ex, dir)
		c.say("Checking… (the first check builds the race runtime and can take a minute)")
		before, err := hashDir(dir)
		if err != nil {
			return Outcome{}, err
		}
		// Two contexts: the check's ends when a file changes, the
		// watcher's when the check is over.
		cctx, cancelCheck := context.WithCancel(ctx)
		wctx, cancelWatch := context.WithCancel(ctx)
		var changedDuring atomic.Bool
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			if c.waitChange(wctx, dir) == nil {
				changedDuring.Store(true)
				cancelCheck()
			}
		}()
		o, err := c.check(cctx, ex)
		cancelWatch()
		<-watched
		cancelCheck()
		if ctx.Err() != nil {
			return Outcome{}, errStopped
		}
		if err != nil {
			return Outcome{}, err
		}
		after, herr := hashDir(dir)
		if herr != nil {
			return Outcome{}, herr
		}
		if o.Stopped || changedDuring.Load() || after != before {
			fmt.Fprintln(c.out, "A file changed during the check: checking again.")
			continue // its verdict would be stale
		}
		return o, nil
	}
}

// waitEvent waits for a change in dir (0) or a key press (the key).
func (c *coach) waitEvent(ctx context.Context, dir string) (byte, error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changed := make(chan error, 1)
	go func() { changed <- c.waitChange(cctx, dir) }()
	select {
	case err := <-changed:
		return 0, err
	case k, ok := <-c.keys: // never ready when keys is nil
		cancel()
		<-changed
		if !ok {
			return 'q', nil
		}
		return k, nil
	case <-ctx.Done():
		<-changed
		return 0, ctx.Err()
	}
}

// clear clears a terminal's screen.
func (c *coach) clear() {
	if c.tty {
		fmt.Fprint(c.out, "\x1b[H\x1b[2J")
	}
}

func (c *coach) header(ex Exercise, dir string) {
	c.say(fmt.Sprintf("== %s %s ==", ex.ID, ex.Title))
	fmt.Fprintf(c.out, "Edit %s/exercise.go\n\n", relSlash(c.root, dir))
}

// screen shows a verdict: the report, then the progress bar at the bottom.
func (c *coach) screen(ex Exercise, dir string, o Outcome) {
	c.clear()
	c.header(ex, dir)
	c.report(ex, o)
	fmt.Fprintln(c.out, "\n"+progressBar(c.done(), len(c.exs)))
}

// progressBar draws "[#####-----] 5 of 10 done" in 40 columns at most.
func progressBar(done, total int) string {
	const width = 20
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return fmt.Sprintf("[%s%s] %d of %d done", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, total)
}

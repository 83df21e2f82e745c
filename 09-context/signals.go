package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// showSignals runs two children that use signal.NotifyContext, and presses
// Ctrl-C on them: once for a child whose cleanup is quick, twice for one
// whose cleanup hangs.
func showSignals(ctx context.Context, w io.Writer) error {
	fmt.Fprintln(w, "Ctrl-C once: the child's context is cancelled and it cleans up")
	if err := pressCtrlC(ctx, w, "quick", 1); err != nil {
		return err
	}
	fmt.Fprintln(w, "Ctrl-C twice: the cleanup hangs, and the second Ctrl-C ends it at once")
	if err := pressCtrlC(ctx, w, "hang", 2); err != nil {
		return err
	}
	fmt.Fprintln(w, "this lesson does the same: its first Ctrl-C cancels the ctx every section gets (internal/lesson)")
	return nil
}

// pressCtrlC starts a "sigint" child and sends it SIGINT each time it prints
// a line that asks for one, as many as presses, then reports its lines and
// how it ended. It reads the child's lines instead of sleeping, so the
// signal always lands where the child says it is ready for it.
func pressCtrlC(ctx context.Context, w io.Writer, mode string, presses int) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe, mode)
	cmd.Env = append(os.Environ(), roleEnv+"=sigint")
	// If this lesson is stopped, pass the Ctrl-C on instead of killing:
	// the child then removes its file. WaitDelay is the grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		fmt.Fprintf(w, "  %s\n", lines.Text())
		if presses > 0 && strings.HasSuffix(lines.Text(), ":") {
			presses--
			fmt.Fprintln(w, "  ^C")
			cmd.Process.Signal(syscall.SIGINT)
		}
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// Exit 130 and death by SIGINT are what this demo expects; anything
	// else (the pipe, the grace period) is an error of the lesson's own.
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return err
	}
	fmt.Fprintf(w, "  parent: %v\n", cmd.ProcessState)
	return nil
}

// sigintChild is a long-running command done right: signal.NotifyContext
// turns the first SIGINT into a cancelled context. It removes its temporary
// file while SIGINT is still caught, then calls stop(), which restores the
// default action, so a second SIGINT ends the process if what is left of the
// cleanup hangs.
func sigintChild(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	f, err := os.CreateTemp("", "09-context-work-*")
	if err != nil {
		fmt.Println("child:", err)
		return 1
	}
	fmt.Println("child: working, with a temporary file; press Ctrl-C:")
	<-ctx.Done()
	// The cleanup that must happen comes first, while SIGINT is still
	// caught: a second Ctrl-C pressed now is ignored, not fatal.
	f.Close()
	os.Remove(f.Name())
	fmt.Println("child: cancelled; temporary file removed")
	stop() // from here on, Ctrl-C is the default again: it kills
	if len(args) > 0 && args[0] == "hang" {
		fmt.Println("child: flushing a log that never finishes; press Ctrl-C again:")
		time.Sleep(time.Hour) // a cleanup step that hangs
	}
	fmt.Println("child: exiting 130, as a shell reports Ctrl-C")
	return 130
}

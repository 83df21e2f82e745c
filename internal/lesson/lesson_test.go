package lesson

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain lets the test binary play a lesson as a child process, as
// os/exec's tests do: with childEnv set it runs that lesson's Main and never
// reaches the tests.
func TestMain(m *testing.M) {
	if name, ok := os.LookupEnv(childEnv); ok {
		runChild(name)
	}
	goleak.VerifyTestMain(m)
}

func TestParseOnly(t *testing.T) {
	tests := []struct {
		value   string
		want    []int
		wantErr string
	}{
		{value: "", want: nil},
		{value: "3", want: []int{3}},
		{value: "5, 1", want: []int{5, 1}},
		{value: "0", wantErr: `-only takes section numbers from 1 to 5, got "0"`},
		{value: "6", wantErr: `-only takes section numbers from 1 to 5, got "6"`},
		{value: "1,x", wantErr: `got "x"`},
		{value: "1,", wantErr: `got ""`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseOnly(tt.value, 5, "section")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// childEnv names the lesson a child test binary plays; see TestMain.
const childEnv = "GOCOURSE_LESSON_CHILD"

// runChild plays one of the lessons the interrupt tests start as children,
// and exits. Each says "ready" once its section is running.
func runChild(name string) {
	ready := func(w io.Writer) { fmt.Fprintln(w, "ready") }
	sections := map[string]func(ctx context.Context, w io.Writer) error{
		// patient listens to its context, as every section should.
		"patient": func(ctx context.Context, w io.Writer) error {
			ready(w)
			<-ctx.Done()
			return ctx.Err()
		},
		// stubborn does not, so only the second Ctrl-C can end it.
		"stubborn": func(ctx context.Context, w io.Writer) error {
			ready(w)
			for {
				time.Sleep(time.Hour)
			}
		},
	}
	run, ok := sections[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "no child lesson %q\n", name)
		os.Exit(2)
	}
	l := &Lesson{Name: "99-test", Sections: []Section{{Title: name, Run: run}}, Next: "never printed"}
	l.Main()
}

func testLesson(ran *[]string) *Lesson {
	var n int
	return &Lesson{
		Name:  "99-test",
		Title: "A lesson for the tests",
		Flags: func(f *Flags) { f.Int(&n, "n", 3, 1, 10, "how many") },
		Sections: []Section{
			{Title: "One", Run: func(ctx context.Context, w io.Writer) error {
				*ran = append(*ran, "one")
				fmt.Fprintf(w, "n=%d\n", n)
				return nil
			}},
			{Title: "Two", Run: func(ctx context.Context, w io.Writer) error {
				*ran = append(*ran, "two")
				return nil
			}},
		},
		Commands: []Command{{
			Name: "serve", Summary: "serve forever",
			Run: func(ctx context.Context, w io.Writer) error {
				*ran = append(*ran, "serve")
				return errors.New("port in use")
			},
		}, {
			Name: "rpc", Summary: "net/rpc",
			Commands: []Command{{Name: "call", Summary: "one call", Run: func(ctx context.Context, w io.Writer) error {
				*ran = append(*ran, "rpc call")
				return nil
			}}},
		}},
		Next: "100-more.",
	}
}

func TestLessonRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		ran      []string
		stdout   []string
		stderr   string
		noStdout string
	}{
		{name: "all", args: nil, code: 0, ran: []string{"one", "two"},
			stdout: []string{"== 1. One ==", "n=3", "== 2. Two ==", "Next: 100-more."}},
		{name: "only", args: []string{"-only", "2,1", "-n", "7"}, code: 0, ran: []string{"two", "one"},
			stdout: []string{"n=7", "Next:"}},
		{name: "only first", args: []string{"-only", "1"}, code: 0, ran: []string{"one"}, noStdout: "Next:"},
		{name: "help", args: []string{"-h"}, code: 0,
			stderr: "usage: go run ./99-test [flags]\n\nA lesson for the tests\n\nsections (all run in order; -only picks some):\n  1. One\n  2. Two\n"},
		{name: "range", args: []string{"-n", "0"}, code: 2, stderr: "99-test: -n must be between 1 and 10, got 0\n"},
		{name: "bad only", args: []string{"-only", "3"}, code: 2, stderr: "99-test: -only takes section numbers from 1 to 2, got \"3\"\n"},
		{name: "unknown flag", args: []string{"-x"}, code: 2, stderr: "99-test: flag provided but not defined: -x (see -h)\n"},
		{name: "bad value", args: []string{"-n", "many"}, code: 2, stderr: "99-test: invalid value \"many\" for flag -n: parse error (see -h)\n"},
		{name: "unknown command", args: []string{"serv"}, code: 2, stderr: "99-test: unknown command \"serv\" (commands: serve, rpc; see -h)\n"},
		{name: "command error", args: []string{"serve"}, code: 1, ran: []string{"serve"}, stderr: "99-test: serve: port in use\n"},
		{name: "command extra arg", args: []string{"serve", "now"}, code: 2, stderr: "99-test: serve: unexpected argument \"now\" (all options are flags; see -h)\n"},
		{name: "nested", args: []string{"rpc", "call"}, code: 0, ran: []string{"rpc call"}},
		{name: "nested missing", args: []string{"rpc"}, code: 2, stderr: "99-test: rpc needs a command: call (see -h)\n"},
		{name: "nested unknown", args: []string{"rpc", "cal"}, code: 2, stderr: "99-test: rpc: unknown command \"cal\" (commands: call; see -h)\n"},
		{name: "command help", args: []string{"serve", "-h"}, code: 0, stderr: "usage: go run ./99-test serve\n\nserve forever\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			var stdout, stderr strings.Builder
			code := testLesson(&ran).Run(t.Context(), tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code, stderr.String())
			assert.Equal(t, tt.ran, ran)
			for _, s := range tt.stdout {
				assert.Contains(t, stdout.String(), s)
			}
			if tt.noStdout != "" {
				assert.NotContains(t, stdout.String(), tt.noStdout)
			}
			if tt.stderr != "" {
				if strings.HasPrefix(tt.stderr, "usage:") {
					assert.True(t, strings.HasPrefix(stderr.String(), tt.stderr), stderr.String())
				} else {
					assert.Equal(t, tt.stderr, stderr.String())
				}
			}
		})
	}
}

func TestLessonInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	l := &Lesson{Name: "99-test", Sections: []Section{
		{Title: "Waits", Run: func(ctx context.Context, w io.Writer) error {
			cancel(ErrInterrupted) // as the first Ctrl-C does
			<-ctx.Done()
			return ctx.Err()
		}},
		{Title: "Never", Run: func(ctx context.Context, w io.Writer) error {
			t.Error("a section ran after the interrupt")
			return nil
		}},
	}}
	var stdout, stderr strings.Builder
	code := l.Run(ctx, nil, &stdout, &stderr)
	assert.Equal(t, ExitInterrupted, code)
	assert.Equal(t, "99-test: interrupted\n", stderr.String())
}

func TestAround(t *testing.T) {
	var got []int
	var stdout strings.Builder
	l := &Lesson{
		Name: "99-test",
		Sections: []Section{
			{Title: "One", Run: func(ctx context.Context, w io.Writer) error { return nil }},
			{Title: "Two", Run: func(ctx context.Context, w io.Writer) error { return nil }},
			{Title: "Three", Run: func(ctx context.Context, w io.Writer) error { return nil }},
		},
		Around: func(ctx context.Context, w io.Writer, sections []int, run func() error) error {
			got = sections
			fmt.Fprintln(w, "before")
			err := run()
			fmt.Fprintln(w, "after")
			return err
		},
		Next: "100-more.",
	}
	require.Equal(t, 0, l.Run(t.Context(), []string{"-only", "3,1"}, &stdout, io.Discard))
	assert.Equal(t, []int{3, 1}, got)
	assert.Equal(t, "before\n\n== 3. Three ==\n\n== 1. One ==\nafter\n\nNext: 100-more.\n", stdout.String())

	l.Around = func(ctx context.Context, w io.Writer, sections []int, run func() error) error {
		return errors.New("cannot build the children")
	}
	var stderr strings.Builder
	assert.Equal(t, 1, l.Run(t.Context(), nil, io.Discard, &stderr))
	assert.Equal(t, "99-test: cannot build the children\n", stderr.String())
}

func TestFlagsRanges(t *testing.T) {
	var d time.Duration
	var x float64
	f := NewFlags("04-race/racy", "")
	f.Duration(&d, "d", time.Second, time.Millisecond, time.Minute, "how long")
	f.Float(&x, "x", 0.5, 0, 1, "a fraction")
	f.Check(func() error {
		if x == 1 && d == time.Minute {
			return errors.New("-x 1 and -d 1m together are too much")
		}
		return nil
	})
	assert.EqualError(t, f.Parse([]string{"-d", "2m"}, io.Discard), "-d must be between 1ms and 1m0s, got 2m0s")
	assert.EqualError(t, f.Parse([]string{"-d", "1s", "-x", "2"}, io.Discard), "-x must be between 0 and 1, got 2")
	assert.EqualError(t, f.Parse([]string{"-d", "1m", "-x", "1"}, io.Discard), "-x 1 and -d 1m together are too much")
	var help strings.Builder
	require.ErrorIs(t, f.Parse([]string{"-h"}, &help), flag.ErrHelp)
	assert.Contains(t, help.String(), "usage: go run ./04-race/racy [flags]")
	assert.Contains(t, help.String(), "how long (1ms to 1m0s)")

	help.Reset()
	require.ErrorIs(t, NewFlags("01-threads/nojoin", "Broken on purpose.").Parse([]string{"-h"}, &help), flag.ErrHelp)
	assert.Equal(t, "usage: go run ./01-threads/nojoin\n\nBroken on purpose.\n", help.String())
	assert.EqualError(t, NewFlags("01-threads/nojoin", "").Parse([]string{"now"}, io.Discard),
		`unexpected argument "now" (all options are flags; see -h)`)
}

// Runs of the same lesson take turns, because its flags live in package
// variables: eight parallel runs, each with its own -v, each see their own
// value from the start of their section to its end. Without the lock the
// race detector reports the flag variable, and a run prints another's value.
func TestParallelRunsTakeTurns(t *testing.T) {
	var v string // the flag's variable, shared as a chapter's cfg is
	l := &Lesson{
		Name:  "99-turns",
		Flags: func(f *Flags) { f.StringVar(&v, "v", "", "a value") },
		Sections: []Section{{Title: "Echo", Run: func(_ context.Context, w io.Writer) error {
			first := v
			for range 100 {
				runtime.Gosched() // let another run parse its flags, if it can
			}
			fmt.Fprintf(w, "%s %s\n", first, v)
			return nil
		}}},
	}
	var wg sync.WaitGroup
	outs := make([]strings.Builder, 8)
	for i := range outs {
		wg.Go(func() {
			assert.Equal(t, 0, l.Run(t.Context(), []string{"-v", strconv.Itoa(i)}, &outs[i], io.Discard))
		})
	}
	wg.Wait()
	for i := range outs {
		assert.Contains(t, outs[i].String(), fmt.Sprintf("%d %d\n", i, i))
	}
}

// A command holds only its own lock: a server command that runs until
// cancelled does not keep a client command, or the sections, from running.
func TestCommandsRunBesideEachOther(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	serving := make(chan struct{})
	l := &Lesson{
		Name:     "99-serve",
		Sections: []Section{{Title: "One", Run: func(context.Context, io.Writer) error { return nil }}},
		Commands: []Command{
			{Name: "serve", Run: func(ctx context.Context, _ io.Writer) error {
				close(serving)
				<-ctx.Done()
				return nil
			}},
			{Name: "call", Run: func(context.Context, io.Writer) error { return nil }},
		},
	}
	done := make(chan int, 1)
	go func() { done <- l.Run(ctx, []string{"serve"}, io.Discard, io.Discard) }()
	<-serving
	assert.Equal(t, 0, l.Run(t.Context(), []string{"call"}, io.Discard, io.Discard))
	assert.Equal(t, 0, l.Run(t.Context(), nil, io.Discard, io.Discard))
	cancel()
	assert.Equal(t, ExitInterrupted, <-done)
}

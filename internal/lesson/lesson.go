// Package lesson defines what a chapter's program is, so that every chapter
// has the same shape: numbered sections, the same -h, the same -only flag,
// the same wording for a bad flag, and a context that Ctrl-C cancels.
//
// A chapter's main.go is a Lesson value and one call:
//
//	var cfg config
//
//	var chapter = &lesson.Lesson{
//		Name:  "01-threads",
//		Title: "Threads, and joining them",
//		Flags: func(f *lesson.Flags) {
//			f.Int(&cfg.workers, "workers", 2, 1, 1024, "goroutines that share the work")
//		},
//		Sections: []lesson.Section{
//			{Title: "Start and join", Run: showJoins},
//		},
//		Next: "02-critical-section, where goroutines share one variable.",
//	}
//
//	func main() { chapter.Main() }
//
// What it guarantees:
//   - -h prints the program as `go run ./NAME`, the sections by number and
//     title, the commands, and the flags, and exits 0.
//   - A bad flag, an unknown argument or a value out of range prints one line,
//     `NAME: -workers must be between 1 and 1024, got 0`, and exits 2.
//   - The first SIGINT or SIGTERM cancels the context that every section and
//     command receives; the program then says it was interrupted and exits
//     130. A second one kills the program at once (the signal's default
//     action), for code that does not listen to its context.
//   - A section or command that returns an error prints `NAME: error` and
//     exits 1.
//   - -only runs some sections, in the order given; the "Next:" line is
//     printed only when the last section ran.
//   - Around, if set, wraps the chosen sections, for what spans them:
//     building children before, removing them after, checking for leaks.
//
// Small programs under a chapter use NewFlags and MustParse, so that their
// -h names them as `go run ./NN-topic/prog` and their errors read the same.
// Tests run a lesson through Run; package lessontest has the usual checks.
package lesson

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A Section is one numbered part of a lesson.
type Section struct {
	// Title is printed as `== N. Title ==` before the section runs.
	Title string
	// Run tells the section on w. It should return soon after ctx is done.
	Run func(ctx context.Context, w io.Writer) error
}

// A Command is a subcommand, such as 07's `serve`: go run ./NAME COMMAND [flags].
type Command struct {
	Name    string
	Summary string // one line, shown by -h
	// Flags registers the command's flags; nil means none.
	Flags func(f *Flags)
	// Run does the command's work on w; ctx is cancelled by Ctrl-C.
	Run func(ctx context.Context, w io.Writer) error
	// Commands are subcommands of this one, such as `rpc serve`; a command
	// with Commands and no Run needs one of them.
	Commands []Command
}

// A Lesson is a chapter's program. The zero value of every field but Name is
// usable.
type Lesson struct {
	// Name is the chapter's directory, such as "01-threads"; -h shows
	// `go run ./NAME`, and errors start with `NAME:`.
	Name string
	// Title is one line under the usage line of -h.
	Title string
	// Flags registers the lesson's own flags, besides -only.
	Flags func(f *Flags)
	// Sections run in order, or as -only says.
	Sections []Section
	// Commands are optional subcommands.
	Commands []Command
	// Next is printed as "Next: ..." after the last section.
	Next string
	// Around, if set, wraps the sections that run: it receives their numbers
	// (1-based, in the order they will run) and must call run once and
	// return its error, or an error of its own. Chapters use it for what
	// spans sections: building the broken-on-purpose children in parallel
	// before, removing them after, a trace, a check that nothing leaked.
	Around func(ctx context.Context, w io.Writer, sections []int, run func() error) error

	// runs holds one mutex per flag set: "" for the sections, a command's
	// full name for each command. See Run.
	runs sync.Map
}

// hold locks the flag set path for one run and returns its unlock.
func (l *Lesson) hold(path string) func() {
	m, _ := l.runs.LoadOrStore(path, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// Main runs the lesson with the process's arguments and standard streams and
// exits with its status. It never returns.
func (l *Lesson) Main() {
	ctx, stop := InterruptContext(context.Background(), os.Stderr)
	code := l.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// ExitInterrupted is the status of a program stopped by Ctrl-C, as a shell
// reports one killed by SIGINT.
const ExitInterrupted = 130

// Run parses args, runs the sections (or the command args name), and returns
// the exit status: 0, 1 for an error, 2 for a usage error, 130 when ctx was
// cancelled. It is Main without the process around it, for tests.
//
// Chapters bind their flags to package variables, as programs using the
// flag package do, so two runs that parse the same flags must not overlap:
// one would read the other's -nats or -workers half way through. Run
// therefore holds a lock for the flag set it parses, from parsing to the
// end of the run: the sections' flags, or one command's. Tests may call Run
// from parallel tests; runs of the same sections (or the same command) take
// turns, while a server command and a client command still run at once.
func (l *Lesson) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range l.Commands {
			if c.Name == args[0] {
				return l.runCommand(ctx, c, args[1:], stdout, stderr)
			}
		}
		if len(l.Commands) > 0 {
			return l.fail(stderr, 2, fmt.Errorf("unknown command %q (commands: %s; see -h)", args[0], l.commandNames()))
		}
		return l.fail(stderr, 2, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", args[0]))
	}
	defer l.hold("")()
	f := NewFlags(l.Name, l.Title)
	only := f.String("only", "", "run only these `sections`, comma-separated, such as 1,3")
	if l.Flags != nil {
		l.Flags(f)
	}
	f.extra = l.describe
	if err := f.Parse(args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return l.fail(stderr, 2, err)
	}
	sel, err := ParseOnly(*only, len(l.Sections), "section")
	if err != nil {
		return l.fail(stderr, 2, err)
	}
	if sel == nil {
		for i := range l.Sections {
			sel = append(sel, i+1)
		}
	}
	run := func() error {
		for _, n := range sel {
			s := l.Sections[n-1]
			fmt.Fprintf(stdout, "\n== %d. %s ==\n", n, s.Title)
			if err := s.Run(ctx, stdout); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return nil
	}
	if l.Around != nil {
		err = l.Around(ctx, stdout, sel, run)
	} else {
		err = run()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return l.end(ctx, stderr, err)
	}
	if l.Next != "" && slices.Contains(sel, len(l.Sections)) {
		fmt.Fprintf(stdout, "\nNext: %s\n", l.Next)
	}
	return 0
}

func (l *Lesson) runCommand(ctx context.Context, c Command, args []string, stdout, stderr io.Writer) int {
	return l.runCommandAt(ctx, c.Name, c, args, stdout, stderr)
}

// runCommandAt runs c, whose full name (such as "rpc serve") is path.
func (l *Lesson) runCommandAt(ctx context.Context, path string, c Command, args []string, stdout, stderr io.Writer) int {
	if len(c.Commands) > 0 && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, sub := range c.Commands {
			if sub.Name == args[0] {
				return l.runCommandAt(ctx, path+" "+sub.Name, sub, args[1:], stdout, stderr)
			}
		}
		return l.fail(stderr, 2, fmt.Errorf("%s: unknown command %q (commands: %s; see -h)", path, args[0], names(c.Commands)))
	}
	defer l.hold(path)()
	f := NewFlags(l.Name+" "+path, c.Summary)
	if c.Flags != nil {
		c.Flags(f)
	}
	if len(c.Commands) > 0 {
		f.extra = func(w io.Writer) { describeCommands(w, l.Name+" "+path, c.Commands) }
	}
	if err := f.Parse(args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return l.fail(stderr, 2, fmt.Errorf("%s: %w", path, err))
	}
	if c.Run == nil {
		return l.fail(stderr, 2, fmt.Errorf("%s needs a command: %s (see -h)", path, names(c.Commands)))
	}
	if err := c.Run(ctx, stdout); err != nil {
		return l.end(ctx, stderr, fmt.Errorf("%s: %w", path, err))
	}
	if ctx.Err() != nil {
		return l.end(ctx, stderr, ctx.Err())
	}
	return 0
}

// end turns a section's or command's error into the exit status.
func (l *Lesson) end(ctx context.Context, stderr io.Writer, err error) int {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) || errors.Is(context.Cause(ctx), ErrInterrupted) {
		fmt.Fprintf(stderr, "%s: interrupted\n", l.Name)
		return ExitInterrupted
	}
	return l.fail(stderr, 1, err)
}

func (l *Lesson) fail(stderr io.Writer, code int, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", l.Name, err)
	return code
}

func (l *Lesson) commandNames() string { return names(l.Commands) }

func names(cmds []Command) string {
	var ns []string
	for _, c := range cmds {
		ns = append(ns, c.Name)
	}
	return strings.Join(ns, ", ")
}

func describeCommands(w io.Writer, prog string, cmds []Command) {
	fmt.Fprintln(w, "\ncommands (go run ./"+prog+" COMMAND -h for each one's flags):")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
}

// describe writes the sections and commands for -h.
func (l *Lesson) describe(w io.Writer) {
	if len(l.Sections) > 0 {
		fmt.Fprintln(w, "\nsections (all run in order; -only picks some):")
		for i, s := range l.Sections {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s.Title)
		}
	}
	if len(l.Commands) > 0 {
		describeCommands(w, l.Name, l.Commands)
	}
}

// ErrInterrupted is the cause of a context cancelled by InterruptContext.
var ErrInterrupted = errors.New("interrupted")

// InterruptContext returns a context cancelled, with cause ErrInterrupted, by
// the first SIGINT or SIGTERM. It then restores the signals' default action,
// so a second Ctrl-C ends the process at once, and tells the person so on
// stderr. stop releases the signal handler.
func InterruptContext(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	checkPidfdNow()
	ctx, cancel := context.WithCancelCause(parent)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			signal.Reset(syscall.SIGINT, syscall.SIGTERM)
			fmt.Fprintln(stderr, "\nstopping... (Ctrl-C again to force)")
			cancel(ErrInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel(context.Canceled)
	}
}

// ParseOnly reads the value of a lesson's -only flag: comma-separated numbers
// of the sections to run, each from 1 to n, in the order given. An empty
// value means every section and returns nil. A bad number is one line that
// says what the flag takes.
func ParseOnly(value string, n int, noun string) ([]int, error) {
	if value == "" {
		return nil, nil
	}
	var nums []int
	for f := range strings.SplitSeq(value, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > n {
			return nil, fmt.Errorf("-only takes %s numbers from 1 to %d, got %q", noun, n, f)
		}
		nums = append(nums, k)
	}
	return nums, nil
}

// Flags is a flag.FlagSet with range-checked numbers and one wording for
// every error. Use NewFlags for the small programs under a chapter too, so
// their -h names them as `go run ./PATH`.
type Flags struct {
	*flag.FlagSet
	prog    string
	summary string
	checks  []func() error
	extra   func(io.Writer)
}

// NewFlags returns an empty flag set for the program at path (relative to
// the module root, such as "04-race/racy"); summary is one line for -h.
func NewFlags(path, summary string) *Flags {
	f := &Flags{FlagSet: flag.NewFlagSet(path, flag.ContinueOnError), prog: path, summary: summary}
	f.FlagSet.SetOutput(io.Discard)
	return f
}

// Int registers an int flag that must lie in [lo, hi].
func (f *Flags) Int(p *int, name string, def, lo, hi int, usage string) {
	f.IntVar(p, name, def, fmt.Sprintf("%s (%d to %d)", usage, lo, hi))
	f.checks = append(f.checks, func() error {
		if *p < lo || *p > hi {
			return fmt.Errorf("-%s must be between %d and %d, got %d", name, lo, hi, *p)
		}
		return nil
	})
}

// Duration registers a duration flag that must lie in [lo, hi].
func (f *Flags) Duration(p *time.Duration, name string, def, lo, hi time.Duration, usage string) {
	f.DurationVar(p, name, def, fmt.Sprintf("%s (%v to %v)", usage, lo, hi))
	f.checks = append(f.checks, func() error {
		if *p < lo || *p > hi {
			return fmt.Errorf("-%s must be between %v and %v, got %v", name, lo, hi, *p)
		}
		return nil
	})
}

// Float registers a float64 flag that must lie in [lo, hi].
func (f *Flags) Float(p *float64, name string, def, lo, hi float64, usage string) {
	f.Float64Var(p, name, def, fmt.Sprintf("%s (%g to %g)", usage, lo, hi))
	f.checks = append(f.checks, func() error {
		if *p < lo || *p > hi {
			return fmt.Errorf("-%s must be between %g and %g, got %g", name, lo, hi, *p)
		}
		return nil
	})
}

// Check adds a rule that Parse applies after the flags are read, such as one
// that relates two flags. Its error is printed as it is.
func (f *Flags) Check(rule func() error) { f.checks = append(f.checks, rule) }

// Usage writes the -h text to w.
func (f *Flags) Usage(w io.Writer) {
	has := false
	f.VisitAll(func(*flag.Flag) { has = true })
	args := ""
	if has {
		args = " [flags]"
	}
	fmt.Fprintf(w, "usage: go run ./%s%s\n", f.prog, args)
	if f.summary != "" {
		fmt.Fprintf(w, "\n%s\n", f.summary)
	}
	if f.extra != nil {
		f.extra(w)
	}
	if has {
		fmt.Fprintln(w, "\nflags:")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}

// Parse reads args. -h prints the usage on stderr and returns flag.ErrHelp.
// Any other problem comes back as one line: an unknown flag, a value that
// does not parse, an argument that is not a flag, or a value out of range.
func (f *Flags) Parse(args []string, stderr io.Writer) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.Usage(stderr)
			return err
		}
		return fmt.Errorf("%v (see -h)", err)
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (all options are flags; see -h)", f.Arg(0))
	}
	for _, check := range f.checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// MustParse is Parse for a small program's main: on -h it exits 0, on an
// error it prints `PATH: error` and exits 2.
func (f *Flags) MustParse(args []string) {
	err := f.Parse(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", f.prog, err)
		os.Exit(2)
	}
}

// checkPidfdNow makes package os run, now, the check it otherwise runs
// when the program starts its first child process. On Linux that check
// (os.checkClonePidfd in Go 1.26) clones the process with
// CLONE_VM|CLONE_VFORK and, unlike every later process start, leaves
// signals unblocked while the clone lives. The clone shares the program's
// memory, so a Ctrl-C that reaches it, as a terminal's reaches the whole
// process group, runs Go's signal handler there; once InterruptContext has
// restored SIGINT's default action, that handler kills the clone without
// switching back from the signal goroutine, and the program resumes on the
// wrong goroutine and dies with "fatal: morestack on gsignal" (SIGTRAP)
// instead of exiting 130. 09's TestCtrlCAtFirstChild measures it, and
// docs/09-context.md (section 3) gives the figures before and after.
// os.FindProcess runs the check (through pidfdFind) and starts nothing.
func checkPidfdNow() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Release()
	}
}

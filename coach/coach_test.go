package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeRoot makes a module-like tree with exercises named like
// "01-threads/1-join", each with a starting file that says TODO.
func fakeRoot(t *testing.T, names ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, n := range names {
		dir := filepath.Join(root, "exercises", filepath.FromSlash(n))
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "solution"), 0o755))
		write(t, filepath.Join(dir, "exercise.go"), todo)
		write(t, filepath.Join(dir, "solution", "exercise.go"), solved)
		write(t, filepath.Join(dir, "hint.md"), "hint for "+n+"\n")
		write(t, filepath.Join(dir, "exercise.json"), `{"title": "T `+n+`", "concept": "c", "fails_with": ["x"]}`)
	}
	return root
}

const (
	todo   = "//go:build coach\n\npackage x // TODO\n"
	solved = "//go:build coach\n\npackage x // SOLVED\n"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// fakeTest passes an exercise whose files say SOLVED, and counts its runs.
type fakeTest struct {
	runs  int
	block chan struct{} // when set, each run waits for it or for its ctx
}

func (f *fakeTest) run(ctx context.Context, _ string, _ Exercise, dir string) (Outcome, error) {
	f.runs++
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return Outcome{Stopped: true}, nil
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "exercise.go"))
	if err != nil {
		return Outcome{}, err
	}
	if strings.Contains(string(b), "SOLVED") {
		return Outcome{Passed: true, Output: "ok\n"}, nil
	}
	return Outcome{Output: "--- FAIL: TestX\n    not solved\nFAIL\n"}, nil
}

func newFake(t *testing.T, root string) (*coach, *fakeTest, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	c, err := newCoach(root, &out)
	require.NoError(t, err)
	ft := &fakeTest{}
	c.test = ft.run
	c.waitChange = func(context.Context, string) error { return errors.New("no change source in this test") }
	return c, ft, &out
}

func solve(t *testing.T, root, name string) {
	t.Helper()
	dir := filepath.Join(root, "workspace", filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	write(t, filepath.Join(dir, "exercise.go"), solved)
}

func TestLoadOrdersAndNames(t *testing.T) {
	root := fakeRoot(t, "02-b/10-late", "01-a/2-second", "02-b/2-early", "01-a/1-first")
	exs, err := Load(root)
	require.NoError(t, err)
	var ids, names []string
	for _, e := range exs {
		ids, names = append(ids, e.ID), append(names, e.Name)
	}
	assert.Equal(t, []string{"01.1", "01.2", "02.2", "02.10"}, ids)
	assert.Equal(t, []string{"01-a/1-first", "01-a/2-second", "02-b/2-early", "02-b/10-late"}, names)
}

func TestLoadRejectsIncompleteMetadata(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	write(t, filepath.Join(root, "exercises", "01-a", "1-first", "exercise.json"), `{"title": "no fails_with"}`)
	_, err := Load(root)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fails_with")
}

func TestFind(t *testing.T) {
	exs, err := Load(fakeRoot(t, "01-a/1-first", "02-b/1-first", "02-b/2-other"))
	require.NoError(t, err)
	tests := []struct{ name, want, wantErr string }{
		{name: "01.1", want: "01-a/1-first"},
		{name: "02-b/1-first", want: "02-b/1-first"},
		{name: "2-other", want: "02-b/2-other"},
		{name: "1-first", wantErr: `"1-first" names 2 exercises; use the ID`},
		{name: "9.9", wantErr: `no exercise named "9.9"; run ` + "`go run ./coach list`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := Find(exs, tt.name)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ex.Name)
		})
	}
}

func TestListStatesAndNext(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second", "01-a/3-third")
	c, _, out := newFake(t, root)
	ctx := t.Context()

	require.NoError(t, c.list(ctx, true))
	assert.Contains(t, squash(out.String()), "→ 01.1 01-a/1-first not started")
	assert.Contains(t, out.String(), "0 of 3 exercises pass.")
	assert.Contains(t, out.String(), "Edit workspace/01-a/1-first/exercise.go,\nthen run: go run ./coach watch")
	assert.DirExists(t, filepath.Join(root, "workspace", "01-a", "1-first"), "list prepares the next exercise")

	solve(t, root, "01-a/1-first")
	out.Reset()
	require.NoError(t, c.list(ctx, true))
	assert.Contains(t, squash(out.String()), " 01.1 01-a/1-first passing")
	assert.Contains(t, squash(out.String()), "→ 01.2 01-a/2-second not started")

	// Started and still failing.
	out.Reset()
	require.NoError(t, c.list(ctx, true))
	assert.Contains(t, squash(out.String()), "→ 01.2 01-a/2-second failing")
}

func TestListRunsTestsOnlyForChangedFiles(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, ft, _ := newFake(t, root)
	ctx := t.Context()
	require.NoError(t, c.list(ctx, true)) // prepares the workspace, runs nothing
	require.NoError(t, c.list(ctx, true)) // first look at the copy: one run
	require.NoError(t, c.list(ctx, true)) // unchanged: no run
	assert.Equal(t, 1, ft.runs)
	solve(t, root, "01-a/1-first")
	require.NoError(t, c.list(ctx, true)) // changed: runs again
	assert.Equal(t, 2, ft.runs)
}

func TestProgressSurvivesARestart(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, _ := newFake(t, root)
	ctx := t.Context()
	_, err := ensure(root, c.exs[0])
	require.NoError(t, err)
	solve(t, root, "01-a/1-first")
	_, err = c.check(ctx, c.exs[0])
	require.NoError(t, err)

	again, ft, out := newFake(t, root)
	require.NoError(t, again.list(ctx, true))
	assert.Equal(t, 0, ft.runs, "a passing exercise whose files did not change is not run again")
	assert.Contains(t, out.String(), "1 of 2 exercises pass.")
}

func TestDamagedProgressFileIsOneClearError(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	write(t, filepath.Join(root, progressFile), "{not json")
	_, err := newCoach(root, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the progress file .coach-progress.json is damaged")
	assert.Contains(t, err.Error(), "delete it")
}

func TestResetRestoresTheStartingState(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, out := newFake(t, root)
	ctx := t.Context()
	for _, ex := range c.exs {
		_, err := ensure(root, ex)
		require.NoError(t, err)
	}
	solve(t, root, "01-a/1-first")
	solve(t, root, "01-a/2-second")
	write(t, filepath.Join(root, "workspace", "01-a", "1-first", "extra.go"), "//go:build coach\n\npackage x\n")
	_, err := c.check(ctx, c.exs[0])
	require.NoError(t, err)

	require.NoError(t, c.reset("01.1"))
	files, _ := goFiles(filepath.Join(root, "workspace", "01-a", "1-first"))
	assert.Len(t, files, 1, "files the learner added are gone")
	b, _ := os.ReadFile(files[0])
	assert.Equal(t, todo, string(b))
	assert.Equal(t, Entry{EverPassed: true}, c.prog.Exercises["01-a/1-first"], "a reset keeps a solution once earned")
	assert.Contains(t, out.String(), "01.1 is back to its starting state.")

	// reset all asks first, and does nothing without a yes.
	c.in = strings.NewReader("\n")
	require.NoError(t, c.reset("all"))
	assert.Contains(t, out.String(), "Nothing was reset.")
	b, _ = os.ReadFile(filepath.Join(root, "workspace", "01-a", "2-second", "exercise.go"))
	assert.Equal(t, solved, string(b))

	c.in = strings.NewReader("y\n")
	require.NoError(t, c.reset("all"))
	b, _ = os.ReadFile(filepath.Join(root, "workspace", "01-a", "2-second", "exercise.go"))
	assert.Equal(t, todo, string(b))
	assert.Error(t, c.reset("nope"))
}

func TestSolutionOpensOnlyAfterAPass(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, out := newFake(t, root)
	ctx := t.Context()
	err := c.solution(ctx, "01.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "01.1 does not pass yet")

	_, err = ensure(root, c.exs[0])
	require.NoError(t, err)
	solve(t, root, "01-a/1-first")
	require.NoError(t, c.solution(ctx, "01.1"))
	assert.Contains(t, out.String(), "// exercises/01-a/1-first/solution/exercise.go\n"+solved)
}

func TestHint(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, out := newFake(t, root)
	require.NoError(t, c.hint(""))
	assert.Contains(t, out.String(), "Hint for 01.1, T 01-a/1-first:\n\nhint for 01-a/1-first\n")
	out.Reset()
	require.NoError(t, c.hint("01.2"))
	assert.Contains(t, out.String(), "hint for 01-a/2-second")
}

// watch with a fake change source: each "change" is the learner saving a
// file. No sleeps, no polling: a change happens when the test hands one
// over, to whichever wait (during a check, or after a verdict) takes it.
func TestWatchFollowsTheLearner(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, out := newFake(t, root)
	edits := make(chan string)
	c.waitChange = func(ctx context.Context, _ string) error {
		select {
		case name := <-edits:
			solve(t, root, name) // the learner fixes it and saves
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		edits <- "01-a/1-first"
		edits <- "01-a/2-second"
	}()
	require.NoError(t, c.watch(t.Context(), ""))
	<-fed
	text := out.String()
	assert.Contains(t, text, "✓ 01.1 passes")
	assert.Contains(t, text, "✓ 01.2 passes")
	assert.Contains(t, text, "Checking…")
	assert.Contains(t, text, "[##########----------] 1 of 2 done")
	assert.True(t, strings.HasSuffix(text, "You're done: every exercise passes, with the race detector and goleak watching.\n"), text)
}

// A file saved while a check runs stops that check, and the file is checked
// again: the verdict on the screen is never about a file that has changed.
func TestWatchRestartsWhenAFileChangesDuringACheck(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, ft, out := newFake(t, root)
	ft.block = make(chan struct{}) // the first check runs until stopped
	first := true
	c.waitChange = func(ctx context.Context, _ string) error {
		if first { // during the first check
			first = false
			solve(t, root, "01-a/1-first")
			close(ft.block) // later checks finish at once
			return nil
		}
		<-ctx.Done()
		return ctx.Err()
	}
	require.NoError(t, c.watch(t.Context(), "01.1"))
	text := out.String()
	assert.Contains(t, text, "A file changed during the check: checking again.")
	assert.Contains(t, text, "✓ 01.1 passes")
	assert.NotContains(t, text, "✗", "no verdict is shown for the file as it was")
	assert.True(t, c.prog.Exercises["01-a/1-first"].Passed)
}

// Ctrl-C during a check stops it, says so, and records nothing: it is not a
// failure, nor a test that hung.
func TestWatchCtrlCDuringACheckRecordsNothing(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, ft, out := newFake(t, root)
	ft.block = make(chan struct{}) // never closed: the check runs until stopped
	ctx, cancel := context.WithCancel(t.Context())
	c.waitChange = func(wctx context.Context, _ string) error {
		cancel() // the learner presses Ctrl-C while the check runs
		<-wctx.Done()
		return wctx.Err()
	}
	require.NoError(t, c.watch(ctx, "01.1"))
	assert.Contains(t, out.String(), "Stopped. Nothing was recorded")
	assert.NotContains(t, out.String(), "hung")
	assert.NotContains(t, c.prog.Exercises, "01-a/1-first")
}

// On a terminal the learner drives with single keys: h, l, n, q.
func TestWatchKeys(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, out := newFake(t, root)
	_, err := ensure(root, c.exs[0])
	require.NoError(t, err)
	solve(t, root, "01-a/1-first")
	keys := make(chan byte)
	c.keys = keys
	c.waitChange = func(ctx context.Context, _ string) error { <-ctx.Done(); return ctx.Err() }
	go func() {
		for _, k := range []byte("hlnq") {
			keys <- k
		}
	}()
	require.NoError(t, c.watch(t.Context(), "01.1"))
	text := out.String()
	assert.Contains(t, text, "✓ 01.1 passes")
	assert.Contains(t, text, "Press n for 01.2, q to quit.")
	assert.Contains(t, text, "Hint for 01.1")
	assert.Contains(t, text, "1 of 2 exercises pass.")
	assert.Contains(t, text, "✗ 01.2 is not solved yet.")
	assert.Contains(t, text, "Keys: h hint · l list · n next · r re-check · q quit")
}

// After a pass, watch goes on to the next exercise after this one, not back
// to the first that does not pass; at the end it wraps around.
func TestAfterMovesForward(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second", "01-a/3-third")
	c, _, _ := newFake(t, root)
	n, ok := c.after(c.exs[1])
	require.True(t, ok)
	assert.Equal(t, "01.3", n.ID)
	n, ok = c.after(c.exs[2])
	require.True(t, ok)
	assert.Equal(t, "01.1", n.ID)
}

func TestWatchStopsWhenCancelled(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, _ := newFake(t, root)
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	c.waitChange = func(ctx context.Context, _ string) error {
		calls++
		if calls > 1 { // waiting after the verdict
			cancel()
		}
		<-ctx.Done()
		return ctx.Err()
	}
	assert.NoError(t, c.watch(ctx, "01.1"))
}

// The names and paths a learner may type all find the exercise.
func TestFindAcceptsPaths(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, _ := newFake(t, root)
	for _, name := range []string{"01.2", "2-second", "01-a/2-second", "01-a/2-second/", "workspace/01-a/2-second/",
		"./workspace/01-a/2-second", "exercises/01-a/2-second", "workspace/01-a/2-second/exercise.go"} {
		ex, err := c.find(name)
		if assert.NoError(t, err, name) {
			assert.Equal(t, "01.2", ex.ID, name)
		}
	}
}

// Editors' lock and backup files are not Go files; a symlink to nowhere
// (Emacs's .#exercise.go) used to crash watch.
func TestEditorFilesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "exercise.go"), todo)
	require.NoError(t, os.Symlink("user@host.1234", filepath.Join(dir, ".#exercise.go")))
	write(t, filepath.Join(dir, "#exercise.go#"), "junk")
	write(t, filepath.Join(dir, "_old.go"), "junk")
	files, err := goFiles(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "exercise.go")}, files)
	_, err = hashDir(dir)
	assert.NoError(t, err)
}

// A copy with no .go files left, or a file without the coach build line,
// is not run: the learner is told what to do.
func TestCheckRefusesWhatItCannotRun(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, ft, _ := newFake(t, root)
	dir, err := ensure(root, c.exs[0])
	require.NoError(t, err)

	write(t, filepath.Join(dir, "exercise.go"), "package x // SOLVED, and the tag is gone\n")
	o, err := c.check(t.Context(), c.exs[0])
	require.NoError(t, err)
	assert.False(t, o.Passed)
	assert.Contains(t, Explain(o), "//go:build coach")
	assert.Zero(t, ft.runs)

	require.NoError(t, os.Remove(filepath.Join(dir, "exercise.go")))
	_, err = c.check(t.Context(), c.exs[0])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go run ./coach reset 01.1")
}

// check's exit status: 1 when the exercise does not pass, so it can be
// scripted; 2 for a usage error.
func TestCheckExitStatus(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, _ := newFake(t, root)
	err := c.dispatch(t.Context(), []string{"check", "01.1"})
	assert.ErrorIs(t, err, errNotSolved)
	assert.Equal(t, 1, exitCode(err))
	assert.Equal(t, 2, exitCode(c.dispatch(t.Context(), []string{"bogus"})))
	solve(t, root, "01-a/1-first")
	assert.Equal(t, 0, exitCode(c.dispatch(t.Context(), []string{"check", "01.1"})))
}

// Two coaches at once each save what they learned, and neither undoes the
// other's record.
func TestTwoCoachesKeepEachOthersRecords(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	a, _, _ := newFake(t, root)
	b, _, _ := newFake(t, root)
	a.prog.set("01-a/1-first", Entry{Hash: "h1", Passed: true, EverPassed: true})
	b.prog.set("01-a/2-second", Entry{Hash: "h2"})
	require.NoError(t, a.prog.save())
	require.NoError(t, b.prog.save())
	p, err := loadProgress(root)
	require.NoError(t, err)
	assert.Len(t, p.Exercises, 2)
	assert.True(t, p.Exercises["01-a/1-first"].EverPassed)
}

func TestWrapAndProgressBar(t *testing.T) {
	assert.Equal(t, "one two\nthree", wrap("one two three", 8))
	assert.Equal(t, "[##########----------] 5 of 10 done", progressBar(5, 10))
	for line := range strings.Lines(wrap(explanations[3].words, 60)) {
		assert.LessOrEqual(t, len([]rune(strings.TrimRight(line, "\n"))), 60)
	}
}

// A failure shows the learner's own file and the test's message first.
func TestEvidenceLeadsWithTheLearnersLine(t *testing.T) {
	output := `--- FAIL: TestGreetAll (3.00s)
    --- FAIL: TestGreetAll/3 (3.00s)
        exercise_test.go:66: only 1 of 3 greetings started
panic: boom [recovered]

goroutine 24 [running]:
testing.tRunner.func1.2({0x7693a0, 0x7c9880})
	/usr/local/go/src/testing/testing.go:1974 +0x419
github.com/gocourse/concurrency/workspace/01-threads/1-join.GreetAll({0xc00009d1a0, 0x3, 0x1?})
	workspace/01-threads/1-join/exercise.go:11 +0xe9
FAIL
`
	ev := evidence(output)
	assert.True(t, strings.HasPrefix(ev, "exercise_test.go:66: only 1 of 3 greetings started\n  at workspace/01-threads/1-join/exercise.go:11"), ev)
	assert.NotContains(t, ev, "/usr/local/go/src/testing")
}

// pollChange, the real source, notices an edit. It polls on a ticker, so the
// test waits for its answer on a channel rather than sleeping.
func TestPollChangeNoticesAnEdit(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.go"), "package a\n")
	done := make(chan error)
	started := make(chan struct{})
	go func() {
		close(started)
		done <- pollChange(t.Context(), dir)
	}()
	<-started
	// The first fingerprint may be taken before or after this write; either
	// way the next different content is noticed, so write until it returns.
	for i := 0; ; i++ {
		write(t, filepath.Join(dir, "a.go"), "package a // edit "+string(rune('a'+i%26))+"\n")
		select {
		case err := <-done:
			require.NoError(t, err)
			return
		case <-waitTick():
		}
	}
}

func TestDispatchErrors(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, _ := newFake(t, root)
	ctx := t.Context()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"; run: go run ./coach help`},
		{[]string{"solution"}, "which exercise?"},
		{[]string{"reset"}, "which exercise?"},
		{[]string{"hint", "x", "y"}, "too many arguments"},
		{[]string{"hint", "nope"}, `no exercise named "nope"`},
	}
	for _, tt := range tests {
		err := c.dispatch(ctx, tt.args)
		require.Error(t, err, tt.args)
		assert.Contains(t, err.Error(), tt.want)
		assert.NotContains(t, err.Error(), "\n", "errors are one line")
	}
}

func TestNoGoOnThePath(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := runTests(t.Context(), t.TempDir(), Exercise{}, t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the go command is not on your PATH")
}

func TestExplain(t *testing.T) {
	tests := []struct{ output, want string }{
		{"# x\nx.go:3:1: syntax error\nFAIL\tx [build failed]\n", "It does not compile yet"},
		{"WARNING: DATA RACE\nWrite at ...\n--- FAIL: TestX\n", "The race detector saw"},
		{"goleak: Errors on successful test run: found unexpected goroutines:\n", "a leak"},
		{"panic: test timed out after 20s\n", "Your code did not finish"},
		{"panic: boom\n", "The code panicked."},
		{"--- FAIL: TestX\n", "A test's check failed."},
		{"something else\n", "The test failed."},
	}
	for _, tt := range tests {
		assert.Contains(t, Explain(Outcome{Output: tt.output}), tt.want, tt.output)
	}
	assert.Empty(t, Explain(Outcome{Passed: true}))
	assert.Equal(t, "x.go:3:1: syntax error\n", evidence("# x\nx.go:3:1: syntax error\nFAIL\tx [build failed]\n"))
	assert.Contains(t, Explain(Outcome{Output: "ok  \tx\t0.1s\n", Vet: "x.go:3:2: the cancel function is not used on all paths (possible context leak)\n"}),
		"go vet found a likely mistake. A cancel function")
	assert.Contains(t, Explain(Outcome{Untagged: true}), "//go:build coach")
}

// squash folds runs of spaces, so checks do not depend on column widths.
func squash(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

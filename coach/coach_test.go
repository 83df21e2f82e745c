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
		write(t, filepath.Join(dir, "exercise.go"), "package x // TODO\n")
		write(t, filepath.Join(dir, "solution", "exercise.go"), "package x // SOLVED\n")
		write(t, filepath.Join(dir, "hint.md"), "hint for "+n+"\n")
		write(t, filepath.Join(dir, "exercise.json"), `{"title": "T `+n+`", "concept": "c", "fails_with": ["x"]}`)
	}
	return root
}

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// fakeTest passes an exercise whose files say SOLVED, and counts its runs.
type fakeTest struct{ runs int }

func (f *fakeTest) run(_ context.Context, _ string, _ Exercise, dir string) (Outcome, error) {
	f.runs++
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
	write(t, filepath.Join(root, "workspace", filepath.FromSlash(name), "exercise.go"), "package x // SOLVED\n")
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
	ctx := context.Background()

	require.NoError(t, c.list(ctx))
	assert.Contains(t, squash(out.String()), "→ 01.1 01-a/1-first not started")
	assert.Contains(t, out.String(), "0 of 3 exercises pass.")
	assert.Contains(t, out.String(), "Edit workspace/01-a/1-first/, then run: go run ./coach watch")
	assert.DirExists(t, filepath.Join(root, "workspace", "01-a", "1-first"), "list prepares the next exercise")

	solve(t, root, "01-a/1-first")
	out.Reset()
	require.NoError(t, c.list(ctx))
	assert.Contains(t, squash(out.String()), " 01.1 01-a/1-first passing")
	assert.Contains(t, squash(out.String()), "→ 01.2 01-a/2-second not started")

	// Started and still failing.
	out.Reset()
	require.NoError(t, c.list(ctx))
	assert.Contains(t, squash(out.String()), "→ 01.2 01-a/2-second failing")
}

func TestListRunsTestsOnlyForChangedFiles(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, ft, _ := newFake(t, root)
	ctx := context.Background()
	require.NoError(t, c.list(ctx)) // prepares the workspace, runs nothing
	require.NoError(t, c.list(ctx)) // first look at the copy: one run
	require.NoError(t, c.list(ctx)) // unchanged: no run
	assert.Equal(t, 1, ft.runs)
	solve(t, root, "01-a/1-first")
	require.NoError(t, c.list(ctx)) // changed: runs again
	assert.Equal(t, 2, ft.runs)
}

func TestProgressSurvivesARestart(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, _ := newFake(t, root)
	ctx := context.Background()
	_, err := ensure(root, c.exs[0])
	require.NoError(t, err)
	solve(t, root, "01-a/1-first")
	_, err = c.check(ctx, c.exs[0])
	require.NoError(t, err)

	again, ft, out := newFake(t, root)
	require.NoError(t, again.list(ctx))
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
	ctx := context.Background()
	for _, ex := range c.exs {
		_, err := ensure(root, ex)
		require.NoError(t, err)
	}
	solve(t, root, "01-a/1-first")
	solve(t, root, "01-a/2-second")
	write(t, filepath.Join(root, "workspace", "01-a", "1-first", "extra.go"), "package x\n")
	_, err := c.check(ctx, c.exs[0])
	require.NoError(t, err)

	require.NoError(t, c.reset("01.1"))
	files, _ := goFiles(filepath.Join(root, "workspace", "01-a", "1-first"))
	assert.Len(t, files, 1, "files the learner added are gone")
	b, _ := os.ReadFile(files[0])
	assert.Equal(t, "package x // TODO\n", string(b))
	assert.NotContains(t, c.prog.Exercises, "01-a/1-first")
	assert.Contains(t, out.String(), "01.1 is back to its starting state.")

	require.NoError(t, c.reset("all"))
	b, _ = os.ReadFile(filepath.Join(root, "workspace", "01-a", "2-second", "exercise.go"))
	assert.Equal(t, "package x // TODO\n", string(b))
	assert.Error(t, c.reset("nope"))
}

func TestSolutionOpensOnlyAfterAPass(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, out := newFake(t, root)
	ctx := context.Background()
	err := c.solution(ctx, "01.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "01.1 does not pass yet")

	_, err = ensure(root, c.exs[0])
	require.NoError(t, err)
	solve(t, root, "01-a/1-first")
	require.NoError(t, c.solution(ctx, "01.1"))
	assert.Contains(t, out.String(), "// exercises/01-a/1-first/solution/exercise.go\npackage x // SOLVED")
}

func TestHint(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, _, out := newFake(t, root)
	require.NoError(t, c.hint(context.Background(), ""))
	assert.Contains(t, out.String(), "Hint for 01.1, T 01-a/1-first:\n\nhint for 01-a/1-first\n")
	out.Reset()
	require.NoError(t, c.hint(context.Background(), "01.2"))
	assert.Contains(t, out.String(), "hint for 01-a/2-second")
}

// watch with a fake change source: each "change" is the learner saving a
// file. No sleeps, no polling: the source returns when the test has edited.
func TestWatchFollowsTheLearner(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first", "01-a/2-second")
	c, ft, out := newFake(t, root)
	var edits []string
	c.waitChange = func(_ context.Context, dir string) error {
		rel, _ := filepath.Rel(filepath.Join(root, "workspace"), dir)
		edits = append(edits, filepath.ToSlash(rel))
		solve(t, root, filepath.ToSlash(rel)) // the learner fixes it and saves
		return nil
	}
	require.NoError(t, c.watch(context.Background(), ""))
	assert.Equal(t, []string{"01-a/1-first", "01-a/2-second"}, edits)
	text := out.String()
	assert.Contains(t, text, "✗ 01.1 is not solved yet. A test's check failed.")
	assert.Contains(t, text, "✓ 01.1 passes")
	assert.Contains(t, text, "✓ 01.2 passes")
	assert.True(t, strings.HasSuffix(text, "You're done: every exercise passes, with the race detector and goleak watching.\n"), text)
	assert.Equal(t, 4, ft.runs)
}

func TestWatchStopsWhenCancelled(t *testing.T) {
	root := fakeRoot(t, "01-a/1-first")
	c, _, _ := newFake(t, root)
	ctx, cancel := context.WithCancel(context.Background())
	c.waitChange = func(ctx context.Context, _ string) error { cancel(); <-ctx.Done(); return ctx.Err() }
	assert.NoError(t, c.watch(ctx, "01.1"))
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
		done <- pollChange(context.Background(), dir)
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
	ctx := context.Background()
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
	_, err := runTests(context.Background(), t.TempDir(), Exercise{}, t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the go command is not on your PATH")
}

func TestExplain(t *testing.T) {
	tests := []struct{ output, want string }{
		{"# x\nx.go:3:1: syntax error\nFAIL\tx [build failed]\n", "It does not compile yet"},
		{"WARNING: DATA RACE\nWrite at ...\n--- FAIL: TestX\n", "The race detector saw"},
		{"goleak: Errors on successful test run: found unexpected goroutines:\n", "a leak"},
		{"panic: test timed out after 1m0s\n", "hung until its timeout"},
		{"panic: boom\n", "The code panicked."},
		{"--- FAIL: TestX\n", "A test's check failed."},
		{"something else\n", "The test failed."},
	}
	for _, tt := range tests {
		assert.Contains(t, Explain(Outcome{Output: tt.output}), tt.want, tt.output)
	}
	assert.Empty(t, Explain(Outcome{Passed: true}))
	assert.Equal(t, "x.go:3:1: syntax error\n", evidence("# x\nx.go:3:1: syntax error\nFAIL\tx [build failed]\n"))
}

// squash folds runs of spaces, so checks do not depend on column widths.
func squash(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

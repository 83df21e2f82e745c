package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// selfCheckEnv turns on TestSelfCheck (make selfcheck sets it).
const selfCheckEnv = "COACH_SELFCHECK"

func realExercises(t *testing.T) (string, []Exercise) {
	t.Helper()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	exs, err := Load(root)
	require.NoError(t, err)
	require.NotEmpty(t, exs)
	return root, exs
}

// TestExercisesAreComplete is the fast half of the self-check, run by go
// test ./coach: every exercise has a solution and at least two wrong answers,
// every .go file carries the coach build tag, every wrong answer says what it
// gets wrong, and the test's "// Rejects:" list names exactly the wrong/
// directories.
func TestExercisesAreComplete(t *testing.T) {
	_, exs := realExercises(t)
	for _, ex := range exs {
		t.Run(ex.ID, func(t *testing.T) {
			sol, err := goFiles(filepath.Join(ex.Dir, "solution"))
			require.NoError(t, err)
			assert.NotEmpty(t, sol, "%s has no solution/*.go", ex.Name)
			_, err = os.Stat(filepath.Join(ex.Dir, "hint.md"))
			assert.NoError(t, err, "%s has no hint.md", ex.Name)

			wrongs, err := wrongAnswers(ex)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, len(wrongs), 2, "%s needs at least two wrong answers under wrong/", ex.Name)
			for _, w := range wrongs {
				b, err := os.ReadFile(filepath.Join(ex.Dir, "wrong", w, "exercise.go"))
				if !assert.NoError(t, err, "%s/wrong/%s must hold an exercise.go", ex.Name, w) {
					continue
				}
				assert.Regexp(t, `^//go:build coach\n\n// Wrong: \S`, string(b),
					"%s/wrong/%s/exercise.go: the build line, a blank line, then // Wrong: what it gets wrong", ex.Name, w)
			}

			listed, err := rejects(filepath.Join(ex.Dir, "exercise_test.go"))
			require.NoError(t, err)
			assert.Equal(t, wrongs, listed, "%s: the // Rejects: list in exercise_test.go must name every wrong/ directory, in order", ex.Name)

			err = filepath.WalkDir(ex.Dir, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				assert.True(t, strings.HasPrefix(string(b), "//go:build coach"), "%s must start with //go:build coach", path)
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// wrongAnswers lists the directories under ex's wrong/, sorted.
func wrongAnswers(ex Exercise) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(ex.Dir, "wrong"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, err
}

var rejectItem = regexp.MustCompile(`^//\s+- ([a-z0-9-]+):`)

// rejects reads the names in the "// Rejects:" comment block of a test
// file, sorted.
func rejects(testFile string) ([]string, error) {
	b, err := os.ReadFile(testFile)
	if err != nil {
		return nil, err
	}
	var names []string
	in := false
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "// Rejects:"):
			in = true
		case in && !strings.HasPrefix(line, "//"):
			in = false
		case in:
			if m := rejectItem.FindStringSubmatch(line); m != nil {
				names = append(names, m[1])
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// TestSelfCheck is the course's promise about its exercises, checked on the
// real ones with the coach's own runner (go vet and go test -race, the
// shipped tests):
//
//   - as shipped, each exercise fails, and for the reason it is about (its
//     output contains one of its fails_with markers);
//   - with its solution, it passes, repeated as the coach repeats it;
//   - with each of its wrong answers, it fails, in a single run.
//
// It writes nothing into the module: each answer is laid over the shipped
// exercise.go with an overlay file (go help build, -overlay) kept in the
// temporary directory, so it works on a read-only checkout. It runs every
// go test there is, so it takes minutes: make selfcheck runs it, and
// go test ./coach skips it unless COACH_SELFCHECK=1. Narrow it with -run,
// such as -run 'TestSelfCheck/04.1'. A test that reads the answer's source
// (04.3 does) finds it through EXERCISE_SOURCE_DIR.
func TestSelfCheck(t *testing.T) {
	if os.Getenv(selfCheckEnv) == "" {
		t.Skip("the full self-check runs every exercise's tests: make selfcheck, or " + selfCheckEnv + "=1 go test -run TestSelfCheck ./coach")
	}
	root, exs := realExercises(t)
	ctx := t.Context()
	for _, ex := range exs {
		t.Run(ex.ID, func(t *testing.T) {
			t.Run("shipped", func(t *testing.T) {
				t.Parallel()
				o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: ex.Dir, Count: 1})
				require.NoError(t, err)
				assert.False(t, o.Passed, "%s passes unsolved", ex.Name)
				reason := false
				for _, m := range ex.FailsWith {
					reason = reason || strings.Contains(o.Output, m)
				}
				assert.True(t, reason, "%s fails, but not for its reason (want one of %q):\n%s", ex.Name, ex.FailsWith, o.Output)
			})
			t.Run("solution", func(t *testing.T) {
				t.Parallel()
				o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: ex.Dir, Replace: answer(t, ex, "solution"),
					Env: []string{"EXERCISE_SOURCE_DIR=" + filepath.Join(ex.Dir, "solution")}})
				require.NoError(t, err)
				assert.True(t, o.Passed, "%s's solution fails:\n%s\n%s", ex.Name, o.Output, o.Vet)
			})
			wrongs, err := wrongAnswers(ex)
			require.NoError(t, err)
			for _, w := range wrongs {
				t.Run("wrong-"+w, func(t *testing.T) {
					t.Parallel()
					o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: ex.Dir, Count: 1, Replace: answer(t, ex, filepath.Join("wrong", w)),
						Env: []string{"EXERCISE_SOURCE_DIR=" + filepath.Join(ex.Dir, "wrong", w)}})
					require.NoError(t, err)
					assert.False(t, o.Passed, "%s: the wrong answer %s passes:\n%s", ex.Name, w, o.Output)
					if !o.Passed {
						t.Logf("%s rejected: %s %s", w, Explain(o), firstFinding(o.Output))
					}
				})
			}
		})
	}
}

// TestSelfCheckRunner proves, on a real exercise, what the coach's runner
// promises: the shipped test runs even in a copy that has none, a package
// with no test files fails, and a go vet finding fails a check whose tests
// pass. It runs the go command, so it is part of the full self-check.
func TestSelfCheckRunner(t *testing.T) {
	if os.Getenv(selfCheckEnv) == "" {
		t.Skip("runs go test on a real exercise: make selfcheck")
	}
	root, exs := realExercises(t)
	ex := exs[0]
	ctx := t.Context()
	t.Run("a copy without tests gets the shipped ones", func(t *testing.T) {
		t.Parallel()
		// solution/ holds the solved exercise.go and no test file.
		o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: filepath.Join(ex.Dir, "solution"), Count: 1})
		require.NoError(t, err)
		assert.True(t, o.Passed, "%s", o.Output)
		shipped, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: filepath.Join(ex.Dir, "wrong", "serial"), Count: 1})
		require.NoError(t, err)
		assert.False(t, shipped.Passed, "a wrong answer in a copy without tests must still fail:\n%s", shipped.Output)
	})
	t.Run("no test files is a failure", func(t *testing.T) {
		t.Parallel()
		o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: ex.Dir, Count: 1,
			Replace: map[string]string{filepath.Join(ex.Dir, "exercise_test.go"): ""}})
		require.NoError(t, err)
		assert.False(t, o.Passed, "%s", o.Output)
		assert.Contains(t, o.Output, "no test files")
	})
	t.Run("a vet finding is a failure", func(t *testing.T) {
		t.Parallel()
		extra := filepath.Join(t.TempDir(), "leak.go")
		require.NoError(t, os.WriteFile(extra, []byte("//go:build coach\n\npackage join\n\nimport \"context\"\n\n"+
			"func leak(ctx context.Context) context.Context {\n\tctx, cancel := context.WithCancel(ctx)\n"+
			"\tif ctx == nil {\n\t\tcancel()\n\t}\n\treturn ctx\n}\n"), 0o644))
		replace := answer(t, ex, "solution")
		replace[filepath.Join(ex.Dir, "zz_leak.go")] = extra
		o, err := runCheck(ctx, check{Root: root, Ex: ex, Dir: ex.Dir, Count: 1, Replace: replace})
		require.NoError(t, err)
		assert.False(t, o.Passed, "%s", o.Output)
		assert.Contains(t, o.Vet, "cancel")
		assert.Contains(t, Explain(o), "go vet found a likely mistake. A cancel function")
	})
}

// answer lays the .go files of ex's sub directory (solution, wrong/NAME)
// over the shipped ones.
func answer(t *testing.T, ex Exercise, sub string) map[string]string {
	files, err := goFiles(filepath.Join(ex.Dir, sub))
	require.NoError(t, err)
	require.NotEmpty(t, files, "%s/%s has no .go files", ex.Name, sub)
	m := map[string]string{}
	for _, f := range files {
		m[filepath.Join(ex.Dir, filepath.Base(f))] = f
	}
	return m
}

var findingLine = regexp.MustCompile(`(?m)^\s+\S+_test\.go:\d+: .*$`)

// firstFinding is the first message a test printed, for the log.
func firstFinding(output string) string {
	return strings.TrimSpace(findingLine.FindString(output))
}

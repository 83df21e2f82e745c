package breakit

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestExperiments checks every patch in the course without running it: the
// header parses, the diff applies to the tree as it is, and the chapter's
// page introduces it once, in "## Break it", with its command.
func TestExperiments(t *testing.T) {
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	exps, err := Find(root)
	require.NoError(t, err, "a patch file does not parse")

	byChapter := map[string][]*Experiment{}
	for _, e := range exps {
		byChapter[e.Chapter] = append(byChapter[e.Chapter], e)
		t.Run(e.ID(), func(t *testing.T) {
			assert.LessOrEqual(t, e.Timeout, 2*time.Minute, "keep each experiment short: the whole set must fit 10 minutes")
			assert.NoError(t, CheckApplies(t.Context(), root, e), "the diff no longer applies; remake it with git diff")
		})
	}
	// Every page, also those of chapters with no patches: a marker must
	// have its patch.
	pages, err := filepath.Glob(filepath.Join(root, "docs", "[0-9][0-9]-*.md"))
	require.NoError(t, err)
	for _, p := range pages {
		chapter := strings.TrimSuffix(filepath.Base(p), ".md")
		t.Run("page/"+chapter, func(t *testing.T) {
			f, err := os.Open(p)
			require.NoError(t, err)
			defer f.Close()
			for _, err := range CheckPage(f, byChapter[chapter]) {
				t.Errorf("docs/%s.md: %v", chapter, err)
			}
		})
		delete(byChapter, chapter)
	}
	for chapter := range byChapter {
		t.Errorf("%s has experiments but no docs/%s.md", chapter, chapter)
	}
}

func TestParse(t *testing.T) {
	const diff = "diff --git a/01-x/a.go b/01-x/a.go\n--- a/01-x/a.go\n+++ b/01-x/a.go\n@@ -1 +1 @@\n-a\n+b\n"
	tests := []struct {
		name    string
		text    string
		wantErr string // "" when it parses
		check   func(t *testing.T, e *Experiment)
	}{
		{"full", "Title: T\nRun: go test ./01-x\nTimeout: 90s\nExit: nonzero\nExpect: DATA RACE\nExpect: FAIL\nReject: timed out\n\n" + diff, "",
			func(t *testing.T, e *Experiment) {
				assert.Equal(t, "T", e.Title)
				assert.Equal(t, "go test ./01-x", e.Run)
				assert.Equal(t, 90*time.Second, e.Timeout)
				assert.Equal(t, "nonzero", e.Exit)
				assert.Len(t, e.Expect, 2)
				assert.Len(t, e.Reject, 1)
				assert.Equal(t, diff, string(e.Diff))
			}},
		{"header alone", "Title: T\nRun: GOMAXPROCS=1 go run ./01-x\nExit: 0\nExpect: x: 1\n", "",
			func(t *testing.T, e *Experiment) {
				assert.Empty(t, e.Diff)
				assert.Equal(t, DefaultTimeout, e.Timeout)
			}},
		{"value with colon", "Title: T\nRun: echo a:b\nExit: 3\n", "",
			func(t *testing.T, e *Experiment) { assert.Equal(t, "echo a:b", e.Run) }},
		{"no run", "Title: T\nExit: 0\n", "no Run", nil},
		{"no exit", "Title: T\nRun: x\nExpect: y\n", "no Exit", nil},
		{"unknown key", "Title: T\nRun: x\nExit: 0\nExpects: y\n", "unknown key", nil},
		{"twice", "Title: T\nRun: x\nRun: y\nExit: 0\n", "given twice", nil},
		{"bad exit", "Title: T\nRun: x\nExit: some\n", "Exit", nil},
		{"bad timeout", "Title: T\nRun: x\nExit: 0\nTimeout: 10\n", "Timeout", nil},
		{"bad regexp", "Title: T\nRun: x\nExit: 0\nExpect: (\n", "Expect", nil},
		{"not a diff", "Title: T\nRun: x\nExit: 0\n\n--- a/x\n+++ b/x\n", "git diff", nil},
		{"empty value", "Title: T\nRun:\nExit: 0\n", "Key: value", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("01-x", "name", []byte(tt.text))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, e)
		})
	}
}

func TestCheck(t *testing.T) {
	e := &Experiment{Exit: "nonzero", Timeout: time.Second,
		Expect: []*regexp.Regexp{regexp.MustCompile(`DATA RACE`)},
		Reject: []*regexp.Regexp{regexp.MustCompile(`timed out`)}}
	tests := []struct {
		name     string
		exit     int
		timedOut bool
		out      string
		want     []string
	}{
		{"as stated", 1, false, "WARNING: DATA RACE", nil},
		{"killed by a signal counts as nonzero", -1, false, "DATA RACE", nil},
		{"exit 0", 0, false, "DATA RACE", []string{"exit status 0, want nonzero"}},
		{"missing", 1, false, "ok", []string{"output lacks /DATA RACE/"}},
		{"rejected", 1, false, "DATA RACE\npanic: test timed out", []string{"output has /timed out/"}},
		{"timed out", -1, true, "DATA RACE", []string{"still running after 1s (killed)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Check(e, tt.exit, tt.timedOut, tt.out))
		})
	}
	assert.Equal(t, []string{"exit status 1, want 2"}, Check(&Experiment{Exit: "2"}, 1, false, ""))
}

func TestMarkers(t *testing.T) {
	page := "# 01. X\n\n## The idea\n\n<!-- breakit: early -->\n\n## Break it\n\n<!-- breakit: one -->\nDelete the line.\n\n```sh\ngo test ./01-x\n```\n\n" +
		"<!-- breakit: two -->\n````text\n```\nnot the end\n````\n\n## Numbers\n"
	ms, err := Markers(strings.NewReader(page))
	require.NoError(t, err)
	require.Len(t, ms, 3)
	assert.Equal(t, Marker{Name: "early", Line: 5, InBreak: false, Block: []string{"go test ./01-x"}}, ms[0])
	assert.Equal(t, Marker{Name: "one", Line: 9, InBreak: true, Block: []string{"go test ./01-x"}}, ms[1])
	assert.Equal(t, []string{"```", "not the end"}, ms[2].Block)

	one := &Experiment{Chapter: "01-x", Name: "one", Run: "go test ./01-x"}
	two := &Experiment{Chapter: "01-x", Name: "two", Run: "go vet ./01-x"}
	three := &Experiment{Chapter: "01-x", Name: "three", Run: "x"}
	errs := CheckPage(strings.NewReader(page), []*Experiment{one, two, three})
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	joined := strings.Join(msgs, "\n")
	assert.Len(t, errs, 3, joined)
	assert.Contains(t, joined, `01-x/two: the first code block after line 16 does not hold the Run command "go vet ./01-x"`)
	assert.Contains(t, joined, "01-x/three: want exactly one <!-- breakit: three --> on the page, found 0")
	assert.Contains(t, joined, `line 5: marker for "early", but there is no testdata/breakit/early.patch`)
}

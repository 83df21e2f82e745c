package lessontest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"
)

// Page checks that docs/NAME.md has the shape every chapter page has: the
// headings "The idea" and "Walk-through", then one "## N. Title" for each of
// the lesson's sections with the titles -h prints, in order, then "Break it",
// "Numbers" and "Exercises", and a last line that starts with "Next:".
func Page(t *testing.T, l *lesson.Lesson) {
	t.Helper()
	root, err := harness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "docs", l.Name+".md"))
	if err != nil {
		t.Fatal(err)
	}
	got, last := pageShape(string(data))
	want := []string{"The idea", "Walk-through"}
	for i, s := range l.Sections {
		want = append(want, fmt.Sprintf("%d. %s", i+1, s.Title))
	}
	want = append(want, "Break it", "Numbers", "Exercises")
	if !slices.Equal(got, want) {
		t.Errorf("docs/%s.md: its ## headings are\n  %s\nwant (the lesson's sections as -h lists them)\n  %s",
			l.Name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if !strings.HasPrefix(last, "Next:") {
		t.Errorf("docs/%s.md: the last line is %q; want a \"Next:\" line", l.Name, last)
	}
}

// pageShape returns a page's level-2 headings outside code blocks, and its
// last non-blank line.
func pageShape(page string) (headings []string, last string) {
	fenced := false
	for line := range strings.Lines(page) {
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if strings.TrimSpace(line) != "" {
			last = line
		}
		if fenced || !strings.HasPrefix(line, "## ") {
			continue
		}
		headings = append(headings, strings.TrimPrefix(line, "## "))
	}
	return headings, last
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"

	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// small makes every section as small as it goes, so the whole lesson runs
// in a test in well under a second of work.
var small = []string{"-rounds", "100", "-spin", "10", "-items", "1000", "-lines", "10", "-jobs", "4", "-values", "5", "-ops", "100"}

// The lesson runs every section in order, ends by itself, and prints the
// Next line. Sections share the flags' config, so these tests do not run in
// parallel with each other.
func TestLessonRunsEverySection(t *testing.T) {
	var out, errw bytes.Buffer
	code := chapter.Run(t.Context(), small, &out, &errw)
	require.Equal(t, 0, code, errw.String())
	for i, s := range chapter.Sections {
		assert.Contains(t, out.String(), fmt.Sprintf("== %d. %s ==", i+1, s.Title))
	}
	assert.Contains(t, out.String(), "the panics say: send on closed channel; close of nil channel; close of closed channel")
	assert.Contains(t, out.String(), "same as a plain loop: true")
	assert.Contains(t, out.String(), "answers right and in order: true")
	assert.Regexp(t, `owner goroutine +\d+ ns a transfer, total still 1000`, out.String())
	assert.Contains(t, out.String(), "Next: ")
}

func TestLessonFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"-h"}, 0, "sections (all run in order; -only picks some):\n  1. Channel semantics, as a table you can run\n"},
		{[]string{"-jobs", "0"}, 2, "08-pipelines: -jobs must be between 1 and 1000000, got 0\n"},
		{[]string{"-only", "9"}, 2, "08-pipelines: -only takes section numbers from 1 to 7, got \"9\"\n"},
		{[]string{"extra"}, 2, "08-pipelines: unexpected argument \"extra\" (all options are flags; see -h)\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errw bytes.Buffer
			assert.Equal(t, tt.code, chapter.Run(t.Context(), tt.args, &out, &errw))
			if tt.code == 0 {
				assert.Contains(t, errw.String(), tt.err)
			} else {
				assert.Equal(t, tt.err, errw.String())
			}
		})
	}
}

// A cancelled context (Ctrl-C) stops the lesson with status 130.
func TestLessonInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(lesson.ErrInterrupted)
	var out, errw bytes.Buffer
	code := chapter.Run(ctx, append([]string{"-only", "2"}, small...), &out, &errw)
	assert.Equal(t, lesson.ExitInterrupted, code)
	assert.Equal(t, "08-pipelines: interrupted\n", errw.String())
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }

package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"

	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

// TestMain lets the test binary be its own helper, as the lesson is: a child
// that section 2 or 3 starts runs this binary with roleEnv set, and
// dispatchRole plays the role before any test runs.
func TestMain(m *testing.M) {
	dispatchRole()
	// Under -race the children are race-enabled binaries too, which by
	// default sleep a second at exit (atexit_sleep_ms=1000) and would miss
	// the deadlines they are given.
	os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	goleak.VerifyTestMain(harness.WithCleanup(m))
}

// runLesson runs the lesson with args and returns its stdout, requiring
// exit 0 and nothing on stderr.
func runLesson(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := chapter.Run(t.Context(), args, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Empty(t, errOut.String())
	return out.String()
}

// The sections that need only goroutines and timers run in a synctest
// bubble: time is fake, so their output is exact.
func TestSectionsOnSynctestClock(t *testing.T) {
	tests := []struct {
		only string
		want []string
	}{
		{"1", []string{
			"request.Err() = context canceled, context.Cause(request) = server shutting down",
			"db.Err()      = context canceled, context.Cause(db)      = server shutting down",
			"AfterFunc ran: closing the db connection",
			"audit.Err()   = <nil>, request ID still there: req-42",
			"a 20ms timeout: Err() = context deadline exceeded, Cause = db query over its 20ms budget",
			"stopping 10000 goroutines in 100 subtrees with one cancel:",
			"all 10000 stopped and waited for, 0s after the cancel",
		}},
		{"4", []string{
			"a 10ms timer, 30ms later, never received from: cap(C) = 0, Stop() = true",
			"Reset(50ms), then <-C waited 50ms: no stale value",
			"10000 timers of one hour, never stopped, dropped: 10000 collected by the GC",
			"select with time.After in a loop: 3 allocations a pass; one timer reused with Reset: 0",
		}},
		{"5", []string{
			"limiter 200/s, burst 5: 10 Allow() calls at once let 5 through",
			"Reserve() with the bucket empty: ok=true, due in about 5ms",
			"Wait() with a 1µs deadline: rate: Wait(n=1) would exceed context deadline",
			"80 events through x/time/rate at 200/s, burst 1: achieved 200.0/s",
			"80 events through x/time/rate at 200/s, burst 20: achieved 200.0/s",
			"80 events through a time.Ticker at 200/s: achieved 200.0/s",
		}},
		{"6", []string{
			"no jitter           550       450       3.27s",
			"retry, full jitter: fails twice, then succeeds: err=<nil>",
			"retry with 1s waits under a 50ms deadline: caller's 50ms deadline, after 50ms",
		}},
		{"7", []string{
			"its p95 is 80ms",
			"one call each              16ms     86ms    395ms     400 (+0%)",
			"hedged after p95           16ms     86ms     99ms     428 (+7%)",
		}},
		{"8", []string{
			"1000 concurrent misses for one key: the backend was called 1 time(s); 1000 callers got a shared result",
			"the same with a failing backend: 1 call(s), and 1000 callers got its one error",
			"the next caller got v2 from a fresh call, the first got v1; backend calls: 2",
			"DoChan with a 20ms deadline: this caller stopped waiting (context deadline exceeded); the call goes on",
		}},
	}
	for _, tt := range tests {
		t.Run("section "+tt.only, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got := runLesson(t, "-only", tt.only)
				for _, want := range tt.want {
					assert.Contains(t, got, want)
				}
				if tt.only == "4" {
					m := regexp.MustCompile(`for 250ms: (\d+) ticks received, (\d+) due`).FindStringSubmatch(got)
					if assert.NotNil(t, m, got) {
						received, _ := strconv.Atoi(m[1])
						due, _ := strconv.Atoi(m[2])
						assert.Less(t, received, due/2, "a consumer at 25ms a tick gets fewer than half of 10ms ticks")
					}
				}
			})
		})
	}
}

// Sections 2, 3 and 9 cross process and socket boundaries, which synctest's
// clock does not reach: they run on real time, and the checks are of what
// happened, not of how long it took. Section 2 gets a 1s budget: a
// race-enabled child on a busy machine can take more than the default
// 300ms just to start.
func TestSectionsOnRealTime(t *testing.T) {
	tests := []struct {
		only string
		want []string
	}{
		{"2", []string{
			"child: ignoring my budget and SIGTERM\n  parent: signal: killed",
			"i/o timeout (errors.Is os.ErrDeadlineExceeded: true)",
			"context deadline exceeded\n  handler: r.Context() ended: context canceled",
		}},
		{"3", []string{
			"child: cancelled; temporary file removed\n  child: exiting 130, as a shell reports Ctrl-C\n  parent: exit status 130",
			"press Ctrl-C again:\n  ^C\n  parent: signal: interrupt",
		}},
		{"9", []string{
			"a client that sends half a header and stops: the server closed the connection",
			"431 Request Header Fields Too Large",
			"503 Service Unavailable \"over the 50ms limit\"",
			"Client.Timeout exceeded while awaiting headers",
			"a context deadline of 50ms: Get \"URL/slow\": context deadline exceeded",
			"Shutdown returned <nil>; the poll got 200 OK \"poll ended: server shutting down\"",
		}},
	}
	for _, tt := range tests {
		t.Run("section "+tt.only, func(t *testing.T) {
			got := runLesson(t, "-only", tt.only, "-budget", "1s")
			for _, want := range tt.want {
				assert.Contains(t, got, want)
			}
			if tt.only == "2" {
				// The child stops by itself; on a slow start it may still be
				// exiting when the parent's SIGTERM comes.
				assert.Regexp(t, `then stopped by itself: context deadline exceeded( \(exit 0 after|\n  parent: )`, got)
				// Normally the database refuses; on a very busy machine the
				// hops run late and an earlier one may refuse instead.
				assert.Regexp(t, `refuses to start\n  result: \w+: not enough time left \(context deadline exceeded\)`, got)
			}
		})
	}
}

func TestBadFlagsAreOneLineAndExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-goroutines", "0"}, "09-context: -goroutines must be between 1 and 1000000, got 0\n"},
		{[]string{"-budget", "1ms"}, "09-context: -budget must be between 50ms and 1m0s, got 1ms\n"},
		{[]string{"-only", "10"}, "09-context: -only takes section numbers from 1 to 9, got \"10\"\n"},
		{[]string{"extra"}, "09-context: unexpected argument \"extra\" (all options are flags; see -h)\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, 2, chapter.Run(t.Context(), tt.args, &out, &errOut))
			assert.Equal(t, tt.want, errOut.String())
			assert.Empty(t, out.String())
		})
	}
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }

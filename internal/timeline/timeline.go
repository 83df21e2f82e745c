// Package timeline records what goroutines did and when, and draws it as
// swimlanes in a terminal: one row per goroutine or worker, time running left
// to right, each span a bar with its label inside. A learner sees at a glance
// what ran in parallel and what waited.
//
// A Recorder is safe for concurrent use; its zero value is ready and starts
// its clock at the first Begin or Add. Inside a testing/synctest bubble the
// clock is the bubble's fake clock, so recorded spans are exact and a drawing
// made from them is the same on every run.
package timeline

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// A Span is one piece of work on one lane, in time since the recording began.
type Span struct {
	Lane  string        // the row: "worker 1", "main", "philosopher 3"
	Label string        // what is drawn inside the bar
	Start time.Duration // when it began
	End   time.Duration // when it ended; End >= Start
}

// Recorder collects spans from many goroutines.
type Recorder struct {
	mu    sync.Mutex
	start time.Time
	spans []Span
}

// Begin starts a span on lane and returns the function that ends it, so a
// whole function body is recorded with:
//
//	defer rec.Begin("worker 2", "task 7")()
func (r *Recorder) Begin(lane, label string) (end func()) {
	start := r.since()
	return func() {
		r.Add(Span{Lane: lane, Label: label, Start: start, End: r.since()})
	}
}

// Add records a finished span.
func (r *Recorder) Add(s Span) {
	if s.End < s.Start {
		s.End = s.Start
	}
	r.mu.Lock()
	if r.start.IsZero() {
		r.start = time.Now()
	}
	r.spans = append(r.spans, s)
	r.mu.Unlock()
}

// since is the time since the recording began, starting the clock if needed.
func (r *Recorder) since() time.Duration {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.IsZero() {
		r.start = now
	}
	return now.Sub(r.start)
}

// Spans returns a copy of the recorded spans ordered by start time, then lane,
// then label, so the result does not depend on which goroutine finished first.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	spans := slices.Clone(r.spans)
	r.mu.Unlock()
	slices.SortStableFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Lane, b.Lane),
			cmp.Compare(a.Label, b.Label), cmp.Compare(a.End, b.End))
	})
	return spans
}

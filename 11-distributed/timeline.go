package main

import (
	"cmp"
	"io"
	"slices"
	"time"

	"github.com/gocourse/concurrency/internal/timeline"
)

// recorder turns wall-clock times, from this process or a worker process on
// the same machine, into timeline spans measured from one start.
type recorder struct {
	start time.Time
	rec   timeline.Recorder
}

func newRecorder() *recorder { return &recorder{start: time.Now()} }

// span records lane's work on label from from to to.
func (r *recorder) span(lane, label string, from, to time.Time) {
	r.rec.Add(timeline.Span{Lane: lane, Label: label, Start: max(from.Sub(r.start), 0), End: max(to.Sub(r.start), 0)})
}

// renderTimeline draws who did what, one row per worker, workers in name order.
func renderTimeline(w io.Writer, r *recorder) error {
	spans := r.rec.Spans()
	var lanes []string
	for _, s := range spans {
		if !slices.Contains(lanes, s.Lane) {
			lanes = append(lanes, s.Lane)
		}
	}
	slices.SortFunc(lanes, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
	})
	return timeline.Render(w, spans, timeline.Options{Width: 64, Lanes: lanes})
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package main

import (
	"errors"
	"io"
	"strings"
	"time"

	xtrace "golang.org/x/exp/trace"
)

// A traceSummary is what section 4 reads out of an execution trace with
// golang.org/x/exp/trace. Go 1.26 has no trace reader in the standard
// library (its own is internal/trace, for go tool trace only); x/exp/trace
// is the same code, published.
type traceSummary struct {
	Span        time.Duration            // from the first event to the last
	Goroutines  int                      // goroutines seen
	Runnable    time.Duration            // total time goroutines waited runnable before running
	RunnableMax time.Duration            // the longest single such wait
	Blocked     map[string]time.Duration // time spent waiting, by the runtime's reason
	GC          time.Duration            // time with the GC's mark phase running
	STW         time.Duration            // time the world was stopped
	Tasks       map[string]int           // tasks by type
	Regions     map[string]time.Duration // total time in regions, by type
	Slowest     map[string]time.Duration // the longest region of each type
	Logs        map[string]int           // log events by category
}

// summarizeTrace reads a whole trace.
func summarizeTrace(r io.Reader) (*traceSummary, error) {
	tr, err := xtrace.NewReader(r)
	if err != nil {
		return nil, err
	}
	s := &traceSummary{
		Blocked: map[string]time.Duration{}, Tasks: map[string]int{},
		Regions: map[string]time.Duration{}, Slowest: map[string]time.Duration{}, Logs: map[string]int{},
	}
	type goState struct {
		state  xtrace.GoState
		since  xtrace.Time
		reason string
	}
	gs := map[xtrace.GoID]*goState{}
	type regionKey struct {
		g    xtrace.GoID
		name string
	}
	regions := map[regionKey][]xtrace.Time{}
	ranges := map[string]xtrace.Time{} // GC and STW ranges open now
	var first, last xtrace.Time
	for {
		ev, err := tr.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		now := ev.Time()
		if first == 0 {
			first = now
		}
		last = now
		switch ev.Kind() {
		case xtrace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != xtrace.ResourceGoroutine {
				continue
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			g := gs[id]
			if g == nil {
				g = &goState{state: from, since: first}
				gs[id] = g
			}
			d := now.Sub(g.since)
			switch {
			case from == xtrace.GoRunnable && to == xtrace.GoRunning:
				s.Runnable += d
				s.RunnableMax = max(s.RunnableMax, d)
			case from == xtrace.GoWaiting:
				s.Blocked[g.reason] += d
			}
			g.state, g.since = to, now
			if to == xtrace.GoWaiting {
				g.reason = st.Reason
				if g.reason == "" {
					g.reason = "unknown"
				}
			}
		case xtrace.EventRangeBegin, xtrace.EventRangeActive:
			name := ev.Range().Name
			if isGC(name) {
				if ev.Kind() == xtrace.EventRangeActive {
					ranges[name] = first
				} else {
					ranges[name] = now
				}
			}
		case xtrace.EventRangeEnd:
			name := ev.Range().Name
			if start, ok := ranges[name]; ok {
				if strings.HasPrefix(name, "stop-the-world") {
					s.STW += now.Sub(start)
				} else {
					s.GC += now.Sub(start)
				}
				delete(ranges, name)
			}
		case xtrace.EventTaskBegin:
			s.Tasks[ev.Task().Type]++
		case xtrace.EventRegionBegin:
			k := regionKey{ev.Goroutine(), ev.Region().Type}
			regions[k] = append(regions[k], now)
		case xtrace.EventRegionEnd:
			k := regionKey{ev.Goroutine(), ev.Region().Type}
			if open := regions[k]; len(open) > 0 {
				d := now.Sub(open[len(open)-1])
				regions[k] = open[:len(open)-1]
				s.Regions[k.name] += d
				s.Slowest[k.name] = max(s.Slowest[k.name], d)
			}
		case xtrace.EventLog:
			s.Logs[ev.Log().Category]++
		}
	}
	s.Span = last.Sub(first)
	s.Goroutines = len(gs)
	return s, nil
}

// isGC reports whether a range of the trace is the collector's: its mark
// phase, or a stop-the-world pause.
func isGC(name string) bool {
	return name == "GC concurrent mark phase" || strings.HasPrefix(name, "stop-the-world")
}

// Command 09-context teaches stopping work and bounding time as one topic:
// the context tree and how a cancel flows down it, the same deadline carried
// into a child process, a socket and net/http, Ctrl-C, timers and tickers,
// rate limits, retries with backoff and jitter, hedged requests,
// singleflight, and net/http's server with every timeout set.
//
//	go run ./09-context              # every section, a few seconds
//	go run ./09-context -only 1,6    # two of them
//	go run ./09-context -goroutines 100000 -clients 1000
package main

import (
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the flags say; the defaults keep the whole lesson to a few
// seconds.
type config struct {
	goroutines int           // section 1: the tree that one cancel stops
	budget     time.Duration // section 2: the deadline carried across boundaries
	rate       float64       // section 5: events per second for the limiters
	clients    int           // section 6: the herd
	requests   int           // section 7: hedged requests
	callers    int           // section 8: concurrent cache misses
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "09-context",
	Title: "Context: cancellation, deadlines and time",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.goroutines, "goroutines", 10_000, 1, 1_000_000, "goroutines in the tree that one cancel stops")
		f.Duration(&cfg.budget, "budget", 300*time.Millisecond, 50*time.Millisecond, time.Minute, "the deadline section 2 carries into a child, a socket and net/http")
		f.Float(&cfg.rate, "rate", 200, 1, 100_000, "events per second for section 5's limiters")
		f.Int(&cfg.clients, "clients", 100, 1, 100_000, "clients in section 6's thundering herd")
		f.Int(&cfg.requests, "requests", 400, 20, 100_000, "requests in section 7's hedging run")
		f.Int(&cfg.callers, "callers", 1000, 1, 100_000, "concurrent cache misses in section 8")
	},
	Sections: []lesson.Section{
		{Title: "The context tree", Run: showTree},
		{Title: "Cancellation across boundaries", Run: showBoundaries},
		{Title: "Ctrl-C done right", Run: showSignals},
		{Title: "Timers and tickers", Run: showTimers},
		{Title: "Rate limiting", Run: showRateLimit},
		{Title: "Retries", Run: showRetries},
		{Title: "Hedged requests", Run: showHedging},
		{Title: "singleflight", Run: showSingleflight},
		{Title: "net/http's server, configured", Run: showHTTPServer},
	},
	Next: "10-profiling, where a slow or stuck program is asked why, with the tools Go ships.",
}

func main() {
	dispatchRole() // a child started by section 2 or 3 plays its role and exits here
	chapter.Main()
}

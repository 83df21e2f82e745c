// Command 08-pipelines is Go's own way of composing concurrent code:
// goroutines that hand values to each other over channels, combined with
// select. Chapters 01-07 followed the tutorial's threads, locks and pools;
// this one follows Go. Each section runs something, shows what it did, and
// measures it:
//
//	semantics.go  what each channel operation does in each state, and the
//	              memory model's two channel rules
//	selects.go    select: random choice, default, nil cases, timeouts, spinning
//	generators.go a goroutine behind a channel against iter.Seq and iter.Pull
//	pipeline.go   stages over channels: closing, errors, stopping, backpressure, batches
//	fanout.go     N workers on one stage, out of order and in order
//	broadcast.go  one producer, many subscribers, four policies for the slow one
//	bank.go       the bank of chapter 02 as an owner goroutine against a mutex
//
// The programs that crash, hang or leak on purpose live in subdirectories
// (cell/, rangeforever/, leak/, spin/) and run as children in the tests.
package main

import (
	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the flags ask for. The defaults keep the whole lesson
// within a few seconds; every flag makes its section bigger.
type config struct {
	rounds  int // select rounds for the fairness count (section 2)
	spin    int // milliseconds each select loop runs when CPU time is measured (section 2)
	items   int // items per measured loop (sections 3, 4)
	lines   int // lines in the generated corpus (section 4)
	jobs    int // CPU-bound jobs for fan-out (section 5)
	workers int // fan-out workers (section 5)
	values  int // values broadcast (section 6)
	ops     int // bank transfers per goroutine (section 7)
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "08-pipelines",
	Title: "Pipelines: composing goroutines with channels and select",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.rounds, "rounds", 10_000, 100, 100_000_000, "rounds of a select with two ready cases")
		f.Int(&cfg.spin, "spin", 200, 10, 60_000, "milliseconds each select loop runs while its CPU time is measured")
		f.Int(&cfg.items, "items", 200_000, 1_000, 100_000_000, "items per measured generator or pipeline")
		f.Int(&cfg.lines, "lines", 20_000, 10, 10_000_000, "lines of generated text for the word-count pipeline")
		f.Int(&cfg.jobs, "jobs", 64, 1, 1_000_000, "CPU-bound jobs for fan-out")
		f.Int(&cfg.workers, "workers", 2, 1, 1024, "fan-out workers")
		f.Int(&cfg.values, "values", 100, 1, 1_000_000, "values the broadcaster publishes")
		f.Int(&cfg.ops, "ops", 20_000, 100, 100_000_000, "bank transfers per goroutine")
	},
	Sections: []lesson.Section{
		{Title: "Channel semantics, as a table you can run", Run: showSemantics},
		{Title: "select", Run: showSelect},
		{Title: "Generators: a goroutine, or an iterator", Run: showGenerators},
		{Title: "Pipelines: stages connected by channels", Run: showPipeline},
		{Title: "Fan-out and fan-in", Run: showFanOut},
		{Title: "Broadcast: one producer, many subscribers", Run: showBroadcast},
		{Title: "Share memory by communicating, or not", Run: showBank},
	},
	Next: "09-context, where cancellation, deadlines and time cross API boundaries.",
}

func main() { chapter.Main() }

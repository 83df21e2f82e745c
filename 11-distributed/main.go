// Command 11-distributed moves the work queue out of the process and onto a
// broker, NATS with JetStream, so that workers on many machines can share
// it: queue groups, a work-queue stream with acks and redelivery,
// backpressure, why exactly-once is a myth and what to do instead, a
// three-server cluster that loses its leader, and what all of it costs.
//
//	go run ./11-distributed                         # the lesson, embedded server, ~10 s
//	go run ./11-distributed server -addr 0.0.0.0:4222 -store /var/lib/course-nats
//	go run ./11-distributed worker -nats nats://HOST:4222
//	go run ./11-distributed submit -nats nats://HOST:4222 -n 1000
package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the lesson's flags say.
type config struct {
	nats    string // an external server's URL; "" starts an embedded one
	workers int    // worker processes in sections 1, 2 and 4
	tasks   int    // tasks in sections 1 and 2
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "11-distributed",
	Title: "the work queue beyond one machine, on NATS JetStream",
	Flags: func(f *lesson.Flags) {
		f.StringVar(&cfg.nats, "nats", "", "use the NATS server (with JetStream) at this `URL` instead of an embedded one; the lesson deletes and recreates its streams there")
		f.Int(&cfg.workers, "workers", 3, 2, 16, "worker processes")
		f.Int(&cfg.tasks, "tasks", 24, 6, 10000, "tasks in sections 1 and 2")
		f.Check(func() error {
			// Start section 5's cluster early when other sections run first.
			sel, err := lesson.ParseOnly(f.Lookup("only").Value.String(), 6, "section")
			if err != nil {
				return nil // -only's own check says so
			}
			if sel == nil {
				sel = []int{1, 2, 3, 4, 5, 6}
			}
			i5, i6 := slices.Index(sel, 5), slices.Index(sel, 6)
			warmup = &clusterWarmup{want: i5 > 0, wantR3: i5 >= 0 && i6 > i5}
			return nil
		})
	},
	Sections: []lesson.Section{
		{Title: "Queue groups", Run: warm(showQueueGroups)},
		{Title: "A work-queue stream: at-least-once", Run: warm(showWorkQueue)},
		{Title: "Backpressure", Run: warm(showBackpressure)},
		{Title: "Exactly-once is a myth", Run: warm(showExactlyOnce)},
		{Title: "Surviving a server", Run: warm(showCluster)},
		{Title: "What the broker costs", Run: showCost},
	},
	Commands: []lesson.Command{
		{Name: "server", Summary: "run an embedded NATS server with JetStream until Ctrl-C", Flags: serverFlags, Run: runServer},
		{Name: "worker", Summary: "one worker: take tasks from the queue until Ctrl-C", Flags: workerFlags, Run: runWorkerCommand},
		{Name: "submit", Summary: "submit tasks and wait for their results", Flags: submitFlags, Run: runSubmit},
	},
	Next: "the end of the pools: from goroutines (05) to processes (06) to a server (07) to a broker (11).",
}

func main() {
	dispatchRole() // a worker process plays its role here and never returns
	chapter.Main()
}

// withQueue gives a section a server with a fresh work queue: the embedded
// one, started in a temporary directory and removed afterwards, or the one
// -nats names, whose streams it deletes and recreates.
func withQueue(ctx context.Context, qc QueueConfig, fn func(url string, js jetstream.JetStream) error) error {
	url := cfg.nats
	if url == "" {
		b, err := StartBroker(BrokerOptions{})
		if err != nil {
			return err
		}
		defer b.Stop()
		url = b.URL()
	}
	nc, _, err := Connect(url, "11-distributed lesson")
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if err := ResetQueue(ctx, js, qc); err != nil {
		return err
	}
	return fn(url, js)
}

// ResetQueue deletes the queue's streams and buckets, if any, and creates
// them again: every section starts from an empty queue.
func ResetQueue(ctx context.Context, js jetstream.JetStream, qc QueueConfig) error {
	for _, s := range []string{taskStream, deadStream, "KV_" + resultsBucket, "KV_" + ledgerBucket} {
		_ = js.DeleteStream(ctx, s) // absent is fine
	}
	return SetupQueue(ctx, js, qc)
}

// ms formats a duration in milliseconds for the lesson's output.
func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond)) }

// say is fmt.Fprintf for sections, which print to w and ignore its errors as
// fmt.Printf does.
func say(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format, args...) }

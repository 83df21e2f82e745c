package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// bareLoop publishes n tiny messages to a work-queue stream in memory and
// consumes and acks them with one consumer: what the server can move with
// nothing of the chapter's machinery around it.
func bareLoop(ctx context.Context, js jetstream.JetStream, n int) (time.Duration, error) {
	_ = js.DeleteStream(ctx, "BARE")
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "BARE", Subjects: []string{"bare"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.MemoryStorage})
	if err != nil {
		return 0, err
	}
	c, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "bare", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		if _, err := js.PublishAsync("bare", fmt.Appendf(nil, "%d", i)); err != nil {
			return 0, err
		}
	}
	it, err := c.Messages(jetstream.PullMaxMessages(500))
	if err != nil {
		return 0, err
	}
	defer it.Stop()
	for range n {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return 0, err
		}
		if err := m.Ack(); err != nil {
			return 0, err
		}
	}
	<-js.PublishAsyncComplete()
	return time.Since(start), js.Conn().Flush()
}

// BenchmarkFloor measures, side by side on one embedded server, the bare
// publish-and-consume loop and the chapter's machinery (floorWorkers
// Workers, each pulling floorBatch ahead and pipelining as many creates,
// recording every result with Create, acking after) on
// the same number of tiny tasks. The floor: machinery/bare >= 0.5.
//
//	go test -run '^$' -bench Floor -benchtime 3x ./11-distributed
func BenchmarkFloor(b *testing.B) {
	const n = 5000
	br, err := StartBroker(BrokerOptions{Store: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Stop()
	nc, _, err := Connect(br.URL(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	// The bare loop publishes all n before it waits: let that many acks be
	// outstanding (the default stalls at 4000).
	js, _ := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2*n))
	ctx := b.Context()
	var bare, mach time.Duration
	for b.Loop() {
		d, err := bareLoop(ctx, js, n)
		if err != nil {
			b.Fatal(err)
		}
		bare += d
		p, err := newJSPool(ctx, br.URL(), floorWorkers, floorBatch, QueueConfig{Storage: jetstream.MemoryStorage})
		if err != nil {
			b.Fatal(err)
		}
		tasks := make([]Task, n)
		for i := range tasks {
			tasks[i] = Task{ID: i + 1, Op: OpSquare, N: i}
		}
		start := time.Now()
		err = p.runAll(ctx, tasks)
		mach += time.Since(start)
		p.close()
		if err != nil {
			b.Fatal(err)
		}
	}
	bareRate := float64(n*b.N) / bare.Seconds()
	machRate := float64(n*b.N) / mach.Seconds()
	b.ReportMetric(bareRate, "bare-msgs/s")
	b.ReportMetric(machRate, "machinery-msgs/s")
	b.ReportMetric(machRate/bareRate, "ratio")
}

// BenchmarkCost prints section 6's table with bigger counts, R3 included.
//
//	go test -run '^$' -bench Cost -benchtime 1x ./11-distributed
func BenchmarkCost(b *testing.B) {
	ctx := b.Context()
	br, err := StartBroker(BrokerOptions{Store: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Stop()
	cl, err := StartCluster(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Stop()
	c := CostConfig{Workers: 4, Tiny: 5000, CPU: 200, SpinMs: 2, Samples: 31, URL: br.URL(), Cluster: cl}
	for b.Loop() {
		rows, err := RunCost(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		printCost(os.Stdout, rows, c)
	}
}

// The floor's machinery: a few Workers, each pulling and pipelining
// floorBatch tasks.
const floorWorkers, floorBatch = 2, 256

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Section 5: one server is one machine that can die. Three servers that
// route to each other form a cluster; a stream with Replicas: 3 keeps a copy
// on each, and a Raft group elects one of them leader. Publishes and acks go
// through the leader and count once a majority (two of three) has them, so
// losing any one server loses nothing that was acked.

// A Cluster is three embedded servers routed to each other.
type Cluster struct {
	Brokers []*Broker
	dir     string
}

// StartCluster starts three servers named n1..n3 on 127.0.0.1, each storing
// under its own directory in a temporary one that Stop removes, and waits
// until JetStream in the cluster has a leader and can take a stream.
func StartCluster(ctx context.Context) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "gocourse-11-cluster-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir}
	// JetStream in a cluster wants its routes configured from the start, so
	// pick three free ports for the route listeners first, and give every
	// server the whole list (a server skips the route to itself).
	routes, err := freeAddrs(3)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= 3; i++ {
		o := BrokerOptions{
			Name:    fmt.Sprintf("n%d", i),
			Store:   fmt.Sprintf("%s/n%d", dir, i),
			Cluster: routes[i-1],
			Routes:  routes,
		}
		b, err := StartBroker(o)
		if err != nil {
			c.Stop()
			return nil, err
		}
		c.Brokers = append(c.Brokers, b)
	}
	nc, _, err := Connect(c.URL(), "cluster check")
	if err != nil {
		c.Stop()
		return nil, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		c.Stop()
		return nil, err
	}
	// JetStream answers once its meta group has elected a leader; until
	// then a request may get no answer at all, so each try gets a second.
	for {
		actx, cancel := context.WithTimeout(ctx, time.Second)
		ai, err := js.AccountInfo(actx)
		cancel()
		if err == nil && ai != nil {
			break
		}
		select {
		case <-ctx.Done():
			c.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return c, nil
}

// freeAddrs finds n free ports on 127.0.0.1. Another program could take one
// before the server does; StartCluster then fails with "address in use".
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, nil
}

// URL lists every server, so a client can fail over to the others.
func (c *Cluster) URL() string {
	var us []string
	for _, b := range c.Brokers {
		if b.srv.Running() {
			us = append(us, b.URL())
		}
	}
	return strings.Join(us, ",")
}

// Broker returns the server named name, or nil.
func (c *Cluster) Broker(name string) *Broker {
	for _, b := range c.Brokers {
		if b.Name() == name {
			return b
		}
	}
	return nil
}

// Restart starts the stopped server name again on its old directory and
// route port. It rejoins the cluster and catches up from the others.
func (c *Cluster) Restart(name string) error {
	for i, b := range c.Brokers {
		if b.Name() == name {
			nb, err := StartBroker(b.opts)
			if err != nil {
				return err
			}
			c.Brokers[i] = nb
			return nil
		}
	}
	return fmt.Errorf("no server %s", name)
}

// Stop stops every server and removes their directories.
func (c *Cluster) Stop() {
	for _, b := range c.Brokers {
		b.Stop()
	}
	os.RemoveAll(c.dir)
}

// streamLeader asks which server leads the stream's Raft group.
func streamLeader(ctx context.Context, js jetstream.JetStream, stream string) (string, error) {
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return "", err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return "", err
	}
	if info.Cluster == nil || info.Cluster.Leader == "" {
		return "", errors.New("no leader")
	}
	return info.Cluster.Leader, nil
}

// setupUntil empties the queue and then retries SetupQueue while the
// cluster is still forming or busy (it answers "insufficient resources", or
// not at all, until all three servers have joined). SetupQueue only creates
// what is missing, so each try builds on the last.
func setupUntil(ctx context.Context, js jetstream.JetStream, qc QueueConfig) error {
	ctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	for _, s := range []string{taskStream, deadStream, "KV_" + resultsBucket, "KV_" + ledgerBucket} {
		dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
		_ = js.DeleteStream(dctx, s) // absent is fine; one still there fails SetupQueue below
		dcancel()
	}
	for {
		actx, acancel := context.WithTimeout(ctx, 5*time.Second)
		err := SetupQueue(actx, js, qc)
		acancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the cluster did not take the queue: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FailoverRun is what happened in one leader-kill run.
type FailoverRun struct {
	Tasks      int
	Killed     string        // the leader that was stopped
	NewLeader  string        // who leads after
	PubGap     time.Duration // from the kill to the next acked publish
	Lost       int           // tasks never recorded
	Duplicates int64
	Retries    int // publishes that failed and were sent again
}

// RunFailover publishes n tasks one at a time onto an R3 queue while
// `workers` in-process workers take them, stops the stream leader after a
// third, and waits for every task. Each publish that fails is retried with
// the same Nats-Msg-Id, so a retry of a publish that did land is dropped by
// the stream's dedupe window instead of queued twice.
func RunFailover(ctx context.Context, c *Cluster, n, workers int) (FailoverRun, error) {
	run := FailoverRun{Tasks: n}
	nc, _, err := Connect(c.URL(), "producer")
	if err != nil {
		return run, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return run, err
	}
	qc := QueueConfig{AckWait: time.Second, Replicas: 3}
	if err := setupUntil(ctx, js, qc); err != nil {
		return run, err
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var ws []*Worker
	var conns []*nats.Conn
	// Stop the workers first, then close their connections: a connection
	// closed under a running worker looks to it like a server gone for good.
	defer func() {
		stopWorkers()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 1; i <= workers; i++ {
		wnc, _, err := Connect(c.URL(), fmt.Sprintf("worker %d", i))
		if err != nil {
			return run, err
		}
		conns = append(conns, wnc)
		wjs, err := jetstream.New(wnc)
		if err != nil {
			return run, err
		}
		wk := &Worker{Name: fmt.Sprintf("w%d", i), JS: wjs}
		ws = append(ws, wk)
		wg.Go(func() {
			if err := wk.Run(wctx); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		})
	}
	var killedAt, failingSince time.Time
	for id := 1; id <= n; id++ {
		if id == n/3+1 {
			if run.Killed, err = streamLeader(ctx, js, taskStream); err != nil {
				return run, fmt.Errorf("finding the stream's leader: %w", err)
			}
			killedAt = time.Now()
			c.Broker(run.Killed).Stop()
		}
		t := Task{ID: id, Op: OpSleep, Ms: 5}
		for {
			pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			_, err := js.Publish(pctx, taskSubject, t.encode(), jetstream.WithMsgID(fmt.Sprintf("task-%d", id)))
			cancel()
			if err == nil {
				failingSince = time.Time{}
				break
			}
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			if failingSince.IsZero() {
				failingSince = time.Now()
			}
			run.Retries++
			if time.Since(failingSince) > 15*time.Second {
				return run, fmt.Errorf("publishing task %d: gave up after 15s of failures: %w", id, err)
			}
			time.Sleep(50 * time.Millisecond) // the cluster is electing; ask again shortly
		}
		if !killedAt.IsZero() && run.PubGap == 0 {
			run.PubGap = time.Since(killedAt)
		}
	}
	out, err := WaitOutcomes(ctx, js, n, 30*time.Second)
	if err != nil {
		return run, fmt.Errorf("after stopping %s: %w", run.Killed, err)
	}
	for id := 1; id <= n; id++ {
		if _, ok := out.Results[id]; !ok {
			run.Lost++
		}
	}
	for _, wk := range ws {
		run.Duplicates += wk.Stats.Duplicates.Load()
	}
	run.NewLeader, _ = streamLeader(ctx, js, taskStream)
	return run, nil
}

func showCluster(ctx context.Context, w io.Writer) error {
	if cfg.nats != "" {
		say(w, "(section 5 always starts its own three servers: it kills one of them)\n")
	}
	c, err := warmup.take(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if c != nil {
			c.Stop()
		}
	}()
	say(w, "three servers n1, n2, n3 routed to each other; stream %s with Replicas: 3.\n", taskStream)
	say(w, "The producer publishes 60 tasks one by one; 3 workers take them; after 20 the\n")
	say(w, "stream's leader is stopped.\n")
	run, err := RunFailover(ctx, c, 60, 3)
	if err != nil {
		return err
	}
	say(w, "stopped the leader %s; new leader %s.\n", run.Killed, run.NewLeader)
	say(w, "publishing resumed %s after the kill (%d publishes retried).\n", ms(run.PubGap), run.Retries)
	say(w, "%d tasks, %d lost, %d done twice and recorded once.\n", run.Tasks, run.Lost, run.Duplicates)
	if err := c.Restart(run.Killed); err != nil {
		return err
	}
	say(w, "%s restarted on its old directory; it rejoins and catches up from the others.\n", run.Killed)
	if warmup.wantR3 {
		warmup.r3, c = c, nil // section 6 measures on it
	}
	return nil
}

// A new cluster spends 4 to 9 seconds electing its first leader: that is
// nats-server's Raft election timeout, and no option shortens it. So when
// the lesson will reach section 5 after other sections, the first of them
// starts the cluster in the background, and section 5 takes it ready.
// Every section's wrapper stops it if the lesson ends early (an error or
// Ctrl-C), so no server or directory is left behind.
type clusterWarmup struct {
	want    bool // section 5 runs, after another section
	wantR3  bool // section 6 runs after section 5, which hands it r3
	r3      *Cluster
	once    sync.Once
	started bool
	done    chan struct{}
	c       *Cluster
	err     error
}

var warmup = &clusterWarmup{}

// start begins starting the cluster, once, if it is wanted.
func (w *clusterWarmup) start() {
	w.once.Do(func() {
		if !w.want {
			return
		}
		w.started = true
		w.done = make(chan struct{})
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			w.c, w.err = StartCluster(ctx)
			close(w.done)
		}()
	})
}

// take returns the warmed-up cluster, or starts one now.
func (w *clusterWarmup) take(ctx context.Context) (*Cluster, error) {
	w.once.Do(func() {}) // no warming up from here on
	if !w.started {
		return StartCluster(ctx)
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		w.drop()
		return nil, ctx.Err()
	}
	w.started = false
	return w.c, w.err
}

// takeR3 returns the cluster section 5 handed on, or starts one.
func (w *clusterWarmup) takeR3(ctx context.Context) (*Cluster, error) {
	if c := w.r3; c != nil {
		w.r3 = nil
		return c, nil
	}
	return StartCluster(ctx)
}

// drop stops a warmed-up cluster that nobody took.
func (w *clusterWarmup) drop() {
	w.once.Do(func() {})
	if w.r3 != nil {
		w.r3.Stop()
		w.r3 = nil
	}
	if w.started {
		<-w.done
		if w.c != nil {
			w.c.Stop()
		}
		w.started = false
	}
}

// warm wraps a section before 5: it starts the warm-up, and drops the
// cluster if the lesson ends here.
func warm(run func(context.Context, io.Writer) error) func(context.Context, io.Writer) error {
	return func(ctx context.Context, w io.Writer) error {
		warmup.start()
		err := run(ctx, w)
		if err != nil || ctx.Err() != nil {
			warmup.drop()
		}
		return err
	}
}

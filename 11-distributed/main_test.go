package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"

	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

func TestMain(m *testing.M) {
	dispatchRole() // a worker process started by a test plays its role here
	// Worker processes are this race-enabled test binary; they report
	// through the broker, so they need not sleep a second at exit.
	os.Setenv("GORACE", os.Getenv("GORACE")+" atexit_sleep_ms=0")
	goleak.VerifyTestMain(harness.WithCleanup(m))
}

// startBroker starts an embedded server for one test, storing in the test's
// temporary directory, and stops it (waiting for its goroutines) when the
// test ends.
func startBroker(t *testing.T) *Broker {
	t.Helper()
	b, err := StartBroker(BrokerOptions{Store: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(b.Stop)
	return b
}

// connectJS connects a client for one test.
func connectJS(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, _, err := Connect(url, t.Name())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// runWorkers runs n in-process Workers until the test ends.
func runWorkers(t *testing.T, js jetstream.JetStream, n int, tune func(*Worker)) []*Worker {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var ws []*Worker
	for i := 1; i <= n; i++ {
		wk := &Worker{Name: "t" + string(rune('0'+i)), JS: js}
		if tune != nil {
			tune(wk)
		}
		ws = append(ws, wk)
		wg.Go(func() { assert.NoError(t, wk.Run(ctx)) })
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	return ws
}

func sleepTasks(n, ms int) []Task {
	ts := make([]Task, n)
	for i := range ts {
		ts[i] = Task{ID: i + 1, Op: OpSleep, Ms: ms}
	}
	return ts
}

// Three worker processes take 30 tasks. w2 is SIGKILLed in the middle of
// its third task, and w3 kills itself after doing and recording its second
// task but before acking it: a real duplicate. Nothing may be lost, and the
// duplicate must be counted (the ledger has it twice) and recorded once.
func TestWorkerKillLosesNothingAndRecordsOnce(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	js := connectJS(t, b.URL())
	ctx := t.Context()
	require.NoError(t, SetupQueue(ctx, js, QueueConfig{AckWait: 500 * time.Millisecond}))

	var log eventLog
	var w2starts atomic.Int32
	var kids []*Child
	ready := make(chan struct{})
	killed := make(chan struct{})
	log.onNew = func(e Event) {
		if e.Kind == "start" && e.Worker == "w2" && w2starts.Add(1) == 3 {
			go func() { <-ready; kids[1].Kill(); close(killed) }()
		}
	}
	sub, err := log.listen(js.Conn())
	require.NoError(t, err)
	defer sub.Unsubscribe()
	kids, err = startWorkers(ctx, b.URL(), 3, func(i int) []string {
		args := []string{"-ledger"}
		if i == 3 {
			args = append(args, "-die-after", "2")
		}
		return args
	})
	close(ready)
	require.NoError(t, err)
	defer func() { _ = stopAll(kids) }()

	const n = 30
	stored, err := Publish(ctx, js, sleepTasks(n, 20))
	require.NoError(t, err)
	require.Equal(t, n, stored)
	out, err := WaitOutcomes(ctx, js, n, 15*time.Second)
	require.NoError(t, err)
	<-killed
	<-kids[2].Done()

	d, err := countDupes(ctx, js, n)
	require.NoError(t, err)
	assert.Len(t, out.Results, n, "every task has one recorded result")
	assert.Zero(t, d.Lost, "lost tasks")
	assert.GreaterOrEqual(t, d.DoneTwice, 1, "w3 died between record and ack: its task was done again")
	assert.Equal(t, d.DoneTwice, d.LedgerExtra, "the naive ledger records every duplicate")
	assert.Zero(t, d.ResultsExtra, "the results bucket records each task once")
	assert.Empty(t, out.Dead)
	t.Logf("duplicates done %d, recorded in the ledger %d, in results %d: %v", d.DoneTwice, d.LedgerExtra, d.ResultsExtra, d.DuplicateByWho)
}

// A three-server cluster loses its stream leader while tasks are published
// and worked on: nothing is lost.
func TestLeaderKillLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c, err := StartCluster(ctx)
	require.NoError(t, err)
	t.Cleanup(c.Stop)
	run, err := RunFailover(ctx, c, 30, 3)
	require.NoError(t, err)
	assert.Zero(t, run.Lost)
	assert.NotEmpty(t, run.Killed)
	assert.NotEqual(t, run.Killed, run.NewLeader)
	t.Logf("stopped %s, new leader %s, publishing resumed after %v (%d retries), %d duplicates", run.Killed, run.NewLeader, run.PubGap, run.Retries, run.Duplicates)
}

// A task that fails every time is retried until MaxDeliver, then lands on
// the dead-letter subject with its delivery count.
func TestPoisonEndsInDeadLetter(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	js := connectJS(t, b.URL())
	ctx := t.Context()
	require.NoError(t, SetupQueue(ctx, js, QueueConfig{MaxDeliver: 3}))
	ws := runWorkers(t, js, 2, func(w *Worker) {
		w.Backoff = func(uint64) time.Duration { return 10 * time.Millisecond }
	})
	_, err := Publish(ctx, js, []Task{{ID: 1, Op: OpPoison}, {ID: 2, Op: OpFlaky}})
	require.NoError(t, err)
	out, err := WaitOutcomes(ctx, js, 2, 20*time.Second)
	require.NoError(t, err)
	require.Len(t, out.Dead, 1)
	assert.Equal(t, 3, out.Dead[0].Delivered)
	assert.Contains(t, out.Dead[0].Reason, "poison")
	assert.JSONEq(t, `{"id":1,"op":"poison"}`, out.Dead[0].Payload)
	require.Contains(t, out.Results, 2)
	assert.Equal(t, uint64(2), out.Results[2].Delivered, "the flaky task succeeds on its second delivery")
	var retried int64
	for _, w := range ws {
		retried += w.Stats.Retried.Load()
	}
	assert.Equal(t, int64(3), retried, "poison twice before giving up, flaky once")
}

// Payloads no worker can read are terminated at once, dead-lettered with
// their reason, and counted; the good tasks around them are done.
func TestMalformedPayloadsAreTerminated(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	js := connectJS(t, b.URL())
	ctx := t.Context()
	require.NoError(t, SetupQueue(ctx, js, QueueConfig{}))
	ws := runWorkers(t, js, 2, nil)
	bad := []string{`not json`, `{"id":3,"op":"launch"}`, `{"id":-1,"op":"square"}`, `{"id":4,"op":"sleep","ms":999999}`}
	for _, p := range bad {
		_, err := js.Publish(ctx, taskSubject, []byte(p))
		require.NoError(t, err)
	}
	_, err := Publish(ctx, js, []Task{{ID: 1, Op: OpSquare, N: 7}, {ID: 2, Op: OpSquare, N: 8}})
	require.NoError(t, err)
	out, err := WaitOutcomes(ctx, js, len(bad)+2, 20*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 49, out.Results[1].Result)
	assert.Equal(t, 64, out.Results[2].Result)
	require.Len(t, out.Dead, len(bad))
	var payloads []string
	for _, d := range out.Dead {
		payloads = append(payloads, d.Payload)
		assert.Equal(t, 1, d.Delivered, "malformed: no retry")
		assert.Contains(t, d.Reason, "malformed task")
	}
	assert.ElementsMatch(t, bad, payloads)
	var dead int64
	for _, w := range ws {
		dead += w.Stats.Dead.Load()
	}
	assert.Equal(t, int64(len(bad)), dead)
}

// refusedURL is a URL where nothing listens.
func refusedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return "nats://" + addr
}

// A wrong -nats URL is one clear error in a few seconds, for the lesson and
// for each command.
func TestUnreachableServerIsAClearError(t *testing.T) {
	t.Parallel()
	url := refusedURL(t)
	for _, args := range [][]string{
		{"-nats", url, "-only", "2"},
		{"worker", "-nats", url},
		{"submit", "-nats", url, "-n", "1"},
	} {
		t.Run(args[0], func(t *testing.T) {
			var out, errw bytes.Buffer
			start := time.Now()
			code := chapter.Run(t.Context(), args, &out, &errw)
			assert.Equal(t, 1, code)
			assert.Contains(t, errw.String(), "cannot reach a NATS server at "+url)
			assert.Equal(t, 1, strings.Count(errw.String(), "\n"), "one line: %s", errw.String())
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
}

// A server that goes away under a worker: the worker tries to reconnect
// for a few seconds, then returns an error that says so, instead of hanging.
func TestServerGoingAwayEndsTheWorker(t *testing.T) {
	t.Parallel()
	b, err := StartBroker(BrokerOptions{Store: t.TempDir()})
	require.NoError(t, err)
	nc, closed, err := Connect(b.URL(), "worker")
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	require.NoError(t, SetupQueue(t.Context(), js, QueueConfig{}))
	wk := &Worker{Name: "w1", JS: js}
	errc := make(chan error, 1)
	go func() { errc <- wk.Run(t.Context()) }()
	_, err = Publish(t.Context(), js, []Task{{ID: 1, Op: OpSquare, N: 2}})
	require.NoError(t, err)
	_, err = WaitOutcomes(t.Context(), js, 1, 10*time.Second)
	require.NoError(t, err)
	b.Stop()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("the client did not give up on a server that is gone")
	}
	select {
	case err := <-errc:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "lost the NATS server")
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not return after its connection closed")
	}
	assert.Equal(t, nats.CLOSED, nc.Status())
}

func TestHelpAndBadFlags(t *testing.T) {
	var out, errw bytes.Buffer
	assert.Equal(t, 0, chapter.Run(t.Context(), []string{"-h"}, &out, &errw))
	for _, want := range []string{"1. Queue groups", "6. What the broker costs", "server", "worker", "submit", "-nats"} {
		assert.Contains(t, out.String()+errw.String(), want)
	}
	errw.Reset()
	assert.Equal(t, 2, chapter.Run(t.Context(), []string{"-workers", "1"}, &out, &errw))
	assert.Contains(t, errw.String(), "-workers must be between 2 and 16, got 1")
	errw.Reset()
	assert.Equal(t, 2, chapter.Run(t.Context(), []string{"submit", "-op", "dance"}, &out, &errw))
	assert.Contains(t, errw.String(), `-op must be square, sleep or spin, got "dance"`)
}

func TestParseTask(t *testing.T) {
	tests := []struct {
		in      string
		want    Task
		wantErr string
	}{
		{in: `{"id":1,"op":"square","n":3}`, want: Task{ID: 1, Op: OpSquare, N: 3}},
		{in: `{"id":2,"op":"sleep","ms":5}`, want: Task{ID: 2, Op: OpSleep, Ms: 5}},
		{in: `nope`, wantErr: "malformed task"},
		{in: `{"id":1,"op":"fly"}`, wantErr: `unknown op "fly"`},
		{in: `{"id":0,"op":"square"}`, wantErr: "id must be positive"},
		{in: `{"id":1,"op":"spin","ms":-1}`, wantErr: "out of range"},
	}
	for _, tt := range tests {
		got, err := parseTask([]byte(tt.in))
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.in)
			assert.ErrorIs(t, err, errMalformed)
			continue
		}
		assert.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestPeakConcurrency(t *testing.T) {
	recs := []Record{{Start: 0, End: 10}, {Start: 5, End: 15}, {Start: 10, End: 20}, {Start: 12, End: 13}}
	assert.Equal(t, 3, peakConcurrency(recs))
}

// Sections 3 and 4 through the lesson itself, worker processes and all:
// the duplicate is done twice and recorded once, and nothing is left in the
// temporary directory. Not parallel: it points TMPDIR at a directory of its
// own, so that another test's server, alive at the moment, cannot look like
// one this run left behind.
func TestLessonSections3And4(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var out, errw bytes.Buffer
	code := chapter.Run(t.Context(), []string{"-only", "3,4"}, &out, &errw)
	require.Equal(t, 0, code, "stderr: %s", errw.String())
	assert.Contains(t, out.String(), "at most 3 ran at once")
	assert.Contains(t, out.String(), "10 acked, 5 refused, 10 kept")
	assert.Contains(t, out.String(), "duplicate=true (not stored)")
	assert.Contains(t, out.String(), "lost 0; done twice 1; extra records: ledger (Put) 1, results (Create) 0")
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the lesson left files behind in its temporary directory")
}

func TestRecordEncodeIsJSON(t *testing.T) {
	r := Record{Task: 7, Worker: `w"1`, Delivered: 2, Result: -49, Start: 1, End: 2}
	got, err := decodeRecord(r.encode())
	require.NoError(t, err)
	assert.Equal(t, r, got)
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }

// Publish keeps at most publishWindow acks outstanding in a ring: counts on
// both sides of the window's size, and the same tasks again, all stored
// once.
func TestPublishAcrossTheWindow(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	js := connectJS(t, b.URL())
	ctx := t.Context()
	require.NoError(t, SetupQueue(ctx, js, QueueConfig{Storage: jetstream.MemoryStorage}))
	next := 1
	for _, n := range []int{0, 1, publishWindow - 1, publishWindow, publishWindow + 1, 2*publishWindow + 3} {
		tasks := make([]Task, n)
		for i := range tasks {
			tasks[i] = Task{ID: next, Op: OpSquare, N: i}
			next++
		}
		stored, err := Publish(ctx, js, tasks)
		require.NoError(t, err)
		assert.Equal(t, n, stored, "%d new tasks", n)
		again, err := Publish(ctx, js, tasks)
		require.NoError(t, err)
		assert.Zero(t, again, "%d tasks published again are duplicates, stored once", n)
	}
	s, err := js.Stream(ctx, taskStream)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(next-1), info.State.Msgs)
}

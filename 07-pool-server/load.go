package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// LoadConfig says how hard to push a server.
type LoadConfig struct {
	Addr      string        // host:port of the server
	Clients   int           // concurrent clients, each with its own connection
	Duration  time.Duration // how long to run; every I/O ends by then
	KeepAlive bool          // reuse a connection for the next request
	Path      string        // the request target, such as /hello
	// Progress, if not nil, receives progress while the load runs: a line
	// redrawn in place every half second when Live (a terminal), a plain
	// line every second otherwise.
	Progress io.Writer
	Live     bool
	// MaxErrorRate is the fraction of failed requests above which the
	// load command exits 1 (1: never).
	MaxErrorRate float64
}

// LoadResult is what the clients saw. Unlike wrk, it keeps a count per
// client, so a client that never got an answer shows up.
type LoadResult struct {
	Config    LoadConfig
	Elapsed   time.Duration
	OK        int64            // 2xx responses
	Status    map[int]int64    // other statuses: 503 and friends
	Errors    map[string]int64 // failures by kind
	Latencies []time.Duration  // of every response, sorted
	PerClient []int            // 2xx responses per client
	Silent    int              // clients that received no response at all
	Unserved  int              // clients that received no 2xx response
	Cut       int64            // requests still waiting when the time ran out
	Dialing   int              // clients still in connect() when the time ran out
	Stopped   bool             // the run was stopped early (Ctrl-C)
	PeakHeap  uint64           // set by compare: the process's peak heap bytes
	Note      string           // set by compare: anything odd about the run
}

// Throughput is responses of any status per second.
func (r LoadResult) Throughput() float64 {
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p percent of responses fell.
func (r LoadResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies)-1) * p / 100)
	return r.Latencies[i]
}

// clientStats is one client's own tally, merged at the end, so the clients
// share nothing while they run.
type clientStats struct {
	ok        int
	status    map[int]int64
	errors    map[string]int64
	latencies []time.Duration
	responses int
	cut       int64
	dialing   bool // still connecting when the run ended
}

// RunLoad runs cfg.Clients clients for cfg.Duration against cfg.Addr and
// reports what they saw. Every read, write and dial has the run's end as its
// deadline, so RunLoad returns within about cfg.Duration whatever the server
// does; when ctx ends first (Ctrl-C), every client stops at once and the
// result covers the time until then.
func RunLoad(ctx context.Context, cfg LoadConfig) LoadResult {
	start := time.Now()
	end := start.Add(cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	stats := make([]clientStats, cfg.Clients)
	var done atomic.Int64 // responses so far, for the progress line
	var wg sync.WaitGroup
	for i := range stats {
		wg.Go(func() { runClient(ctx, cfg, end, &stats[i], &done) })
	}
	stopProgress := make(chan struct{})
	var pwg sync.WaitGroup
	if cfg.Progress != nil {
		pwg.Go(func() { progress(cfg.Progress, cfg.Live, start, &done, stopProgress) })
	}
	wg.Wait()
	close(stopProgress)
	pwg.Wait()

	elapsed := time.Since(start)
	res := LoadResult{Config: cfg, Elapsed: elapsed, Status: map[int]int64{}, Errors: map[string]int64{},
		Stopped: elapsed < cfg.Duration && !errors.Is(context.Cause(ctx), context.DeadlineExceeded)}
	for _, st := range stats {
		res.OK += int64(st.ok)
		for k, v := range st.status {
			res.Status[k] += v
		}
		for k, v := range st.errors {
			res.Errors[k] += v
		}
		res.Latencies = append(res.Latencies, st.latencies...)
		res.PerClient = append(res.PerClient, st.ok)
		res.Cut += st.cut
		if st.dialing {
			res.Dialing++
		}
		if st.responses == 0 {
			res.Silent++
		}
		if st.ok == 0 {
			res.Unserved++
		}
	}
	slices.Sort(res.Latencies)
	return res
}

func progress(w io.Writer, live bool, start time.Time, done *atomic.Int64, stop chan struct{}) {
	every := time.Second
	if live {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			if live {
				fmt.Fprint(w, "\r\033[K")
			}
			return
		case <-t.C:
			el := time.Since(start)
			n := done.Load()
			if live {
				fmt.Fprintf(w, "\r\033[K  %4.1fs  %d responses  %.0f/s", el.Seconds(), n, float64(n)/el.Seconds())
			} else {
				fmt.Fprintf(w, "progress: %.0fs, %d responses, %.0f/s\n", el.Seconds(), n, float64(n)/el.Seconds())
			}
		}
	}
}

// runClient is one client: send a request, read the whole response, repeat
// until the end, on one kept-alive connection or a new one each time.
func runClient(ctx context.Context, cfg LoadConfig, end time.Time, st *clientStats, done *atomic.Int64) {
	st.status, st.errors = map[int]int64{}, map[string]int64{}
	req := "GET " + cfg.Path + " HTTP/1.1\r\nHost: " + cfg.Addr + "\r\n"
	if !cfg.KeepAlive {
		req += "Connection: close\r\n"
	}
	req += "\r\n"
	var nc net.Conn
	var br *bufio.Reader
	stopWatch := func() bool { return false }
	drop := func() {
		if nc != nil {
			stopWatch()
			nc.Close()
			nc = nil
		}
	}
	defer drop()
	over := func() bool { return ctx.Err() != nil || !time.Now().Before(end) }
	var d net.Dialer
	for !over() {
		if nc == nil {
			var err error
			nc, err = d.DialContext(ctx, "tcp", cfg.Addr)
			if err != nil {
				nc = nil
				if over() {
					st.dialing = true // the server never completed the handshake
					return
				}
				st.errors["connect: "+errKind(err)]++
				// Do not hammer a server that refuses: wait a little.
				if !pause(ctx, 10*time.Millisecond) {
					return
				}
				continue
			}
			nc.SetDeadline(end)
			// Ctrl-C (or the end) wakes a client blocked in a read.
			c := nc
			stopWatch = context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
			br = bufio.NewReader(nc)
		}
		t0 := time.Now()
		if _, err := io.WriteString(nc, req); err != nil {
			if over() {
				return // the run ended before this request could start
			}
			st.errors["write: "+errKind(err)]++
			drop()
			continue
		}
		resp, err := http.ReadResponse(br, nil)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && over() {
				st.cut++ // still waiting when the run ended: not an error, a non-answer
				return
			}
			st.errors["read: "+errKind(err)]++
			drop()
			continue
		}
		if over() {
			// Arrived after the end: clients stop at slightly different
			// moments, and a response that only came because another
			// client had already left would flatter the server.
			st.cut++
			return
		}
		st.latencies = append(st.latencies, time.Since(t0))
		st.responses++
		done.Add(1)
		if resp.StatusCode/100 == 2 {
			st.ok++
		} else {
			st.status[resp.StatusCode]++
		}
		if !cfg.KeepAlive || resp.Close {
			drop()
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			// A polite client honours Retry-After (wrk does not).
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			if !pause(ctx, time.Duration(max(secs, 0))*time.Second) {
				return
			}
		}
	}
}

// pause waits d, or until ctx ends; it reports whether time is left.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}

// errKind names an error by what went wrong, not by its full text.
func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed by server"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "out of local ports"
	case errors.Is(err, syscall.EMFILE):
		return "out of file descriptors"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
}

// Report writes the result as short labelled lines.
func (r LoadResult) Report(w io.Writer) {
	c := r.Config
	ka := "new connection per request"
	if c.KeepAlive {
		ka = "keep-alive"
	}
	stopped := ""
	if r.Stopped {
		stopped = fmt.Sprintf(" (stopped by Ctrl-C after %v)", r.Elapsed.Round(10*time.Millisecond))
	}
	fmt.Fprintf(w, "load: %d clients, %v, %s, GET %s%s\n", c.Clients, c.Duration, ka, c.Path, stopped)
	fmt.Fprintf(w, "  responses:   %d ok (2xx), %s\n", r.OK, r.statusText())
	fmt.Fprintf(w, "  throughput:  %.0f responses/s\n", r.Throughput())
	fmt.Fprintf(w, "  latency:     p50 %v  p90 %v  p99 %v  max %v\n",
		round(r.Percentile(50)), round(r.Percentile(90)), round(r.Percentile(99)), round(r.Percentile(100)))
	fmt.Fprintf(w, "  errors:      %s\n", r.errorText())
	fmt.Fprintf(w, "  unanswered:  %d requests still waiting when time ran out\n", r.Cut)
	if r.Dialing > 0 {
		fmt.Fprintf(w, "  connecting:  %d clients still in connect() when time ran out (the server's backlog is full)\n", r.Dialing)
	}
	lo, mid, hi := spread(r.PerClient)
	fmt.Fprintf(w, "  fairness:    %d of %d clients got no response at all, %d got no 2xx\n", r.Silent, c.Clients, r.Unserved)
	fmt.Fprintf(w, "               2xx per client: min %d, median %d, max %d\n", lo, mid, hi)
}

func (r LoadResult) statusText() string {
	if len(r.Status) == 0 {
		return "no other status"
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(r.Status)) {
		parts = append(parts, fmt.Sprintf("%d × %d", r.Status[code], code))
	}
	return strings.Join(parts, ", ")
}

func (r LoadResult) errorText() string {
	if len(r.Errors) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, r.Errors[k]))
	}
	return strings.Join(parts, ", ")
}

// ErrorCount is the number of failed requests of every kind.
func (r LoadResult) ErrorCount() int64 {
	var n int64
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// spread is the minimum, median and maximum of the counts.
func spread(counts []int) (lo, mid, hi int) {
	if len(counts) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(counts)
	slices.Sort(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}

// round keeps two or three significant figures of a latency.
func round(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= 10*time.Microsecond:
		return d.Round(time.Microsecond)
	}
	return d
}

// runLoadCommand is the load command: run, report, and turn what happened
// into the exit status. No response at all is a failure (a closed port is
// not a fast server), and so is an error rate above cfg.MaxErrorRate.
func runLoadCommand(ctx context.Context, w, progress io.Writer, cfg LoadConfig) error {
	fmt.Fprintf(progress, "load: %d clients against %s for %v (Ctrl-C stops early and reports)\n", cfg.Clients, cfg.Addr, cfg.Duration)
	cfg.Progress = progress
	if f, ok := progress.(interface{ Stat() (os.FileInfo, error) }); ok {
		fi, err := f.Stat()
		cfg.Live = err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
	}
	r := RunLoad(ctx, cfg)
	r.Report(w)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	total := int64(len(r.Latencies)) + r.ErrorCount()
	switch {
	case len(r.Latencies) == 0:
		return fmt.Errorf("no response at all from %s (errors: %s)", cfg.Addr, r.errorText())
	case total > 0 && float64(r.ErrorCount())/float64(total) > cfg.MaxErrorRate:
		return fmt.Errorf("%d of %d requests failed, more than -max-error-rate %g", r.ErrorCount(), total, cfg.MaxErrorRate)
	}
	return nil
}

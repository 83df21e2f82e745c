package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/trace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// The server of sections 3 and 4: the smallest HTTP server that has what
// chapter 07's needs to be profiled in production. Chapter 07's own server
// could take the same two things: a -pprof flag that mounts net/http/pprof,
// and a flight recorder that keeps the last seconds of the execution trace
// and writes them out when a request is slower than a threshold.
//
// Handlers:
//
//	/work?n=N    hashes N buffers (section 1's work) and answers the checksum
//	/wait        waits until the server is told to let waiting requests go
//	/debug/pprof/...  the profiles, with -pprof
type profServer struct {
	mux     *http.ServeMux
	slow    time.Duration // a request slower than this triggers a snapshot (0: never)
	dir     string        // where snapshots go
	flight  *trace.FlightRecorder
	release chan struct{} // closed to let /wait requests return
	waiting chan struct{} // one value each time a /wait request starts waiting

	client *http.Client // for the lesson's own requests; see listen

	snapshots atomic.Int32 // snapshots written
	snapMu    sync.Mutex   // one snapshot at a time: WriteTo allows one
	lastSnap  string
}

type serverOptions struct {
	pprof  bool          // mount net/http/pprof under /debug/pprof/
	flight bool          // run the flight recorder
	slow   time.Duration // snapshot threshold
	dir    string
}

func newProfServer(o serverOptions) (*profServer, error) {
	s := &profServer{
		mux: http.NewServeMux(), slow: o.slow, dir: o.dir,
		release: make(chan struct{}), waiting: make(chan struct{}, 64),
	}
	s.mux.HandleFunc("/work", s.work)
	s.mux.HandleFunc("/wait", s.wait)
	if o.pprof {
		// net/http/pprof's init registers these on http.DefaultServeMux;
		// mounting them on our own mux keeps them off any other server.
		s.mux.HandleFunc("/debug/pprof/", pprof.Index)
		s.mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		s.mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		s.mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		s.mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	if o.flight {
		// Keep about the last two seconds, and at most 16 MiB of them.
		s.flight = trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 2 * time.Second, MaxBytes: 16 << 20})
		if err := s.flight.Start(); err != nil {
			return nil, fmt.Errorf("flight recorder: %w", err)
		}
	}
	return s, nil
}

// Close stops the flight recorder and lets waiting requests go.
func (s *profServer) Close() {
	s.Release()
	if s.flight != nil {
		s.flight.Stop()
	}
}

// Release lets every /wait request return, now and from now on.
func (s *profServer) Release() {
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

// ServeHTTP wraps every request in a trace task, so go tool trace can show
// each request's regions and logs together, and times it.
func (s *profServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, task := trace.NewTask(r.Context(), "request")
	defer task.End()
	trace.Log(ctx, "url", r.URL.String())
	start := time.Now()
	s.mux.ServeHTTP(w, r.WithContext(ctx))
	if took := time.Since(start); s.flight != nil && s.slow > 0 && took > s.slow {
		trace.Logf(ctx, "slow", "%s took %s", r.URL, took)
		s.snapshot()
	}
}

// snapshot writes what the flight recorder holds to a new file.
func (s *profServer) snapshot() {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	n := s.snapshots.Add(1)
	path := filepath.Join(s.dir, fmt.Sprintf("flight-%d.trace", n))
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := s.flight.WriteTo(f); err == nil {
		s.lastSnap = path
	}
}

func (s *profServer) work(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 || n > 10_000 {
		http.Error(w, "n must be a number from 1 to 10000", http.StatusBadRequest)
		return
	}
	var sum uint64
	trace.WithRegion(r.Context(), "hash", func() {
		buf := make([]byte, 16<<10)
		for i := range n {
			sum ^= hashJob(buf, uint64(i))
		}
	})
	fmt.Fprintf(w, "%x\n", sum)
}

func (s *profServer) wait(w http.ResponseWriter, r *http.Request) {
	s.waiting <- struct{}{}
	select {
	case <-s.release:
		io.WriteString(w, "released\n")
	case <-r.Context().Done():
	}
}

// listen serves on a fresh loopback port; it returns the base URL and a
// function that stops the server and waits for it. s.client then talks to
// it, and its idle connections are closed by stop, so no goroutine is left.
func (s *profServer) listen() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(ln)
	}()
	s.client = &http.Client{Transport: &http.Transport{}}
	stop := sync.OnceFunc(func() {
		s.Release()
		defer s.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
		<-done
		s.Close()
	})
	return "http://" + ln.Addr().String(), stop, nil
}

// The serve command: the same server on a port of your choice.
var serveCfg struct {
	addr   string
	pprof  bool
	flight time.Duration
	dir    string
}

func serveFlags(f *lesson.Flags) {
	f.StringVar(&serveCfg.addr, "addr", "127.0.0.1:8080", "`address` to listen on")
	f.BoolVar(&serveCfg.pprof, "pprof", false, "mount net/http/pprof under /debug/pprof/")
	f.Duration(&serveCfg.flight, "flight", 0, 0, time.Minute, "run the flight recorder and write a snapshot when a request takes longer than this (0: off)")
	f.StringVar(&serveCfg.dir, "dir", os.TempDir(), "`directory` for flight recorder snapshots")
}

func serve(ctx context.Context, w io.Writer) error {
	s, err := newProfServer(serverOptions{pprof: serveCfg.pprof, flight: serveCfg.flight > 0, slow: serveCfg.flight, dir: serveCfg.dir})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", serveCfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (pick another with -addr)", serveCfg.addr, err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(w, "serving on http://%s (/work?n=10, /wait", ln.Addr())
	if serveCfg.pprof {
		fmt.Fprint(w, ", /debug/pprof/")
	}
	fmt.Fprintln(w, "); Ctrl-C stops")
	if serveCfg.flight > 0 {
		fmt.Fprintf(w, "flight recorder on: a request slower than %s writes %s/flight-N.trace\n", serveCfg.flight, serveCfg.dir)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Release()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	<-errc
	return ctx.Err()
}

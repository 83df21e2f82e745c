package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Bounds on the work one request may ask for. Without them a single
// /primes?n=1e12 would hold a worker for hours: a denial of service that
// needs no slowloris at all.
const (
	MaxPrimesN = 1_000_000
	MaxSleepMS = 5_000
)

// Stats is what GET /stats reports.
type Stats struct {
	Mode      string `json:"mode"`
	Workers   int    `json:"workers"`
	Busy      int64  `json:"busy"`
	Queued    int    `json:"queued"`
	Served    int64  `json:"served"`
	Rejected  int64  `json:"rejected"`
	OpenConns int64  `json:"open_connections"`
	Uptime    string `json:"uptime"`
}

// newHandler returns the endpoints as an ordinary http.Handler, so the very
// same code runs under our three modes and under net/http's own server
// (compare does exactly that). stats may be nil.
func newHandler(stats func() Stats) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, indexPage)
	})
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	mux.HandleFunc("GET /primes", func(w http.ResponseWriter, r *http.Request) {
		n, ok := intParam(w, r, "n", 0, MaxPrimesN)
		if ok {
			fmt.Fprintf(w, "%d\n", countPrimes(n))
		}
	})
	mux.HandleFunc("GET /sleep", func(w http.ResponseWriter, r *http.Request) {
		ms, ok := intParam(w, r, "ms", 0, MaxSleepMS)
		if !ok {
			return
		}
		// Waiting work: the goroutine is parked, not burning CPU. A server
		// shutting down past its deadline cancels the context.
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			fmt.Fprintf(w, "slept %dms\n", ms)
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		if stats == nil {
			http.Error(w, "no stats for this server", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(stats())
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		panic("handler panicked on purpose")
	})
	return mux
}

const indexPage = `07-pool-server endpoints:
  GET /              this list
  GET /hello         a short greeting
  GET /primes?n=N    how many primes are <= N (CPU work, N <= 1000000)
  GET /sleep?ms=N    wait N milliseconds (waiting work, N <= 5000)
  GET /stats         the server's counters as JSON
  GET /panic         a handler that panics (the server answers 500 and lives on)
`

// intParam reads an integer query parameter in [lo, hi]. On a bad value it
// answers 400 with a one-line reason and reports false.
func intParam(w http.ResponseWriter, r *http.Request, name string, lo, hi int) (int, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		http.Error(w, fmt.Sprintf("missing parameter %s (an integer from %d to %d)", name, lo, hi), http.StatusBadRequest)
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		http.Error(w, fmt.Sprintf("%s must be an integer from %d to %d, got %q", name, lo, hi, s), http.StatusBadRequest)
		return 0, false
	}
	return v, true
}

// countPrimes counts the primes ≤ n with the sieve of Eratosthenes: CPU work
// that takes time proportional to n and memory of n bytes.
func countPrimes(n int) int {
	if n < 2 {
		return 0
	}
	composite := make([]bool, n+1)
	count := 0
	for i := 2; i <= n; i++ {
		if composite[i] {
			continue
		}
		count++
		for j := i * i; j <= n; j += i {
			composite[j] = true
		}
	}
	return count
}

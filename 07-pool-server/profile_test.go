package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xtrace "golang.org/x/exp/trace"
)

// lineWriter hands every complete line written to it to a channel, and
// keeps everything, so a test can wait for a line (never sleep) and read
// the whole output at the end.
type lineWriter struct {
	mu    sync.Mutex
	all   strings.Builder
	part  string
	lines chan string
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.part += string(p)
	for {
		line, rest, ok := strings.Cut(l.part, "\n")
		if !ok {
			break
		}
		l.part = rest
		select {
		case l.lines <- line:
		default: // nobody is waiting for this many; all keeps it
		}
	}
	return len(p), nil
}

func (l *lineWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// A running serve command, in this process.
type serveRun struct {
	out, errw *lineWriter
	cancel    context.CancelFunc
	code      chan int
}

// startServe runs `serve args...` until stop. The server's own address is
// the first line's second field.
func startServe(t *testing.T, args ...string) (*serveRun, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &serveRun{
		out:    &lineWriter{lines: make(chan string, 256)},
		errw:   &lineWriter{lines: make(chan string, 256)},
		cancel: cancel,
		code:   make(chan int, 1),
	}
	go func() {
		r.code <- chapter.Run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), r.out, r.errw)
	}()
	t.Cleanup(func() { r.stop() })
	first := r.waitFor(t, "serving http://")
	return r, strings.TrimSuffix(strings.TrimPrefix(strings.Fields(first)[1], "http://"), "/")
}

// waitFor returns the next line of stdout that starts with prefix.
func (r *serveRun) waitFor(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.NewTimer(time.Minute) // a guard, not a wait: lines come much sooner
	defer deadline.Stop()
	for {
		select {
		case line := <-r.out.lines:
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case code := <-r.code:
			r.code <- code
			require.FailNow(t, "serve ended", "exit %d before a line %q:\n%s%s", code, prefix, r.out, r.errw)
		case <-deadline.C:
			require.FailNow(t, "no line", "no line %q in a minute:\n%s%s", prefix, r.out, r.errw)
		}
	}
}

// stop cancels the command (Ctrl-C) and returns its exit status.
func (r *serveRun) stop() int {
	r.cancel()
	code := <-r.code
	r.code <- code
	return code
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	// A client of its own, without keep-alive: nothing of it outlives the
	// test (goleak watches).
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// -pprof serves the profiles on a port of its own, and never on the lesson
// server's port; both stop at Ctrl-C.
func TestServePprof(t *testing.T) {
	r, addr := startServe(t, "-pprof", "127.0.0.1:0")
	line := r.waitFor(t, "pprof on ")
	index := strings.Fields(line)[2] // http://127.0.0.1:PORT/debug/pprof/
	require.True(t, strings.HasPrefix(index, "http://127.0.0.1:") && strings.HasSuffix(index, "/debug/pprof/"), line)
	pprofAddr := strings.TrimSuffix(strings.TrimPrefix(index, "http://"), "/debug/pprof/")
	require.NotEqual(t, addr, pprofAddr)

	for _, tc := range []struct {
		url    string
		status int
		want   string
	}{
		{index, 200, "goroutine"},
		{index + "goroutine?debug=1", 200, "goroutine profile: total"},
		{index + "cmdline", 200, ""},
		{"http://" + addr + "/debug/pprof/", 404, ""},
		{"http://" + addr + "/debug/pprof/goroutine?debug=1", 404, ""},
		{"http://" + addr + "/hello", 200, "hello"},
	} {
		status, body := httpGet(t, tc.url)
		assert.Equal(t, tc.status, status, tc.url)
		assert.Contains(t, body, tc.want, tc.url)
	}

	assert.Equal(t, 130, r.stop())
	_, err := net.Dial("tcp", pprofAddr)
	assert.Error(t, err, "the pprof listener is closed too")
}

// Ctrl-C during a 60-second CPU profile ends the profile early, with what
// it has, instead of holding the shutdown (or cutting the answer off).
func TestServePprofProfileEndsAtShutdown(t *testing.T) {
	r, _ := startServe(t, "-pprof", "127.0.0.1:0")
	index := strings.Fields(r.waitFor(t, "pprof on "))[2]
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	got := make(chan answer, 1)
	go func() { // no require here: it may not stop a test from this goroutine
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(index + "profile?seconds=60")
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- answer{resp, body, err}
	}()
	// The profile is being taken once its handler shows in the goroutines.
	for {
		_, body := httpGet(t, index+"goroutine?debug=1")
		if strings.Contains(body, "net/http/pprof.Profile") {
			break
		}
	}
	assert.Equal(t, 130, r.stop())
	a := <-got
	require.NoError(t, a.err)
	assert.Equal(t, 200, a.resp.StatusCode)
	assert.NotEmpty(t, a.body, "a CPU profile, cut short")
}

// A -pprof address in use is one line and exit status 1, and the lesson
// server's listener is closed again.
func TestServePprofAddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	var out, errw strings.Builder
	code := chapter.Run(t.Context(), []string{"serve", "-addr", "127.0.0.1:0", "-pprof", taken.Addr().String()}, &out, &errw)
	assert.Equal(t, 1, code)
	assert.Equal(t, "07-pool-server: serve: -pprof "+taken.Addr().String()+": address already in use (try another port, or -pprof 127.0.0.1:0)\n", errw.String())
	assert.Empty(t, out.String())
}

// readTrace parses a trace file and counts its events.
func readTrace(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tr, err := xtrace.NewReader(bufio.NewReader(f))
	require.NoError(t, err, "%s is an execution trace", path)
	n := 0
	for {
		_, err := tr.ReadEvent()
		if errors.Is(err, io.EOF) {
			return n
		}
		require.NoError(t, err)
		n++
	}
}

// -flight writes a snapshot after a slow request, whatever the mode: the
// hook is Config.Wrap, which every mode (and net/http's server) calls.
// /sleep?ms=200 against -flight 20ms is slow by construction.
func TestServeFlightEveryMode(t *testing.T) {
	for _, mode := range [][]string{
		{"-mode", "pool"}, {"-mode", "request"}, {"-mode", "request", "-handoff"}, {"-mode", "goroutine"}, {"-mode", "net/http"},
	} {
		t.Run(strings.Join(mode, " "), func(t *testing.T) {
			dir := t.TempDir()
			r, addr := startServe(t, append(mode, "-flight", "20ms", "-dir", dir)...)
			r.waitFor(t, "flight recorder: a request slower than 20ms writes "+filepath.Join(dir, "flight-N.trace"))
			status, body, err := roundTrip(addr, get("/hello"))
			require.NoError(t, err)
			require.Equal(t, 200, status, body)
			status, body, err = roundTrip(addr, get("/sleep?ms=200"))
			require.NoError(t, err)
			require.Equal(t, 200, status, body)

			line := r.waitFor(t, "flight: ")
			path := filepath.Join(dir, "flight-1.trace")
			assert.Regexp(t, `^flight: GET /sleep\?ms=200 took \d+ms; wrote `+regexp.QuoteMeta(path)+` \(\d+ bytes\)$`, line)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Positive(t, fi.Size())
			assert.Positive(t, readTrace(t, path), "the snapshot has events")

			assert.Equal(t, 130, r.stop())
			assert.Contains(t, r.out.String(), "flight recorder: 1 snapshot file(s) kept in "+dir+"\n")
			left, err := filepath.Glob("*.trace")
			require.NoError(t, err)
			assert.Empty(t, left, "nothing written in the repository")
		})
	}
}

// Without -dir, snapshots go to a new temporary directory, which is kept
// when it holds one and removed when it stayed empty.
func TestServeFlightDefaultDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	r, addr := startServe(t, "-flight", "20ms")
	line := r.waitFor(t, "flight recorder: a request slower than 20ms writes ")
	dir := filepath.Dir(strings.Fields(line)[8])
	assert.Equal(t, tmp, filepath.Dir(dir), line)
	_, _, err := roundTrip(addr, get("/sleep?ms=100"))
	require.NoError(t, err)
	r.waitFor(t, "flight: GET /sleep?ms=100")
	assert.Equal(t, 130, r.stop())
	assert.FileExists(t, filepath.Join(dir, "flight-1.trace"), "kept for the learner")

	r, _ = startServe(t, "-flight", "1m")
	line = r.waitFor(t, "flight recorder: a request slower than 1m0s writes ")
	dir = filepath.Dir(strings.Fields(line)[8])
	assert.DirExists(t, dir)
	assert.Equal(t, 130, r.stop())
	assert.Contains(t, r.out.String(), "flight recorder: no request took longer than 1m0s; removed the empty "+dir+"\n")
	assert.NoDirExists(t, dir)
}

// One snapshot at a time, and one per `every` at most: a second slow
// request right after the first is counted, not written.
func TestFlightWritesOneSnapshotPerInterval(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder // written by the snapshot's goroutine; read after stop
	f, err := startFlight(time.Millisecond, dir, &out)
	require.NoError(t, err)
	f.every = time.Hour
	h := f.wrap(newHandler(nil))
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/sleep?ms=5", nil)) // at least 5ms
		require.Equal(t, 200, rec.Code)
	}
	written, missed := f.stop()
	assert.Equal(t, 1, written)
	assert.Equal(t, 1, missed)
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, "flight-1.trace", files[0].Name())
	assert.Contains(t, out.String(), "flight: GET /sleep?ms=5 took ")
	assert.Equal(t, 1, strings.Count(out.String(), "\n"))
	assert.Positive(t, readTrace(t, filepath.Join(dir, "flight-1.trace")))
}

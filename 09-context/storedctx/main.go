// Command storedctx is broken on purpose: a handler keeps its request's
// context in a struct, and work that outlives the request uses it. net/http
// cancels r.Context() when the handler returns, so the deferred work fails
// every time, though nothing is wrong with it.
//
// The rule (from the context package's documentation): do not store a
// context in a struct; pass it to each call. Work that must outlive the
// request takes context.WithoutCancel(r.Context()), or a context of its own.
//
//	go run ./09-context/storedctx
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

// Job is the bug: it holds the context of the request that made it.
type Job struct {
	ctx   context.Context
	order string
}

// Save runs after the request has been answered.
func (j *Job) Save() error {
	if err := j.ctx.Err(); err != nil {
		return fmt.Errorf("saving %s: %w", j.order, err)
	}
	return nil
}

func main() {
	jobs := make(chan *Job, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jobs <- &Job{ctx: r.Context(), order: "order-17"} // saved later, in the background
		fmt.Fprintln(w, "accepted")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()

	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("client: %s %s", resp.Status, body)
	// The response has been read, so the handler has returned, and net/http
	// has cancelled the request's context.
	job := <-jobs
	<-job.ctx.Done()
	if err := job.Save(); err != nil {
		fmt.Println("background:", err)
		os.Exit(1)
	}
	fmt.Println("background: saved")
}

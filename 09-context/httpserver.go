package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// NewServer is net/http's server with every limit named, where chapter 07
// built each by hand on raw sockets. base is the context every request's
// r.Context() derives from (BaseContext); Shutdown cancels it through
// RegisterOnShutdown, so long-running handlers hear about a shutdown.
func NewServer(base context.Context, h http.Handler) *http.Server {
	base, cancel := context.WithCancelCause(base)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 100 * time.Millisecond, // a slow client may not hold a connection open for free
		ReadTimeout:       time.Second,            // the whole request, body included
		WriteTimeout:      time.Second,            // from the end of the headers to the end of the response
		IdleTimeout:       30 * time.Second,       // a keep-alive connection between requests
		MaxHeaderBytes:    4 << 10,                // more is 431 Request Header Fields Too Large
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	srv.RegisterOnShutdown(func() { cancel(errors.New("server shutting down")) })
	return srv
}

func showHTTPServer(ctx context.Context, w io.Writer) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(rw http.ResponseWriter, r *http.Request) { fmt.Fprintln(rw, "hello") })
	slow := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(500 * time.Millisecond):
			fmt.Fprintln(rw, "finally")
		case <-r.Context().Done():
		}
	})
	mux.Handle("/slow", slow)
	mux.Handle("/bounded", http.TimeoutHandler(slow, 50*time.Millisecond, "over the 50ms limit\n"))
	polling := make(chan struct{})
	mux.HandleFunc("/poll", func(rw http.ResponseWriter, r *http.Request) {
		close(polling)
		<-r.Context().Done() // a long poll: until the client leaves or the server shuts down
		fmt.Fprintf(rw, "poll ended: %v\n", context.Cause(r.Context()))
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := NewServer(context.WithoutCancel(ctx), mux)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() { srv.Close(); <-served }()
	addr := ln.Addr().String()
	url := "http://" + addr
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	fmt.Fprintf(w, "a client that sends half a header and stops: %s\n", halfHeader(addr))
	fmt.Fprintf(w, "an 8 KiB header against MaxHeaderBytes 4 KiB: %s\n", status(client.Do(bigHeader(url+"/hello"))))
	fmt.Fprintf(w, "http.TimeoutHandler at 50ms around a 500ms handler: %s\n", status(client.Get(url+"/bounded")))

	timed := &http.Client{Transport: client.Transport, Timeout: 50 * time.Millisecond}
	_, err = timed.Get(url + "/slow")
	fmt.Fprintf(w, "client side, http.Client.Timeout 50ms: %v\n", trimURL(err, url))
	rctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(rctx, "GET", url+"/slow", nil)
	_, err = client.Do(req)
	fmt.Fprintf(w, "client side, a context deadline of 50ms: %v\n", trimURL(err, url))
	fmt.Fprintln(w, "  (Timeout bounds every request of that client; a context bounds this one call, and is cancelled by its caller too)")

	poll := make(chan string, 1)
	go func() { poll <- status(client.Get(url + "/poll")) }()
	<-polling
	sctx, cancelShutdown := context.WithTimeout(ctx, 5*time.Second)
	defer cancelShutdown()
	err = srv.Shutdown(sctx)
	fmt.Fprintf(w, "Shutdown with a long poll in flight: Shutdown returned %v; the poll got %s\n", err, <-poll)
	fmt.Fprintf(w, "  Serve returned: %v\n", <-served)
	served <- nil // for the deferred Close
	return ctx.Err()
}

// halfHeader sends the start of a request and never finishes it, as a
// slowloris client does, and reports how the server answered.
func halfHeader(addr string) string {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err.Error()
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprint(conn, "GET /hello HTTP/1.1\r\nHost: x\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	took := time.Since(start).Round(10 * time.Millisecond)
	if err != nil {
		return fmt.Sprintf("the server closed the connection after %v (%v)", took, err)
	}
	return fmt.Sprintf("%q after %v", strings.TrimSpace(line), took)
}

func bigHeader(url string) *http.Request {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Big", strings.Repeat("x", 8<<10))
	return req
}

// status is a response's status line and body, or the error.
func status(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%s %q", resp.Status, strings.TrimSpace(string(body)))
}

// trimURL drops the URL from a client error, whose port changes every run.
func trimURL(err error, url string) string {
	if err == nil {
		return "<nil>"
	}
	return strings.ReplaceAll(err.Error(), url, "URL")
}

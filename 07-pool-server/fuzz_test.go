package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzServeRawBytes sends arbitrary bytes to a server and checks that it
// neither panics nor hangs: whatever comes in, the server answers with
// well-formed HTTP (or nothing) and closes the connection within its
// timeouts. The seeds run in every `go test`; `go test -fuzz
// FuzzServeRawBytes ./07-pool-server` searches for more.
//
// The bubble's fake clock makes the timeouts free, and a real hang is
// caught: synctest reports a bubble where every goroutine is blocked with
// no timer left to fire.
func FuzzServeRawBytes(f *testing.F) {
	for _, seed := range []string{
		"",
		"\r\n",
		req("GET", "/hello"),
		req("GET", "/primes?n=1000") + req("HEAD", "/hello") + req("GET", "/stats"),
		"GET /hello HTTP/1.1\r\n",
		"GET /hello HTTP/1.0\r\n\r\n",
		"HELLO\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost b\r\n\r\n",
		"GET /primes?n=99999999999999999999 HTTP/1.1\r\n\r\n",
		"GET /sleep?ms=10 HTTP/1.1\r\n\r\nGET /panic HTTP/1.1\r\n\r\n",
		"POST /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
		"POST /hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"POST /hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"POST /hello HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort",
		"GET /hello HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET http://example.com/hello HTTP/1.1\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET /%zz HTTP/1.1\r\n\r\n",
		"GET /hello HTTP/1.1\r\nX: " + strings.Repeat("a", 2000) + "\r\n\r\n",
		"\x00\xff\xfe GET\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Fake time cannot see a goroutine spinning or stuck on a lock; a
		// real-time watchdog outside the bubble can, and its panic makes the
		// fuzzer keep the input.
		watchdog := time.AfterFunc(10*time.Second, func() {
			panic(fmt.Sprintf("FuzzServeRawBytes: still running after 10s on %q", data))
		})
		defer watchdog.Stop()
		synctest.Test(t, func(t *testing.T) {
			mode := Modes[len(data)%len(Modes)]
			s, l, stop := pipeServer(t, Config{Mode: mode, Workers: 1, MaxHeaderBytes: 1024,
				ReadHeaderTimeout: time.Second, IdleTimeout: time.Second})
			c := dialPipe(t, l)
			wrote := make(chan struct{})
			go func() {
				c.nc.Write(data) // fails once the server hangs up; that is fine
				close(wrote)
			}()
			out, err := io.ReadAll(c.br) // until the server closes
			require.NoError(t, err)
			c.nc.Close()
			<-wrote
			stop()
			assert.Zero(t, s.Stats().OpenConns)

			if len(out) == 0 {
				return
			}
			require.True(t, bytes.HasPrefix(out, []byte("HTTP/1.1 ")), "answer starts with a status line: %q", out)
			// The first answer parses, with a status the server is known to send.
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), &http.Request{Method: "HEAD"})
			require.NoError(t, err, "%q", out)
			assert.Contains(t, []int{200, 301, 307, 308, 400, 404, 405, 408, 417, 431, 500, 501, 505}, resp.StatusCode, "%q", out)
		})
	})
}

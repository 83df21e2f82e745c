package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// bufferedResponse is the http.ResponseWriter our server hands to handlers.
// It keeps the whole body in memory and writes status line, headers and body
// to the stream only when the handler has returned. That costs a copy, and
// buys two things a teaching server wants: Content-Length is always known
// (so keep-alive always works), and a handler that panics halfway has written
// nothing yet, so the client can still get a clean 500.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: make(http.Header)}
}

func (r *bufferedResponse) Header() http.Header { return r.header }

func (r *bufferedResponse) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *bufferedResponse) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// reset makes r ready for the next request on the same connection.
func (r *bufferedResponse) reset() {
	clear(r.header)
	r.status = 0
	r.body.Reset()
}

// writeResponse writes an HTTP/1.1 response to w. It adds Content-Length,
// a Content-Type if the handler set none, and "Connection: close" when the
// server will close the connection after this response. head suppresses the
// body (a HEAD request), keepAlive10 answers an HTTP/1.0 client that asked
// for keep-alive (ab -k does).
//
// This runs once per response, so it writes the status line and the headers
// it adds straight into w's buffer (strconv.Append* on AvailableBuffer)
// instead of through fmt and the header map: the CPU profile of `serve`
// under wrk showed fmt.Fprintf and Header.Set here, with three allocations
// per response. The handler's own headers still go through Header.Write,
// which sorts them and strips line breaks from their values.
func writeResponse(w *bufio.Writer, status int, h http.Header, body []byte, head, closing, keepAlive10 bool) error {
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteString("HTTP/1.1 ")
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(status), 10))
	w.WriteByte(' ')
	w.WriteString(http.StatusText(status))
	w.WriteString("\r\n")
	contentType := ""
	if h.Get("Content-Type") == "" && len(body) > 0 {
		contentType = http.DetectContentType(body)
	}
	connection := ""
	switch {
	case closing:
		connection = "close"
	case keepAlive10:
		connection = "keep-alive"
	}
	// The headers this function sets replace the handler's.
	h.Del("Content-Length")
	if connection != "" {
		h.Del("Connection")
	}
	if err := h.Write(w); err != nil {
		return err
	}
	w.WriteString("Content-Length: ")
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(len(body)), 10))
	w.WriteString("\r\n")
	if contentType != "" {
		w.WriteString("Content-Type: ")
		w.WriteString(contentType)
		w.WriteString("\r\n")
	}
	if connection != "" {
		w.WriteString("Connection: ")
		w.WriteString(connection)
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	if !head {
		w.Write(body)
	}
	return w.Flush()
}

// writeError writes a short plain-text error response. Every error answer
// from the server itself (400, 408, 431, 500, 503) goes through here.
func writeError(w *bufio.Writer, status int, reason string, extra http.Header, closing bool) error {
	h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	for k, v := range extra {
		h[k] = v
	}
	body := []byte(reason + "\n")
	return writeResponse(w, status, h, body, false, closing, false)
}

// limitReader sits between the connection and the bufio.Reader. Before each
// request the server gives it a budget of header bytes; reading past the
// budget looks like EOF to http.ReadRequest, and hit tells the server the
// header was too large (431) rather than cut off by the client. It also
// counts bytes, so the server can tell "nothing arrived" from "half a
// request arrived".
type limitReader struct {
	r      io.Reader
	remain int64
	hit    bool
	n      int64 // bytes read since the last reset

	// While capturing, the bytes read are kept too: the raw header of the
	// request being read, for the checks http.ReadRequest does not leave
	// us the data for (it drops the Host header).
	capturing bool
	capture   []byte
}

// startCapture begins keeping the bytes of the next request, starting with
// those br has already buffered.
func (l *limitReader) startCapture(br *bufio.Reader) {
	b, _ := br.Peek(br.Buffered())
	l.capture = append(l.capture[:0], b...)
	l.capturing = true
}

// stopCapture returns what was kept: the request's header, and perhaps
// more after it.
func (l *limitReader) stopCapture() []byte {
	l.capturing = false
	return l.capture
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.remain <= 0 {
		l.hit = true
		return 0, io.EOF
	}
	if int64(len(p)) > l.remain {
		p = p[:l.remain]
	}
	n, err := l.r.Read(p)
	if l.capturing {
		l.capture = append(l.capture, p[:n]...)
	}
	l.remain -= int64(n)
	l.n += int64(n)
	return n, err
}

func (l *limitReader) reset(budget int64) {
	l.remain, l.hit, l.n = budget, false, 0
}

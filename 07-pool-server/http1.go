package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"syscall"
	"time"
)

// This file is HTTP/1.1 on one connection, the same in every mode: read a
// request, check it, run the handler (handle, in mode_request.go, is where
// the modes differ), skip what is left of the body, write the response, and
// decide whether the connection may carry another request.
//
// http.ReadRequest parses; everything around it is ours, and that is where
// request smuggling hides. The rule this file keeps: the connection is
// reused only when the request's body was framed correctly and read to its
// end. Anything else (a malformed chunk, a body that stopped coming, a body
// too large to skip) means the server no longer knows where the next request
// begins, so it answers and closes. TestDifferential checks every decision
// here against net/http's own server, byte for byte.

// serveConn reads requests from one connection and answers them in order,
// until the client closes, a timeout fires, a request is bad, or the server
// shuts down.
func (s *Server) serveConn(c *conn) {
	defer s.untrack(c)
	lr := &limitReader{r: c.nc}
	br := bufio.NewReader(lr)
	bw := bufio.NewWriter(c.nc)
	resp := newBufferedResponse()
	// The budget counts bytes pulled from the socket while one header is
	// read, so it trips only when the header itself is larger.
	headerBudget := int64(s.cfg.MaxHeaderBytes)
	lastMethod := ""
	for {
		// Wait for the request to begin. The first request's clock started
		// when the connection was accepted (in mode pool it may have waited
		// in the queue since); later ones get IdleTimeout.
		var headerDeadline time.Time
		if c.requests == 0 {
			headerDeadline = c.accepted.Add(s.cfg.ReadHeaderTimeout)
			c.nc.SetReadDeadline(headerDeadline)
		} else {
			c.nc.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout))
		}
		if !s.setIdle(c) {
			return
		}
		lr.reset(headerBudget)
		// A kept-alive connection waits for the next request's first four
		// bytes (no request is shorter), as net/http does; what is shorter
		// and then ends was no request, and gets no answer.
		_, err := br.Peek(min(c.requests, 1)*3 + 1)
		if !s.setActive(c) || err != nil {
			return // closed while idle, or the client left: nothing to say
		}
		if c.requests > 0 {
			headerDeadline = time.Now().Add(s.cfg.ReadHeaderTimeout)
			c.nc.SetReadDeadline(headerDeadline)
		}
		if lastMethod == http.MethodPost {
			// Old clients send a CRLF after a POST body (RFC 9112, 2.2).
			peek, _ := br.Peek(4)
			br.Discard(leadingCRLF(peek))
		}

		lr.startCapture(br)
		req, err := http.ReadRequest(br)
		header := lr.stopCapture()
		if err == nil {
			err = checkRequest(req, header)
		}
		if err != nil {
			if s.badRequest(bw, lr, err, !time.Now().Before(headerDeadline)) {
				s.lingerClose(c.nc)
			}
			return
		}
		lastMethod = req.Method
		c.requests++
		// The body has no header budget; what the server reads of it is
		// bounded by maxBodyDrain below, and by the handlers, which read
		// none. The read deadline stays the header's: the body too must
		// have arrived by then.
		lr.reset(maxBodyDrain + 64<<10)
		c.nc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))

		// Expect: 100-continue asks for a go-ahead before the body comes.
		// We send it only if the handler reads the body; any other
		// expectation is refused (417), as net/http does.
		var ecr *expectContinueReader
		if expects := req.Header.Get("Expect"); strings.EqualFold(expects, "100-continue") {
			if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 {
				ecr = &expectContinueReader{body: req.Body, w: bw}
				req.Body = ecr
			}
		} else if expects != "" {
			writeError(bw, http.StatusExpectationFailed, "unsupported Expect header", nil, true)
			discardBeforeClose(req, req.Body)
			return
		}

		s.handle(c, resp, req.WithContext(s.baseCtx))

		// Keep-alive: HTTP/1.1 unless the client says close; HTTP/1.0 only
		// if the client asks for keep-alive (ab -k does). These are
		// net/http's own rules, quirks included.
		connHdr := req.Header.Get("Connection")
		keepAlive10 := req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasToken(connHdr, "keep-alive")
		closing := !keepAlive10 && (!req.ProtoAtLeast(1, 1) || req.Close || hasToken(connHdr, "close")) ||
			isH2Upgrade(req) || s.isShutting() || strings.EqualFold(resp.header.Get("Connection"), "close")
		linger, drained := false, req.ContentLength == 0
		switch {
		case closing:
		case ecr != nil && !ecr.sawEOF:
			// The client may still be waiting for "100 Continue", or
			// sending a body we never asked for: either way, close.
			closing = true
		case ecr == nil && req.ContentLength != 0:
			// Skip what the handler left of the body, before answering:
			// only a body read to its very end tells us where the next
			// request starts. A body too large to skip, a malformed
			// chunk, or one that stopped coming before the deadline
			// ends the connection after this response.
			n, err := io.CopyN(io.Discard, req.Body, maxBodyDrain+1)
			drained = true
			switch {
			case n > maxBodyDrain || lr.hit:
				closing, linger = true, true
			case errors.Is(err, io.EOF):
				req.Body.Close()
			default:
				closing = true
			}
		}
		err = writeResponse(bw, resp.status, resp.header, resp.body.Bytes(), req.Method == http.MethodHead, closing, keepAlive10 && !closing)
		resp.reset()
		if err != nil {
			return
		}
		s.served.Add(1)
		if closing {
			switch {
			case linger:
				s.lingerClose(c.nc)
			case !drained:
				body := req.Body
				if ecr != nil {
					body = ecr.body // no "100 Continue" now
				}
				discardBeforeClose(req, body)
			}
			return
		}
	}
}

// discardBeforeClose reads what comes of a body nobody read (up to the
// limit, until the deadline) before the connection is closed, so that the
// close is not a reset; net/http does the same, and so skips it for a
// Content-Length body of a request that itself asked to close.
func discardBeforeClose(req *http.Request, body io.Reader) {
	if req.Close && len(req.TransferEncoding) == 0 {
		return
	}
	io.CopyN(io.Discard, body, maxBodyDrain)
}

// hasToken reports whether token is in v, case-insensitively, between
// spaces, tabs or commas: net/http's loose reading of a Connection header.
func hasToken(v, token string) bool {
	for sp := 0; sp+len(token) <= len(v); sp++ {
		end := sp + len(token)
		if strings.EqualFold(v[sp:end], token) &&
			(sp == 0 || isTokenBoundary(v[sp-1])) && (end == len(v) || isTokenBoundary(v[end])) {
			return true
		}
	}
	return false
}

func isTokenBoundary(b byte) bool { return b == ' ' || b == ',' || b == '\t' }

// leadingCRLF counts the CR and LF bytes at the start of b.
func leadingCRLF(b []byte) int {
	n := 0
	for _, c := range b {
		if c != '\r' && c != '\n' {
			break
		}
		n++
	}
	return n
}

// statusError is a request the server refuses with a status other than 400.
type statusError struct {
	code int
	text string
}

func (e statusError) Error() string { return e.text }

// checkRequest applies the rules http.ReadRequest leaves to the server, the
// same ones net/http's server applies: an HTTP/1.x version, exactly one
// valid Host on HTTP/1.1, and header names and values made of the bytes
// RFC 9110 allows (so "X-A : a", with a space before the colon, is refused).
// header is the raw header as it came, because ReadRequest drops Host from
// req.Header.
func checkRequest(req *http.Request, header []byte) error {
	if req.ProtoMajor != 1 && !isH2Upgrade(req) {
		return statusError{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	}
	hosts := hostHeaders(header)
	if req.ProtoAtLeast(1, 1) && len(hosts) == 0 && !isH2Upgrade(req) && req.Method != http.MethodConnect {
		return errors.New("missing required Host header")
	}
	if len(hosts) == 1 && !validHost(hosts[0]) {
		return errors.New("malformed Host header")
	}
	for k, vv := range req.Header {
		if !validHeaderName(k) {
			return errors.New("invalid header name")
		}
		for _, v := range vv {
			if !validHeaderValue(v) {
				return errors.New("invalid header value")
			}
		}
	}
	return nil
}

// isH2Upgrade is the HTTP/2 connection preface, "PRI * HTTP/2.0": answered
// (by the handler) and closed.
func isH2Upgrade(req *http.Request) bool {
	return req.Method == "PRI" && req.RequestURI == "*" && req.ProtoMajor == 2 && req.ProtoMinor == 0
}

// hostHeaders returns the values of the Host lines in a raw request header
// (request line, header lines, blank line), joined and trimmed exactly as
// net/textproto does it, continuation lines (obs-fold) included.
func hostHeaders(header []byte) []string {
	var hosts []string
	inHost := false // the last header line was a Host line
	lines := bytes.Split(header, []byte("\n"))
	for i, line := range lines {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if i == 0 {
			continue // the request line
		}
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if inHost { // obs-fold: joined with one space
				hosts[len(hosts)-1] += " " + string(bytes.Trim(line, " \t"))
			}
			continue
		}
		if len(line) == 0 {
			break // the end of the header
		}
		k, v, ok := bytes.Cut(bytes.Trim(line, " \t"), []byte(":"))
		inHost = ok && textproto.CanonicalMIMEHeaderKey(string(k)) == "Host"
		if inHost {
			hosts = append(hosts, string(v))
		}
	}
	for i, h := range hosts {
		hosts[i] = strings.TrimLeft(h, " \t")
	}
	return hosts
}

// validHeaderName reports whether k is a token (RFC 9110, 5.1).
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := range len(k) {
		c := k[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// validHeaderValue reports whether v has no control bytes but tab.
func validHeaderValue(v string) bool {
	for i := range len(v) {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// validHost is net/http's lenient check: only bytes that may appear in a
// host, a port or an IPv6 literal.
func validHost(h string) bool {
	for i := range len(h) {
		c := h[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!$%&'()*+,-.:;=[]_~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// expectContinueReader sends "100 Continue" before the first read of a body
// whose client asked for it.
type expectContinueReader struct {
	body   io.ReadCloser
	w      *bufio.Writer
	sent   bool
	sawEOF bool
}

func (r *expectContinueReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		r.w.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := r.w.Flush(); err != nil {
			return 0, err
		}
	}
	n, err := r.body.Read(p)
	if err == io.EOF {
		r.sawEOF = true
	}
	return n, err
}

func (r *expectContinueReader) Close() error { return r.body.Close() }

// badRequest answers a request that could not be read, then the caller
// closes the connection. It reports whether the close should linger (see
// lingerClose). late says the header's deadline has passed: the parser may
// then report the cut-off line it was given as malformed, but the truth is
// that the client was too slow.
func (s *Server) badRequest(bw *bufio.Writer, lr *limitReader, err error, late bool) bool {
	var ne net.Error
	var se statusError
	switch {
	case lr.hit:
		writeError(bw, http.StatusRequestHeaderFieldsTooLarge,
			fmt.Sprintf("request header larger than %d bytes", s.cfg.MaxHeaderBytes), nil, true)
	case late || errors.As(err, &ne) && ne.Timeout():
		// Slowloris, or a client that stalled: it had ReadHeaderTimeout.
		// No lingering for a client this slow. (net/http closes without
		// a word; we say why.)
		writeError(bw, http.StatusRequestTimeout, "request header not received in time", nil, true)
		return false
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET):
		// The client went away between requests; nobody is listening.
		return false
	case strings.HasPrefix(err.Error(), "unsupported transfer encoding"), strings.HasPrefix(err.Error(), "too many transfer encodings"):
		// A transfer coding we do not know: the body cannot be framed.
		writeError(bw, http.StatusNotImplemented, "unsupported transfer encoding", nil, true)
		return false
	case errors.As(err, &se):
		writeError(bw, se.code, se.text, nil, true)
	default:
		writeError(bw, http.StatusBadRequest, oneLine(err.Error()), nil, true)
	}
	return true
}

// lingerClose is how to close while the client may still be sending (the
// rest of a huge header, or a body too large to skip). Closing a socket with
// unread input makes the kernel send a reset, and a reset can destroy the
// answer before the client reads it (curl: "Failure when receiving data",
// exit 55). So: half-close (the client sees our answer, then end of stream),
// and read and drop whatever still comes until the client stops: end of
// stream, or half a second with nothing new, and 5 seconds at most. Time
// bounds it, not bytes: reading into io.Discard costs no memory.
func (s *Server) lingerClose(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	quiet := min(500*time.Millisecond, s.cfg.ReadHeaderTimeout)
	end := time.Now().Add(10 * quiet)
	buf := make([]byte, 32<<10)
	for {
		next := time.Now().Add(quiet)
		if next.After(end) {
			next = end
		}
		nc.SetReadDeadline(next)
		if _, err := nc.Read(buf); err != nil {
			return
		}
	}
}

// oneLine keeps an error's text to one short line: parse errors quote what
// the client sent, which may be long or contain control bytes.
func oneLine(s string) string {
	b := []rune{}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			r = '?'
		}
		b = append(b, r)
		if len(b) >= 120 {
			b = append(b, '…')
			break
		}
	}
	return string(b)
}

// runHandler calls the handler and turns a panic into a 500 for this request
// only. The response is still in memory, so whatever the handler wrote before
// panicking is thrown away and the client gets a clean error.
func (s *Server) runHandler(w *bufferedResponse, req *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logf("panic serving %s %s: %v", req.Method, req.URL, p)
			w.reset()
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintln(w, "the handler panicked")
		}
	}()
	if req.Method == http.MethodOptions && req.RequestURI == "*" {
		// "OPTIONS *" asks about the server, not a resource: 200, empty,
		// as net/http answers it without calling the handler.
		w.WriteHeader(http.StatusOK)
		return
	}
	s.handler.ServeHTTP(w, req)
}

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCountPrimes(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{-5, 0}, {0, 0}, {1, 0}, {2, 1}, {3, 2}, {10, 4}, {100, 25}, {1000, 168}, {7919, 1000}, {MaxPrimesN, 78498},
	} {
		assert.Equal(t, tc.want, countPrimes(tc.n), "primes ≤ %d", tc.n)
	}
}

func Example_countPrimes() {
	fmt.Println(countPrimes(1000))
	// Output: 168
}

// The handlers are plain net/http handlers: the standard library's test
// recorder runs them without any server at all.
func TestHandlersWithoutAServer(t *testing.T) {
	h := newHandler(func() Stats { return Stats{Mode: "test", Workers: 3} })
	for _, tc := range []struct {
		target string
		status int
		body   string
	}{
		{"/primes?n=10", 200, "4\n"},
		{"/primes?n=x", 400, "n must be an integer from 0 to 1000000, got \"x\"\n"},
		{"/stats", 200, `{"mode":"test","workers":3,"busy":0,"queued":0,"served":0,"rejected":0,"open_connections":0,"uptime":""}` + "\n"},
		{"/nope", 404, "404 page not found\n"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.target, nil))
		assert.Equal(t, tc.status, rec.Code, tc.target)
		assert.Equal(t, tc.body, rec.Body.String(), tc.target)
	}
}

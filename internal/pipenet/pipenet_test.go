package pipenet

import (
	"bufio"
	"io"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo answers each line with the line, until the client hangs up.
func echo(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if _, err := io.WriteString(c, line); err != nil {
			return
		}
	}
}

func TestRoundTripAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := Listen()
		accepted := make(chan error, 1)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					accepted <- err
					return
				}
				go echo(c)
			}
		}()
		c, err := ln.DialClient()
		require.NoError(t, err)
		got, err := c.RoundTrip("hello")
		require.NoError(t, err)
		assert.Equal(t, "hello", got)
		assert.Equal(t, "pipe", ln.Addr().String())
		c.Close()

		require.NoError(t, ln.Close())
		require.NoError(t, ln.Close(), "a second Close is harmless")
		assert.ErrorIs(t, <-accepted, net.ErrClosed)
		_, err = ln.Dial()
		assert.ErrorIs(t, err, net.ErrClosed)
	})
}

// Nobody accepts: Dial gives up after DialWithin of fake time.
func TestDialGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := Listen()
		defer ln.Close()
		start := time.Now()
		_, err := ln.Dial()
		assert.ErrorContains(t, err, "did not accept")
		assert.Equal(t, DialWithin, time.Since(start))
	})
}

// A server that never answers: the client's deadline ends the wait.
func TestClientDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := Listen()
		defer ln.Close()
		held := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err == nil {
				held <- c
			}
		}()
		c, err := ln.DialClient()
		require.NoError(t, err)
		defer c.Close()
		s := <-held
		defer s.Close()
		go io.Copy(io.Discard, s) // reads the request, never answers
		_, err = c.RoundTrip("anyone?")
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	})
}

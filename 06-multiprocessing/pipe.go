//go:build unix

package main

import (
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A Conn is one end of a duplex channel between two processes, like the pair
// Python's multiprocessing.Pipe() returns. Underneath is a Unix socket pair:
// one descriptor per end that both reads and writes (two os.Pipes would do
// too, one per direction). Messages are framed by encoding/gob, which writes
// each value with its length, so the reader gets whole values, never half of
// one and never two glued together.
//
// Send and Recv may run at the same time, one goroutine each; two goroutines
// must not Send (or Recv) at once.
type Conn struct {
	f   *os.File
	enc *gob.Encoder
	dec *gob.Decoder
}

// newConnPair returns the parent's end and the file for the child's end.
// Pass the child's file in ExtraFiles, then close it in the parent.
func newConnPair() (*Conn, *os.File, error) {
	// Close-on-exec, so other children started meanwhile do not inherit
	// the pair; ForkLock keeps a fork from happening between the two calls
	// (macOS has no SOCK_CLOEXEC to do it in one).
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	// Non-blocking, so the parent's end is served by Go's poller: a
	// goroutine blocked in Recv does not hold an OS thread, and Close
	// wakes it up.
	unix.SetNonblock(fds[0], true)
	return newConn(os.NewFile(uintptr(fds[0]), "conn-parent")), os.NewFile(uintptr(fds[1]), "conn-child"), nil
}

func newConn(f *os.File) *Conn { return &Conn{f: f, enc: gob.NewEncoder(f), dec: gob.NewDecoder(f)} }

// Send writes one message.
func (c *Conn) Send(v any) error { return c.enc.Encode(v) }

// Recv reads one message into v. It returns io.EOF once the other end is
// closed (or its process is gone) and every message has been read.
func (c *Conn) Recv(v any) error { return c.dec.Decode(v) }

// Close closes this end; the other end's Recv then sees io.EOF.
func (c *Conn) Close() error { return c.f.Close() }

// request and reply are the messages of the duplex demo.
type request struct{ N int64 }
type reply struct {
	N, Square int64
	PID       int
}

// duplex sends each of ns to a child over one Conn and reads the replies
// over the same Conn, then closes its end so the child sees EOF and exits.
func duplex(ctx context.Context, ns []int64) ([]reply, error) {
	conn, childEnd, err := newConnPair()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	c, err := startRole(ctx, "square-server", []*os.File{childEnd})
	childEnd.Close() // the child has its own copy now
	if err != nil {
		return nil, err
	}
	var out []reply
	for _, n := range ns {
		if err = conn.Send(request{N: n}); err != nil {
			break
		}
		var r reply
		if err = conn.Recv(&r); err != nil {
			break
		}
		out = append(out, r)
	}
	conn.Close()
	if werr := c.Wait(); err == nil {
		err = werr
	}
	return out, err
}

// squareServer answers requests on fd 3 until the parent closes its end.
func squareServer([]string) int {
	conn := newConn(os.NewFile(3, "conn"))
	defer conn.Close()
	for {
		var q request
		if err := conn.Recv(&q); err == io.EOF {
			return 0
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "square-server:", err)
			return 1
		}
		if err := conn.Send(reply{N: q.N, Square: q.N * q.N, PID: os.Getpid()}); err != nil {
			fmt.Fprintln(os.Stderr, "square-server:", err)
			return 1
		}
	}
}

func init() { register("square-server", squareServer) }

//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// A Queue carries messages from several child processes to the parent, like
// multiprocessing.Queue used that way. It is one pipe: every child gets the
// same write end, the parent reads the other.
//
// Many writers on one pipe are safe only because of a promise POSIX makes: a
// write of at most PIPE_BUF bytes to a pipe is atomic, never mixed with
// another writer's bytes. Larger writes may be split and interleaved (see
// tornRecords). So a message is sent as one frame, a 4-byte length and the
// payload, in a single write of at most pipeBuf bytes. Python's Queue takes a
// lock shared by all processes instead, and so may send larger messages.
type Queue struct {
	r, w *os.File
}

// pipeBuf is PIPE_BUF: 4096 on Linux, 512 on macOS; 512 is the smallest
// value POSIX allows, so it holds everywhere.
const pipeBuf = 512

// maxFrame bounds the length Get believes. put never writes more than
// pipeBuf; the bound is far larger so that an experiment that drops put's
// check still gets its big frames through, while a torn stream's garbage
// length is reported instead of allocated.
const maxFrame = 1 << 20

// newQueue makes the pipe.
func newQueue() (*Queue, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &Queue{r: r, w: w}, nil
}

// Writer is the write end, to hand to each child in ExtraFiles.
func (q *Queue) Writer() *os.File { return q.w }

// CloseWriter closes the parent's copy of the write end. Call it once every
// child has been started: Get reports io.EOF only when no process holds a
// write end any more, and the parent is a process too.
func (q *Queue) CloseWriter() error { return q.w.Close() }

// Get returns the next message's payload, or io.EOF when every writer has
// closed its end and every message has been read.
func (q *Queue) Get() ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(q.r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxFrame {
		// A length read from the middle of someone else's bytes: the
		// stream is torn. Say so rather than try to allocate it.
		return nil, fmt.Errorf("queue: torn frame: a length of %d bytes, more than any writer sends", size)
	}
	msg := make([]byte, size)
	if _, err := io.ReadFull(q.r, msg); err != nil {
		return nil, fmt.Errorf("queue: torn frame: %w", err)
	}
	return msg, nil
}

// Close closes the read end (and the write end, if still open).
func (q *Queue) Close() error {
	q.w.Close()
	return q.r.Close()
}

// put writes one message as a single frame, in one write call.
func put(w io.Writer, payload []byte) error {
	if 4+len(payload) > pipeBuf {
		return fmt.Errorf("queue: message of %d bytes does not fit in one atomic write of %d", len(payload), pipeBuf)
	}
	frame := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(payload)), uint32(len(payload)))
	_, err := w.Write(append(frame, payload...))
	return err
}

// note is what a queue writer sends.
type note struct {
	Writer, Seq, PID int
}

// fanIn starts writers children that each put perWriter notes on one Queue,
// and reads them all. With closeWriter false the parent forgets to close its
// own write end: fanIn then stops waiting for EOF after patience and reports
// that EOF never came.
func fanIn(ctx context.Context, writers, perWriter int, closeWriter bool, patience <-chan struct{}) (notes []note, eof bool, err error) {
	return fanInRole(ctx, "queue-writer", writers, perWriter, closeWriter, patience)
}

// fanInRole is fanIn with the writers' role named, so a test can start
// writers that send a broken frame.
func fanInRole(ctx context.Context, role string, writers, perWriter int, closeWriter bool, patience <-chan struct{}) (notes []note, eof bool, err error) {
	q, err := newQueue()
	if err != nil {
		return nil, false, err
	}
	defer q.Close()
	var kids []*child
	for i := range writers {
		c, err := startRole(ctx, role, []*os.File{q.Writer()}, strconv.Itoa(i), strconv.Itoa(perWriter))
		if err != nil {
			break
		}
		kids = append(kids, c)
	}
	if closeWriter {
		q.CloseWriter()
	}
	type got struct {
		notes []note
		err   error
	}
	done := make(chan got, 1)
	go func() {
		var g got
		for {
			msg, err := q.Get()
			if err != nil {
				g.err = err
				break
			}
			var n note
			if err := json.Unmarshal(msg, &n); err != nil {
				g.err = fmt.Errorf("queue: bad note %.40q: %w", msg, err)
				break
			}
			g.notes = append(g.notes, n)
		}
		if g.err != io.EOF {
			// A broken frame ends the reading, but not the writers: they
			// may still have notes to put, and with nobody reading they
			// would block on the full pipe for ever, and so would the
			// Waits below. Drain the pipe so they can finish; the error
			// is what we report.
			io.Copy(io.Discard, q.r)
		}
		done <- g
	}()
	for _, c := range kids {
		if werr := c.Wait(); err == nil {
			err = werr
		}
	}
	// Every child has exited. Does the reader see EOF?
	var g got
	if closeWriter {
		// No write end is left open anywhere, so the reader must reach
		// EOF: wait for it, however slow a loaded machine makes that.
		// (Racing it against patience made the lesson's trap 2 fail under
		// load: the timer fired before the reader was scheduled.)
		patience = nil
	}
	select {
	case g = <-done:
		eof = g.err == io.EOF
	case <-patience:
		// It does not: our own write end keeps the pipe open. Closing it
		// now lets the reader finish.
		q.CloseWriter()
		g = <-done
	}
	if g.err != io.EOF && err == nil {
		err = g.err
	}
	return g.notes, eof, err
}

// queueTorn is a queue writer that starts with a frame that is not a note,
// then puts more good notes than the pipe can hold: the reader must report
// the bad frame without leaving this writer blocked (TestQueueReportsABadFrame).
func queueTorn(args []string) int {
	n, _ := strconv.Atoi(args[1])
	w := os.NewFile(3, "queue")
	if err := put(w, []byte("not a note")); err != nil {
		return 1
	}
	pad := bytes.Repeat([]byte{' '}, pipeBuf-100)
	for i := range n {
		msg, _ := json.Marshal(note{Writer: 0, Seq: i, PID: os.Getpid()})
		if err := put(w, append(msg, pad...)); err != nil {
			fmt.Fprintln(os.Stderr, "queue-torn:", err)
			return 1
		}
	}
	return 0
}

func queueWriter(args []string) int {
	id, _ := strconv.Atoi(args[0])
	n, _ := strconv.Atoi(args[1])
	w := os.NewFile(3, "queue")
	for i := range n {
		msg, _ := json.Marshal(note{Writer: id, Seq: i, PID: os.Getpid()})
		if err := put(w, msg); err != nil {
			fmt.Fprintln(os.Stderr, "queue-writer:", err)
			return 1
		}
	}
	return 0
}

// tornRecords starts writers children that each write records records of
// size bytes, each record filled with the writer's own letter and written
// with a single Write, all into one pipe with no framing and no lock. It
// returns how many records arrived with another writer's bytes mixed in.
func tornRecords(ctx context.Context, writers, records, size int) (torn int, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var kids []*child
	for i := range writers {
		c, err := startRole(ctx, "record-writer", []*os.File{w}, string(rune('A'+i)), strconv.Itoa(records), strconv.Itoa(size))
		if err != nil {
			break
		}
		kids = append(kids, c)
	}
	w.Close()
	all, rerr := io.ReadAll(r)
	for _, c := range kids {
		if werr := c.Wait(); err == nil {
			err = werr
		}
	}
	if err == nil {
		err = rerr
	}
	if len(all) != writers*records*size {
		return 0, fmt.Errorf("read %d bytes, want %d", len(all), writers*records*size)
	}
	for rec := range slices.Chunk(all, size) {
		if bytes.Count(rec, rec[:1]) != size {
			torn++
		}
	}
	return torn, err
}

func recordWriter(args []string) int {
	records, _ := strconv.Atoi(args[1])
	size, _ := strconv.Atoi(args[2])
	rec := bytes.Repeat([]byte(args[0]), size)
	w := os.NewFile(3, "pipe")
	for range records {
		if _, err := w.Write(rec); err != nil {
			return 1
		}
	}
	return 0
}

func init() {
	register("queue-writer", queueWriter)
	register("queue-torn", queueTorn)
	register("record-writer", recordWriter)
}

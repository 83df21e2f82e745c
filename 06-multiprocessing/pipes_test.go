//go:build unix

package main

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDuplex(t *testing.T) {
	tests := []struct {
		name string
		ns   []int64
	}{
		{"none: the child sees EOF at once", nil},
		{"one", []int64{7}},
		{"several", []int64{-3, 0, 1 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := duplex(t.Context(), tt.ns)
			require.NoError(t, err, "the child exits 0 once the parent closes its end")
			require.Len(t, rs, len(tt.ns))
			for i, r := range rs {
				assert.Equal(t, tt.ns[i], r.N)
				assert.Equal(t, tt.ns[i]*tt.ns[i], r.Square)
				assert.Equal(t, rs[0].PID, r.PID, "one child answers them all")
				assert.NotEqual(t, r.PID, 0)
			}
		})
	}
}

func TestQueueFanIn(t *testing.T) {
	tests := []struct{ writers, each int }{{1, 1}, {3, 4}, {4, 50}}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			notes, eof, err := fanIn(t.Context(), tt.writers, tt.each, true, nil)
			require.NoError(t, err)
			assert.True(t, eof)
			require.Len(t, notes, tt.writers*tt.each)
			// Between writers the order is whatever the scheduler made it;
			// from any one writer the notes come in the order it sent them.
			next := map[int]int{}
			for _, n := range notes {
				assert.Equal(t, next[n.Writer], n.Seq, "writer %d", n.Writer)
				next[n.Writer]++
			}
			assert.Len(t, next, tt.writers)
		})
	}
}

// A frame that is not a note must be reported, and must not leave the
// writers blocked on a pipe nobody reads any more: fanIn returns the error
// once they have finished.
func TestQueueReportsABadFrame(t *testing.T) {
	type result struct {
		notes []note
		err   error
	}
	done := make(chan result, 1)
	go func() {
		// 300 notes of about 500 bytes: more than a 64 KiB pipe holds.
		notes, _, err := fanInRole(t.Context(), "queue-torn", 1, 300, true, nil)
		done <- result{notes, err}
	}()
	select {
	case r := <-done:
		require.Error(t, r.err)
		assert.Contains(t, r.err.Error(), `queue: bad note "not a note"`)
		assert.Empty(t, r.notes, "nothing after the bad frame is believed")
	case <-time.After(30 * time.Second):
		t.Fatal("fanIn hung on a bad frame instead of reporting it")
	}
}

// Get reports a torn stream: a length no writer sends, or a frame cut short.
func TestGetReportsTornFrames(t *testing.T) {
	tests := []struct {
		name  string
		bytes []byte
		want  string
	}{
		{"impossible length", []byte("{\"Writer\":1}"), "more than any writer sends"},
		{"cut short", []byte{0, 0, 0, 10, 'a', 'b'}, "torn frame: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := newQueue()
			require.NoError(t, err)
			defer q.Close()
			_, err = q.w.Write(tt.bytes)
			require.NoError(t, err)
			require.NoError(t, q.CloseWriter())
			_, err = q.Get()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestPut(t *testing.T) {
	tests := []struct {
		size int
		ok   bool
	}{{0, true}, {pipeBuf - 4, true}, {pipeBuf - 3, false}, {1 << 16, false}}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := put(&buf, make([]byte, tt.size))
		if tt.ok {
			assert.NoError(t, err, "size %d", tt.size)
			assert.Equal(t, 4+tt.size, buf.Len())
		} else {
			assert.Error(t, err, "size %d", tt.size)
			assert.Zero(t, buf.Len(), "nothing written")
		}
	}
}

// Records up to PIPE_BUF never tear: POSIX promises it. Larger records do,
// though whether a given run shows it depends on scheduling, so the test
// allows a few runs to see it happen.
func TestTornRecords(t *testing.T) {
	atomicSize := 512
	if runtime.GOOS == "linux" {
		atomicSize = 4096
	}
	t.Run("at most PIPE_BUF", func(t *testing.T) {
		for range 3 {
			torn, err := tornRecords(t.Context(), 3, 32, atomicSize)
			require.NoError(t, err)
			assert.Zero(t, torn)
		}
	})
	t.Run("larger than the pipe", func(t *testing.T) {
		seen := 0
		for range 5 {
			torn, err := tornRecords(t.Context(), 3, 4, 256<<10)
			require.NoError(t, err)
			if seen = torn; torn > 0 {
				break
			}
		}
		assert.Positive(t, seen, "3 writers of 256 KiB records never tore one in 5 runs")
	})
}

func TestWaitBeforeRead(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		readFirst bool
		patience  time.Duration // how long to wait before calling it a deadlock
		deadlock  bool
	}{
		// The deadlock is certain, so a short patience cannot misjudge it.
		{"wait first, 1 MiB", 1 << 20, false, 200 * time.Millisecond, true},
		// No deadlock: the generous patience is never used up.
		{"wait first, 1 KiB fits the pipe", 1 << 10, false, time.Minute, false},
		{"read first, 1 MiB", 1 << 20, true, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dead, n, err := waitBeforeRead(t.Context(), tt.size, tt.readFirst, after(tt.patience))
			require.NoError(t, err)
			assert.Equal(t, tt.deadlock, dead)
			assert.EqualValues(t, tt.size, n, "the parent got every byte in the end")
		})
	}
}

func TestParentKeepsWriteEnd(t *testing.T) {
	tests := []struct {
		closeWriter bool
		patience    time.Duration
		eof         bool
	}{
		{closeWriter: false, patience: 200 * time.Millisecond, eof: false}, // EOF can never come
		{closeWriter: true, patience: time.Minute, eof: true},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			notes, eof, err := fanIn(t.Context(), 2, 3, tt.closeWriter, after(tt.patience))
			require.NoError(t, err)
			assert.Equal(t, tt.eof, eof)
			assert.Len(t, notes, 6, "the messages arrive either way; only the end is missing")
		})
	}
}

func TestEnvReplaces(t *testing.T) {
	tests := []struct {
		env             envCase
		path, greeting  bool
		onlyOneVariable bool
	}{
		{envInherit, true, false, false},
		{envReplace, false, true, true},
		{envAppend, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.env.String(), func(t *testing.T) {
			n, path, greeting, err := envSeen(t.Context(), tt.env)
			require.NoError(t, err)
			assert.Equal(t, tt.path, path, "PATH")
			assert.Equal(t, tt.greeting, greeting, "GREETING")
			assert.Equal(t, tt.onlyOneVariable, n == 1, "%d variables", n)
		})
	}
}

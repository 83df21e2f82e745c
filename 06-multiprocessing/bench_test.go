//go:build unix

package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// Run with:
//
//	go test -run '^$' -bench . -benchmem ./06-multiprocessing
//
// Spawn: what it costs to start a process and wait for it, against a goroutine.
func BenchmarkSpawn(b *testing.B) {
	ctx := b.Context()
	b.Run("/bin/true", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command("/bin/true").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The smallest Go program: what starting the Go runtime costs.
	b.Run("tiny Go binary", func(b *testing.B) {
		bin, err := harness.Build(ctx, "./06-multiprocessing/testdata/tiny", false)
		require.NoError(b, err)
		for b.Loop() {
			if err := exec.Command(bin).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The lesson's own binary run again with a role, as `go run
	// ./06-multiprocessing` does it.
	b.Run("re-exec lesson binary", func(b *testing.B) {
		bin, err := harness.Build(ctx, "./06-multiprocessing", false)
		require.NoError(b, err)
		for b.Loop() {
			cmd := exec.Command(bin, "0")
			cmd.Env = append(os.Environ(), roleEnv+"=exit")
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// This test binary run again with a role: a bigger binary than the
	// lesson's, started the way the chapter starts every child (own process
	// group, Pdeathsig, a locked OS thread for the Start/Wait).
	b.Run("re-exec test binary", func(b *testing.B) {
		for b.Loop() {
			c, err := start(command(ctx, "exit", "0"))
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		var wg sync.WaitGroup
		for b.Loop() {
			wg.Go(func() {})
			wg.Wait()
		}
	})
}

const streamSize = 64 << 20

// Throughput: moving 64 MiB to another process through a pipe, reading 64 MiB
// of shared memory in another process, and copying 64 MiB in this process.
// The children are started once, outside the timed loop.
func BenchmarkThroughput(b *testing.B) {
	ctx := b.Context()

	for _, big := range []bool{false, true} {
		name := "pipe to parent"
		if big {
			name += ", 1 MiB pipe buffer"
		}
		b.Run(name, func(b *testing.B) {
			cmd := command(ctx, "bench-source")
			in, err := cmd.StdinPipe()
			require.NoError(b, err)
			c, r, err := startPiped(cmd)
			require.NoError(b, err)
			defer func() { in.Close(); r.Close(); c.Wait() }()
			if big {
				if err := setPipeSize(r, 1<<20); err != nil {
					b.Skip(err)
				}
			}
			buf := make([]byte, 1<<20)
			b.SetBytes(streamSize)
			for b.Loop() {
				fmt.Fprintln(in, streamSize)
				// Plain reads into one buffer: io.Copy to io.Discard would
				// read through Discard's own 8 KiB buffers instead.
				for left := streamSize; left > 0; {
					n, err := r.Read(buf[:min(left, len(buf))])
					if err != nil {
						b.Fatal(err)
					}
					left -= n
				}
			}
		})
	}

	b.Run("shared memory, child reads", func(b *testing.B) {
		reg, err := newRegion(streamSize)
		require.NoError(b, err)
		defer reg.Close()
		xs := reg.Int64s(0, streamSize/8)
		for i := range xs {
			xs[i] = int64(i)
		}
		cmd := command(ctx, "bench-shm-reader")
		cmd.ExtraFiles = []*os.File{reg.File()}
		in, err := cmd.StdinPipe()
		require.NoError(b, err)
		c, r, err := startPiped(cmd)
		require.NoError(b, err)
		defer func() { in.Close(); r.Close(); c.Wait() }()
		want := int64(len(xs)) * int64(len(xs)-1) / 2
		var sum [8]byte
		b.SetBytes(streamSize)
		for b.Loop() {
			in.Write([]byte{1})
			if _, err := io.ReadFull(r, sum[:]); err != nil {
				b.Fatal(err)
			}
		}
		if got := int64(binary.LittleEndian.Uint64(sum[:])); got != want {
			b.Fatalf("child summed %d, want %d", got, want)
		}
	})

	b.Run("memcpy in process", func(b *testing.B) {
		src, dst := make([]byte, streamSize), make([]byte, streamSize)
		b.SetBytes(streamSize)
		for b.Loop() {
			copy(dst, src)
		}
	})

	// The shell's own pipe, for comparison: dd writes 256 MiB, cat reads it.
	// Three process starts are inside each iteration, a few ms in all.
	b.Run("dd | cat", func(b *testing.B) {
		const mib = 256
		b.SetBytes(mib << 20)
		for b.Loop() {
			cmd := exec.Command("sh", "-c", "dd if=/dev/zero bs=1M count="+strconv.Itoa(mib)+" 2>/dev/null | cat >/dev/null")
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Chunk size: one message per input costs a round trip per input.
func BenchmarkPoolChunkSize(b *testing.B) {
	in := upTo(10_000)
	for _, chunk := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("chunk=%d", chunk), func(b *testing.B) {
			p, err := newPool("collatz", PoolOptions{Workers: 2, ChunkSize: chunk})
			require.NoError(b, err)
			defer p.Close()
			_, err = p.Map(b.Context(), upTo(2)) // start the workers
			require.NoError(b, err)
			for b.Loop() {
				if _, err := p.Map(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchSource writes as many zero bytes as each line of stdin asks for.
func benchSource([]string) int {
	sc := bufio.NewScanner(os.Stdin)
	buf := make([]byte, 1<<20)
	for sc.Scan() {
		n, _ := strconv.Atoi(sc.Text())
		for n > 0 {
			k, err := os.Stdout.Write(buf[:min(n, len(buf))])
			if err != nil {
				return 1
			}
			n -= k
		}
	}
	return 0
}

// benchShmReader sums the shared region as int64s each time a byte arrives
// on stdin, and answers with the sum.
func benchShmReader([]string) int {
	reg, err := openRegion(3)
	if err != nil {
		return 1
	}
	defer reg.Close()
	xs := reg.Int64s(0, reg.Size()/8)
	var one [1]byte
	var out [8]byte
	for {
		if _, err := os.Stdin.Read(one[:]); err != nil {
			return 0
		}
		var sum int64
		for _, x := range xs {
			sum += x
		}
		binary.LittleEndian.PutUint64(out[:], uint64(sum))
		os.Stdout.Write(out[:])
	}
}

func init() {
	register("bench-source", benchSource)
	register("bench-shm-reader", benchShmReader)
}

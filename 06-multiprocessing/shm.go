//go:build unix

package main

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Region is memory shared between processes: a file mapped with
// MAP_SHARED, so a store by one process is seen by every process that maps
// the same file. The file has no name anyone can find: on Linux it is a memfd
// (anonymous, gone when the last descriptor and mapping go); elsewhere it is a
// temporary file unlinked right after it is created. The parent hands the
// open file to each child through exec.Cmd.ExtraFiles, and the child maps it
// again with openRegion.
//
// The region holds int64 values only, at offsets that are multiples of 8:
// sync/atomic needs 64-bit values 8-byte aligned, and a mapping starts on a
// page boundary, so an 8-aligned offset is an 8-aligned address.
type Region struct {
	f   *os.File
	mem []byte
}

// shmPrefix names every backing file, so a test can look for leftovers.
const shmPrefix = "gocourse-06-shm-"

// newRegion makes a zero-filled region of at least size bytes, backed the
// best way this system has (see newBackingFile).
func newRegion(size int) (*Region, error) {
	f, err := newBackingFile()
	if err != nil {
		return nil, err
	}
	return mapNew(f, size)
}

// newTempFileRegion makes a region backed by an unlinked temporary file: the
// portable way, used on every Unix without memfd.
func newTempFileRegion(size int) (*Region, error) {
	f, err := newTempBacking()
	if err != nil {
		return nil, err
	}
	return mapNew(f, size)
}

func newTempBacking() (*os.File, error) {
	f, err := os.CreateTemp("", shmPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	// Unlink at once: the open file keeps the data alive, and nothing is
	// left on disk even if the program is killed a moment later.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	return f, nil
}

func mapNew(f *os.File, size int) (*Region, error) {
	if size <= 0 {
		f.Close()
		return nil, fmt.Errorf("shared memory: size must be > 0, got %d", size)
	}
	page := os.Getpagesize()
	size = (size + page - 1) / page * page
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	return mapFile(f, size)
}

// openRegion maps a region a parent passed down, as the file at fd.
func openRegion(fd uintptr) (*Region, error) {
	f := os.NewFile(fd, "shared-region")
	if f == nil {
		return nil, fmt.Errorf("shared memory: fd %d is not open", fd)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory: fd %d: %w", fd, err)
	}
	return mapFile(f, int(st.Size()))
}

func mapFile(f *os.File, size int) (*Region, error) {
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory: mmap %d bytes: %w", size, err)
	}
	return &Region{f: f, mem: mem}, nil
}

// File is the backing file, to pass to a child in ExtraFiles.
func (r *Region) File() *os.File { return r.f }

// Size is the region's length in bytes.
func (r *Region) Size() int { return len(r.mem) }

// Int64s is the n int64 values starting at byte offset off, as a slice that
// aliases the shared memory. It panics if off is not a multiple of 8 or the
// values do not fit.
func (r *Region) Int64s(off, n int) []int64 {
	if off%8 != 0 || off < 0 || n < 0 || off+8*n > len(r.mem) {
		panic(fmt.Sprintf("shared memory: %d int64s at offset %d do not fit an aligned %d-byte region", n, off, len(r.mem)))
	}
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(&r.mem[off])), n)
}

// Int64 points at the int64 at byte offset off: a shared Value.
func (r *Region) Int64(off int) *int64 { return &r.Int64s(off, 1)[0] }

// Bytes is the whole region as bytes.
func (r *Region) Bytes() []byte { return r.mem }

// Close unmaps the region and closes the file. The memory itself is freed
// when the last process holding it has done the same.
func (r *Region) Close() error {
	err := unix.Munmap(r.mem)
	r.mem = nil
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// dup duplicates a descriptor, close-on-exec.
func dup(fd int) (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }

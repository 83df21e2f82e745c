package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// setPipeSize asks Linux to give the pipe f belongs to a buffer of n bytes
// (F_SETPIPE_SZ; up to /proc/sys/fs/pipe-max-size, 1 MiB by default).
func setPipeSize(f *os.File, n int) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = sc.Control(func(fd uintptr) { _, serr = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, n) })
	if err != nil {
		return err
	}
	return serr
}

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// shmBackend names how newRegion backs shared memory on this system.
const shmBackend = "memfd"

// newBackingFile makes an anonymous memory file with memfd_create(2): it
// lives in RAM, has no path, and vanishes with its last descriptor and
// mapping. MFD_CLOEXEC keeps it out of children that were not given it;
// ExtraFiles clears the flag on the copy a child is meant to have.
func newBackingFile() (*os.File, error) {
	fd, err := unix.MemfdCreate(shmPrefix+"memfd", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("shared memory: memfd_create: %w", err)
	}
	return os.NewFile(uintptr(fd), "memfd:"+shmPrefix+"memfd"), nil
}

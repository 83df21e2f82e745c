//go:build unix && !linux

package main

import "os"

// shmBackend names how newRegion backs shared memory on this system.
const shmBackend = "unlinked temp file"

// newBackingFile: without memfd, an unlinked temporary file does the job.
func newBackingFile() (*os.File, error) { return newTempBacking() }
